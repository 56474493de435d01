"""OpenAI-compatible chat servers for the language-model writer's tests, on 127.0.0.1 only.

`FakeChat` is a tiny `http.server` that streams a scripted reply as server-sent events (or fails on purpose:
HTTP 500 echoing the API key back, a reply slower than the client's timeout), and records what it was sent.
The real llama.cpp server is bench/llama_server.py's `llama_server`.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
