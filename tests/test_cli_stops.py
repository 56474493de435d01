"""The CLI stops quietly (issue 14): a reader that closes stdout (`| head -c 100`) ends the batch with 141
(128 + SIGPIPE, what a shell shows for a process killed by it), SIGTERM with 143, and neither prints a
traceback; every `--json` line is strict JSON (`null`, never `NaN`), `eval --json` included."""

import json
import os
import select
import signal
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from bot.faces.schema import dumps, finite

ENV = {"BOT_MODEL": "fake", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "LANG": "C.UTF-8"}


def _bot(settings, *args):
    return [sys.executable, "-m", "bot", *args, "--docs", str(settings.docs_dir), "--index", str(settings.index_dir)]


@pytest.fixture
def built(settings):
    done = subprocess.run(_bot(settings, "index"), cwd=PROJECT_ROOT, env=ENV, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return settings


def _strict(text):
    def refuse(constant):
        raise ValueError(f"not strict JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def test_a_closed_stdout_ends_the_batch_with_141_and_no_traceback(built):
    questions = "What did Rubio negotiate?\nWho is Susie Wiles?\n" * 300  # ~3 MB of JSON: far past a pipe's buffer
    proc = subprocess.Popen(_bot(built, "ask", "--json"), cwd=PROJECT_ROOT, env=ENV, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(questions.encode())
    proc.stdin.close()
    head = proc.stdout.read(100)  # `| head -c 100`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 128 + signal.SIGPIPE
    assert head.startswith(b'{"question": "What did Rubio negotiate?"')
    assert "Traceback" not in err and "Exception ignored" not in err and "BrokenPipe" not in err, err[-2000:]


def test_the_shell_pipe_to_head_is_quiet(built):
    command = " ".join(_bot(built, "ask", "--json")) + " < /dev/stdin | head -c 100"
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], cwd=PROJECT_ROOT, env=ENV,
                          input="What did Rubio negotiate?\n" * 600, capture_output=True, text=True, timeout=120)
    assert len(done.stdout) == 100 and done.returncode == 141
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr[-2000:]


def test_sigterm_in_a_batch_exits_143_quietly(built):
    proc = subprocess.Popen(_bot(built, "ask", "--json"), cwd=PROJECT_ROOT, env=ENV, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(b"What did Rubio negotiate?\n")
    proc.stdin.flush()
    first = proc.stdout.readline()  # one answer out; the batch now waits for the next line
    _strict(first)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    err = proc.stderr.read().decode()
    assert "Traceback" not in err and "Terminated" not in err, err[-2000:]
    proc.stdin.close()
    proc.stdout.close()
    proc.stderr.close()


def test_sigterm_during_a_build_leaves_the_previous_index(built, tmp_path):
    """Stopped mid-build (once the progress bar shows it reading), the command unwinds (lock released,
    reader child gone) and exits 143; the next command finds no debris and completes the build."""
    for i in range(300):
        (built.docs_dir / f"note-{i:03}.txt").write_text(f"Note {i}\n\n" + "Words about ferries and tides. " * 200)
    proc = subprocess.Popen(_bot(built, "index"), cwd=PROJECT_ROOT, env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    seen = b""
    while b"reading" not in seen and b"chunking" not in seen:
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        chunk = os.read(proc.stderr.fileno(), 4096) if ready else b""
        assert chunk, f"no progress within 60 s: {seen[-500:]!r}"
        seen += chunk
    proc.send_signal(signal.SIGTERM)
    status = proc.wait(timeout=60)
    err = (seen + proc.stderr.read()).decode(errors="replace")
    proc.stderr.close()
    assert status == 128 + signal.SIGTERM and "Traceback" not in err, err[-2000:]
    again = subprocess.run(_bot(built, "index"), cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True,
                           timeout=300)
    assert again.returncode == 0 and "Traceback" not in again.stderr
    assert again.stderr.strip().splitlines()[-1].startswith("Built the index (files: 300 added): 301 documents")
    assert not [p for p in built.index_dir.iterdir() if p.name.startswith(".tmp-")]


def test_finite_and_dumps_write_null_for_nan():
    value = {"a": float("nan"), "b": [1.0, float("inf"), (float("-inf"), 2)], "c": "NaN"}
    assert finite(value) == {"a": None, "b": [1.0, None, [None, 2]], "c": "NaN"}
    assert dumps(value) == '{"a": null, "b": [1.0, null, [null, 2]], "c": "NaN"}'


def test_eval_json_is_strict_when_a_metric_has_no_questions(built, tmp_path):
    questions = tmp_path / "q.jsonl"  # answerable only: the unanswerable metrics have nothing to measure
    questions.write_text(json.dumps({"id": "q1", "question": "Who is Susie Wiles?", "answers_any": ["chief of staff"],
                                     "evidence_any": ["chief of staff"]}) + "\n")
    done = subprocess.run(_bot(built, "eval", str(questions), "--json"), cwd=PROJECT_ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = _strict(done.stdout)
    assert report["results"]["hybrid"]["abstained_when_unanswerable"] is None
    assert report["results"]["hybrid"]["questions"] == 1
