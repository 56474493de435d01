"""A real Citebot web server for tests and benchmarks: `python -m bot serve` as a subprocess on a free
loopback port, started, waited for, measured (its RSS from /proc) and always stopped.

Used by bench/load.py and the web tests (tests/test_web_*.py). It only ever talks to 127.0.0.1, and it
turns off the telemetry that Gradio and gradio_client would otherwise send (in the server and in this
process). It does not drive the server; callers use gradio_client or plain HTTP for that.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUIET = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1",
         "TRANSFORMERS_OFFLINE": "1", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
os.environ.update(QUIET)  # gradio_client reads these when a Client is made in this process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """`with LiveServer(docs, index) as server:` — `server.url`, `server.pid`, `server.rss_mb()`, `server.log()`."""

    def __init__(self, docs: Path, index: Path, *, args: tuple[str, ...] = (), env: dict[str, str] | None = None,
                 cwd: Path | None = None, command: tuple[str, ...] = ("-m", "bot"), model: str = "fake",
                 startup_timeout: float = 180) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cwd = cwd or PROJECT_ROOT
        handle, name = tempfile.mkstemp(prefix="citebot-server-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)  # removed by `stop`; read it with `log()` before then
        self._argv = [sys.executable, *command, "serve", "--docs", str(docs), "--index", str(index),
                      "--port", str(self.port), "--host", "127.0.0.1", *args]
        self._env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
                     "LANG": "C.UTF-8", "PYTHONPATH": str(PROJECT_ROOT), "BOT_MODEL": model,
                     "GRADIO_SERVER_NAME": "127.0.0.1", **QUIET, **(env or {})}
        self._timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def __enter__(self) -> LiveServer:
        with open(self.log_path, "wb") as log:  # the child keeps its own copy of the descriptor
            self._proc = subprocess.Popen(self._argv, cwd=self.cwd, env=self._env, stdout=log,
                                          stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self._timeout
        with httpx.Client(trust_env=False, timeout=5) as http:
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    message = f"the server exited with {self._proc.returncode}:\n{self.log()[-3000:]}"
                    self.stop()
                    raise RuntimeError(message)
                try:
                    if http.get(self.url + "/").status_code in (200, 401):
                        return self
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        message = f"the server did not start within {self._timeout:.0f} s:\n{self.log()[-3000:]}"
        self.stop()
        raise RuntimeError(message)

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=15)
        self.log_path.unlink(missing_ok=True)

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def rss_mb(self) -> float:
        """The server's resident memory now, from /proc/<pid>/status (VmRSS)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS line in /proc status")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""
