"""A server started as a child process on a free loopback port, waited for, and always stopped.

Shared by the test suite's web app (tests/serving.py) and the real llama.cpp server (bench/llama_server.py):
start the command with its output in a log file, poll a URL until it answers 200, stop it (terminate, then
kill) however the caller's block ends. It knows nothing of what the server is.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes through a proxy


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path) -> str:
    """The last 1,500 characters of a log, for an error message."""
    return path.read_text(encoding="utf-8", errors="replace")[-1500:] if path.exists() else ""


@contextlib.contextmanager
def served(argv: Sequence[str], ready_url: str, log: Path, what: str, timeout: float,
           **popen: Any) -> Iterator[subprocess.Popen[bytes]]:
    """Run `argv` (output to `log`) until `ready_url` answers 200, then yield the process; always stopped.
    `RuntimeError` names `what` and the log's tail when it exits early or is not ready within `timeout` s."""
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{what} exited with {proc.returncode}: {tail(log)}")
            try:
                with DIRECT.open(ready_url, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start in {timeout:.0f} s: {tail(log)}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
