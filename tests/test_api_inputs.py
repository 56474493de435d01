"""A plain-HTTP `/chat` call with the message alone: the middleware appends null for the missing history
(what gradio_client does from the API description), and leaves every other request byte for byte alone.
Driven as ASGI here, with a recording app in Gradio's place; tests/test_api.py calls the real server."""

import asyncio
import json

import pytest

from bot.faces.api_inputs import PadApiInputs, padded


def _through(path: str, body: bytes, method: str = "POST", chunks: int = 1) -> tuple[bytes, dict[bytes, bytes]]:
    """What the app behind the middleware reads for this request: its body and headers."""
    seen: dict[str, object] = {}

    async def app(scope, receive, send) -> None:
        parts, more = [], True
        while more:
            message = await receive()
            parts.append(message.get("body", b""))
            more = message.get("more_body", False)
        seen.update(body=b"".join(parts), headers=dict(scope["headers"]))

    size = -(-len(body) // chunks) or 1
    pieces = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
    messages = [{"type": "http.request", "body": p, "more_body": i < len(pieces) - 1} for i, p in enumerate(pieces)]

    async def receive():
        return messages.pop(0)

    scope = {"type": "http", "method": method, "path": path,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]}
    asyncio.run(PadApiInputs(app, {"chat": 2})(scope, receive, lambda message: asyncio.sleep(0)))
    return seen["body"], seen["headers"]


def test_the_message_alone_gets_a_null_history() -> None:
    body, headers = _through("/gradio_api/call/chat", b'{"data": ["Who did Vance call?"]}', chunks=3)
    assert json.loads(body) == {"data": ["Who did Vance call?", None]}
    assert headers[b"content-length"] == str(len(body)).encode()
    assert json.loads(_through("/gradio_api/call/chat/", b'{"data": [], "session_hash": "s"}')[0]) == {
        "data": [None, None], "session_hash": "s"}  # no message: /chat answers "The question must be text."


@pytest.mark.parametrize("path, body, method", [
    ("/gradio_api/call/chat", b'{"data": ["Who?", ["Earlier?"]]}', "POST"),  # both inputs given
    ("/gradio_api/call/chat", b'{"data": "not a list"}', "POST"),  # Gradio's own 422
    ("/gradio_api/call/chat", b'not json at all', "POST"),
    ("/gradio_api/call/chat", b'{"data": ["\xff\xfe undecodable"]}', "POST"),
    ("/gradio_api/call/chat", b"[" * 10_000 + b"]" * 10_000, "POST"),  # too deep for json: Gradio's 400
    ("/gradio_api/call/other", b'{"data": ["x"]}', "POST"),  # not an endpoint it pads
    ("/gradio_api/call/chat", b'{"data": ["x"]}', "GET"),
], ids=["complete", "string data", "not JSON", "invalid UTF-8", "deeply nested", "other endpoint", "GET"])
def test_anything_else_passes_untouched(path, body, method) -> None:
    assert _through(path, body, method)[0] == body


def test_padded_fills_only_short_data_lists() -> None:
    assert padded(b'{"data": ["a"]}', 3) == b'{"data": ["a", null, null]}'
    assert padded(b'{"data": ["a", "b", "c"]}', 2) == b'{"data": ["a", "b", "c"]}'  # Gradio ignores extras
    assert padded(b'["a"]', 2) == b'["a"]'


def test_a_body_over_the_limit_is_refused_before_it_is_all_read() -> None:
    sent: list[dict] = []
    called: list[bool] = []
    chunk = b"x" * (1024 * 1024)
    remaining = [20 * 1024 * 1024]  # 20 MB offered in 1 MB pieces; the limit is 8 MB

    async def receive() -> dict:
        remaining[0] -= len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": remaining[0] > 0}

    async def send(message: dict) -> None:
        sent.append(message)

    async def app(scope, receive, send) -> None:
        called.append(True)

    scope = {"type": "http", "method": "POST", "path": "/gradio_api/call/chat", "headers": []}
    asyncio.run(PadApiInputs(app, {"chat": 2})(scope, receive, send))
    assert not called and sent[0]["status"] == 413
    assert json.loads(sent[1]["body"]) == {"error": "The request is too large (over 8 MB)."}
    assert remaining[0] == 11 * 1024 * 1024  # it stopped at the ninth megabyte, the first over the limit
