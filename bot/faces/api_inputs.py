"""Plain-HTTP calls of an API endpoint that leave out its trailing optional inputs get them as null.

Gradio's `POST /gradio_api/call/chat` takes `{"data": [message, history]}` and refuses a shorter list
before the chat function runs, with an empty `{"error": null}` event (errors are hidden from callers).
gradio_client fills optional parameters from the API's description; this ASGI middleware does the same for
plain HTTP: a JSON body whose `data` list is shorter than the endpoint's inputs gets nulls appended, which
`/chat` reads as "no history" (and a missing message as an empty question, answered with a clear error).
Other requests, and bodies that are not such JSON, reach Gradio untouched and get its own answers. Pure
ASGI and JSON; gradio is not imported here (`ui` wires it in).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]
_ROUTES = ("call", "run", "api")  # Gradio's routes that take {"data": [...]} for a named endpoint
MAX_BODY = 8 * 1024 * 1024  # bytes held to pad one call: a question and a long history fit many times over


class PadApiInputs:
    """ASGI middleware; `inputs` maps an API name ("chat") to its number of inputs."""

    def __init__(self, app: App, inputs: Mapping[str, int]) -> None:
        self.app = app
        self.inputs = dict(inputs)

    async def __call__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        wanted = self._wanted(scope)
        if not wanted:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:  # Gradio reads the whole body to parse it, too
            message = await receive()
            if message["type"] != "http.request":  # the caller went away: nobody to answer
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY:  # not held in memory without bound: refused before it is all read
                await _too_large(send)
                return
            if not message.get("more_body", False):
                break
        body = padded(b"".join(chunks), wanted)
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        given = False

        async def replay() -> Message:
            nonlocal given
            if given:
                return await receive()  # after the body: what the server says next (a disconnect)
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _wanted(self, scope: MutableMapping[str, Any]) -> int:
        """How many inputs the endpoint this request calls takes (0: not one of ours, leave it alone)."""
        if scope.get("type") != "http" or scope.get("method") != "POST":
            return 0
        parts = str(scope.get("path", "")).rstrip("/").split("/")
        if len(parts) < 2 or parts[-2] not in _ROUTES:
            return 0
        return self.inputs.get(parts[-1], 0)


async def _too_large(send: Send) -> None:
    body = json.dumps({"error": f"The request is too large (over {MAX_BODY // 1024 // 1024} MB)."}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def padded(body: bytes, inputs: int) -> bytes:
    """`body` with `data` filled up to `inputs` values with nulls; `body` itself when it is anything else."""
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep: Gradio says so itself
        return body
    data = request.get("data") if isinstance(request, dict) else None
    if not isinstance(data, list) or len(data) >= inputs:
        return body
    return json.dumps({**request, "data": [*data, *[None] * (inputs - len(data))]}).encode()
