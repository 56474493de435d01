"""Hostile questions through the chat function and the CLI: a short clear message or a normal answer,
never a traceback, and the next question still works. (The API is tests/web/test_web_api.py.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hostile import HOSTILE, NORMAL, check_message, check_reply

from bot.config import PROJECT_ROOT
from bot.faces.cli import main
from bot.faces.ui import make_chat


def check_chat(reply: object) -> str:
    """The `/chat` function's reply: an answer object, or a short `{"question", "error"}` message."""
    assert isinstance(reply, dict), f"not an object: {reply!r}"
    if "error" in reply:
        check_message(reply["error"])
        return "message"
    assert set(reply) >= {"question", "answer", "abstained", "citations"}
    check_reply(reply["answer"])
    return "answer"


@pytest.mark.parametrize("name", HOSTILE)
def test_chat_function_survives(fake_bot, name) -> None:
    chat = make_chat(fake_bot)
    check_chat(chat(HOSTILE[name], []))
    assert chat(NORMAL, [])["citations"]  # and the next question is answered as usual


def test_chat_function_survives_a_10000_turn_history_of_junk(fake_bot) -> None:
    junk: list[object] = [None, 42, "text", ["list"], {"role": "user"}, {"role": "user", "content": None},
                          {"role": "user", "content": {"nested": "dict"}}, {"role": "system", "content": "x"},
                          {"role": "user", "content": [{"type": "text"}, None, "bare", {"type": "image"}]}]
    turns = [*HOSTILE.values(), "Who is Susie Wiles?", "y" * 1000]
    history: list[object] = []
    for n in range(10_000):
        if n % 10 == 9:
            history.append(junk[n // 10 % len(junk)])
        else:
            history.append({"role": "user" if n % 2 == 0 else "assistant", "content": turns[n % len(turns)]})
    chat = make_chat(fake_bot)
    assert check_chat(chat(NORMAL, history)) == "answer"
    check_chat(chat(HOSTILE["lone surrogates"], history))


@pytest.fixture
def cli_args(settings, monkeypatch) -> list[str]:
    monkeypatch.setenv("BOT_MODEL", "fake")
    return ["--docs", str(settings.docs_dir), "--index", str(settings.index_dir)]


@pytest.mark.parametrize("name", HOSTILE)
def test_cli_ask_survives(cli_args, capsys, name) -> None:
    code = main(["ask", HOSTILE[name], "--json", *cli_args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 0:
        row = json.loads(out)
        assert set(row) >= {"question", "answer", "citations"}
    else:
        assert code == 1 and out == ""
        line = err.strip().splitlines()[-1]
        assert line.startswith("error: ")
        check_message(line)
    assert main(["ask", NORMAL, "--json", *cli_args]) == 0
    assert json.loads(capsys.readouterr().out)["citations"]


def run_bot(args: list[str | bytes], stdin: bytes = b"") -> subprocess.CompletedProcess:
    # PYTHONIOENCODING=utf-8 gives the strict UTF-8 stdin of a typical en_US.UTF-8 terminal.
    env = {"BOT_MODEL": "fake", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=PROJECT_ROOT,
                          env=env, timeout=120)


def test_cli_stdin_batch_survives_every_hostile_line(settings) -> None:
    lines = [q.encode("utf-8", "surrogatepass") for q in HOSTILE.values()]  # lone surrogates → invalid UTF-8
    lines += [b"\xff\xfe\xfd undecodable bytes: Who is the chief of staff?", b"\xc3\x28", NORMAL.encode()]
    stdin = b"\n".join(lines) + b"\n"
    result = run_bot(["ask", "--json", "--docs", str(settings.docs_dir), "--index", str(settings.index_dir)], stdin)
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-2000:]
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(rows) == stdin.count(b"\n")  # one object per input line, none lost
    for row in rows:
        if "error" in row:
            check_message(row["error"])
        else:
            assert set(row) >= {"question", "answer", "citations"}
    assert "error" not in rows[-1] and rows[-1]["citations"]  # the question after them all is answered
    assert result.returncode == 1  # some lines failed, and the exit code says so


@pytest.mark.parametrize("question", [b"Who is \xff\xfe the chief of staff?", "x" * 100_000,
                                      HOSTILE["RTL override"] + HOSTILE["emoji"] + HOSTILE["control characters"]],
                         ids=["undecodable bytes", "100,000-character word", "RTL, emoji and controls"])
def test_cli_argument_survives(settings, question) -> None:
    result = run_bot(["ask", question, "--docs", str(settings.docs_dir), "--index", str(settings.index_dir)])
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    if result.returncode == 1:
        check_message(stderr.strip().splitlines()[-1])
    else:
        assert result.returncode == 0 and result.stdout
