"""The CLI contract: one JSON object per answer, exact error lines, exit codes, stdin batches."""

import json
import re
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from bot.faces.cli import main
from tests.conftest import SEED_FILE


@pytest.fixture
def cli_env(settings, monkeypatch) -> list[str]:
    monkeypatch.setenv("BOT_MODEL", "fake")
    return ["--docs", str(settings.docs_dir), "--index", str(settings.index_dir)]


def run_cli(args: list[str], stdin: str = "", env_model: str = "fake") -> subprocess.CompletedProcess:
    env = {"BOT_MODEL": env_model, "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env=env, timeout=120)


def test_ask_json_contract(cli_env, capsys) -> None:
    assert main(["ask", "What did Rubio negotiate?", "--json", *cli_env]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    row = json.loads(out[0])
    assert set(row) >= {"question", "answer", "abstained", "confidence", "citations", "retrieved", "timings_ms"}
    assert row["question"] == "What did Rubio negotiate?"
    assert isinstance(row["abstained"], bool) and 0.0 <= row["confidence"] <= 1.0
    text = (PROJECT_ROOT / "seeds" / "000_204c1444c696506f.txt").read_text(encoding="utf-8")
    for c in row["citations"]:
        assert set(c) >= {"n", "doc_id", "title", "text", "start", "end", "score"}
        assert text[c["start"]:c["end"]] == c["text"]
    assert len(row["retrieved"]) == 10
    assert all(set(r) >= {"doc_id", "start", "end", "score"} for r in row["retrieved"])


def test_empty_question_prints_one_line_and_exits_1(cli_env, capsys) -> None:
    assert main(["ask", "   ", *cli_env]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: Please type a question with at least one word."


def test_stdin_batch_goes_on_past_a_bad_line(settings) -> None:
    args = ["ask", "--json", "--docs", str(settings.docs_dir), "--index", str(settings.index_dir)]
    result = run_cli(args, stdin="What did Rubio negotiate?\n\nWho is Susie Wiles?\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in r) for r in rows] == [False, True, False]
    assert rows[1] == {"question": "", "error": "Please type a question with at least one word."}
    assert result.returncode == 1  # one line failed
    assert "Traceback" not in result.stderr


def test_no_documents_is_one_line_and_no_traceback(tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli(["index", "--docs", str(empty), "--index", str(tmp_path / "idx")])
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: There are no readable documents to index")
    assert "Traceback" not in result.stderr and str(tmp_path) not in result.stderr


def test_unreadable_index_is_rebuilt_and_said(settings, cli_env, capsys) -> None:
    assert main(["index", *cli_env]) == 0
    version = next(p for p in settings.index_dir.iterdir() if p.is_dir())
    (version / "chunks.jsonl").write_text("{not json", encoding="utf-8")
    assert main(["index", *cli_env]) == 0
    assert "Built the index (the index was damaged)" in capsys.readouterr().err


def test_chat_uses_the_conversation(cli_env, capsys) -> None:
    import io

    sys_stdin = sys.stdin
    sys.stdin = io.StringIO("Who is Susie Wiles?\nWhat was she watching?\n")
    try:
        assert main(["chat", "--json", *cli_env]) == 0
    finally:
        sys.stdin = sys_stdin
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in rows] == ["Who is Susie Wiles?", "What was she watching?"]


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("BOT_TOP_K", "abc", "error: BOT_TOP_K must be a whole number, got 'abc'; fix or unset it."),
    ("BOT_MIN_CONFIDENCE", "high", "error: BOT_MIN_CONFIDENCE must be a number, got 'high'; fix or unset it."),
    ("BOT_TOP_K", "0", "error: BOT_TOP_K is not usable: top_k must be at least 1, got 0; fix or unset it."),
    ("BOT_BACKEND", "gpu",
     "error: BOT_BACKEND is not usable: backend must be auto, torch or onnx, got 'gpu'; fix or unset it."),
])
def test_a_bad_setting_is_one_line_not_a_traceback(cli_env, capsys, monkeypatch, variable, value, message) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["ask", "Who?", *cli_env]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [message]


def test_a_bad_setting_stops_the_web_ui_with_one_line() -> None:
    env = {"BOT_BACKEND": "gpu", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "app.py"], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env,
                          timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == \
        "error: BOT_BACKEND is not usable: backend must be auto, torch or onnx, got 'gpu'; fix or unset it."


def test_index_prints_only_the_bots_own_lines(settings) -> None:
    """No library chatter: bm25s logs at DEBUG, which a root handler (the CLI sets one) would print."""
    result = run_cli(["index", "--docs", str(settings.docs_dir), "--index", str(settings.index_dir)])
    assert result.returncode == 0
    lines = [line.strip() for line in result.stderr.replace("\r", "\n").splitlines() if line.strip()]
    assert not [line for line in lines if "index from" in line], lines
    assert lines[-1].startswith("Built the index (no index yet): 1 document, 20 passages"), lines


def test_plain_citations_name_the_file_and_a_rows_table_header(tmp_path, monkeypatch, capsys) -> None:
    """Without --json a citation names its file (the path under the documents folder) beside the title, and a
    cited table row comes with its table's header line, as `header` in the JSON and the UI give it."""
    monkeypatch.setenv("BOT_MODEL", "fake")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "rooms.md").write_text("# Meeting rooms\n\n| Room | Floor | Seats |\n|---|---|---|\n"
                                           "| Birch | 3 | 12 |\n| Cedar | 5 | 40 |\n", encoding="utf-8")
    (docs / "notes.txt").write_text("Office handbook\n\nThe cafeteria opens at eight in the morning and closes at "
                                    "three in the afternoon.\n", encoding="utf-8")
    where = ["--docs", str(docs), "--index", str(tmp_path / "index")]
    assert main(["ask", "Which floor is the Cedar room on?", *where]) == 0
    lines = capsys.readouterr().out.splitlines()
    cited = lines.index(next(line for line in lines if line.startswith("  [1] ")))
    assert lines[cited].startswith("  [1] Meeting rooms (sub/rooms.md) — Meeting rooms › table row 2, characters "
                                   "75–93 (score ")
    assert lines[cited].endswith("): “| Cedar | 5 | 40 |”")
    assert lines[cited + 1] == "      table header: | Room | Floor | Seats |"
    assert main(["ask", "When does the cafeteria open?", *where]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  [1] Office handbook (notes.txt) — paragraph 1, characters 17–98 (score ")
    assert lines[2].startswith("  confidence ")  # no header line for a paragraph


def test_skipped_files_are_listed_when_the_index_is_built_then_summed_up(settings, monkeypatch, capsys) -> None:
    """`ask` lists skipped files when a sync builds the index (a change in what is skipped, a symlink that
    has no file record included, builds one); while nothing changed it says one line; `index` always lists."""
    monkeypatch.setenv("BOT_MODEL", "fake")
    (settings.docs_dir / "empty.txt").write_bytes(b"")
    where = ["--docs", str(settings.docs_dir), "--index", str(settings.index_dir)]

    def stderr_of(*args: str) -> list[str]:
        assert main([*args, *where]) == 0
        lines = capsys.readouterr().err.splitlines()  # less the progress bars, and timings made "…"
        return [re.sub(r"in \d+\.\d s", "in … s", line) for line in lines if line.strip() and "/s]" not in line]

    empty = "empty.txt: skipped, the file is empty"
    assert empty in stderr_of("ask", "Who is Susie Wiles?")
    assert stderr_of("ask", "Who is Susie Wiles?") == [
        "1 file was skipped, as when the index was built; `python -m bot index` lists why.",
        "The index is up to date: 1 document, 20 passages (loaded in … s)."]
    assert stderr_of("index") == [empty, "The index is up to date: 1 document, 20 passages (loaded in … s)."]
    (settings.docs_dir / "leak.txt").symlink_to(SEED_FILE)
    lines = stderr_of("ask", "Who is Susie Wiles?")
    assert lines[:2] == [empty, "leak.txt: skipped, the link points outside the documents folder"]
    assert lines[2].startswith("Built the index (only file dates or skipped files changed)")
    assert stderr_of("ask", "Who is Susie Wiles?")[0] == (
        "2 files were skipped, as when the index was built; `python -m bot index` lists why.")
