"""One browser session of the Citebot page, driven over plain HTTP the way the page's own script drives it.

The upload box and the question box are UI events, not named API endpoints (only `/chat` is): the page
uploads the bytes (`POST /gradio_api/upload`), joins the queue with the event's index and its session hash
(`POST /gradio_api/queue/join`) and reads the event stream (`GET /gradio_api/queue/data`). `UiSession` does
the same, so a test or the load bench can upload files and then ask in that session, answered from the
session's private library in shared use. Session state (the private library, the conversation) stays on
the server, keyed by the session hash, exactly as for a browser. It only talks to the URL it is given.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class Event:
    fn_index: int
    trigger_id: int


class UiSession:
    """`UiSession(url)`: `upload([(name, bytes)])` → the status text; `ask(question)` → the answer bubble's HTML."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        self.http = httpx.Client(base_url=url, trust_env=False, timeout=timeout)
        self.session_hash = os.urandom(6).hex()
        config = self.http.get("/config").raise_for_status().json()
        self.upload_event = _event(config, "file", "upload")
        self.ask_event = _event(config, "textbox", "submit", elem_id="cb-question")

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> UiSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def upload(self, files: list[tuple[str, bytes]]) -> str:
        """Upload `files` as the page does; the status Markdown the page shows (one line per file)."""
        sent = self.http.post("/gradio_api/upload", files=[("files", (name, data)) for name, data in files])
        paths = sent.raise_for_status().json()
        data = [[{"path": p, "orig_name": name, "meta": {"_type": "gradio.FileData"}}
                 for p, (name, _) in zip(paths, files, strict=True)], None]
        return str(self._run(self.upload_event, data)[0])

    def ask(self, question: str) -> str:
        """Submit `question` in the question box; the last bubble's HTML once the answer is complete."""
        output = self._run(self.ask_event, [question, [], None, None, False])  # box, chat, turns, private, llm
        messages = output[1]
        content = messages[-1]["content"] if messages else ""
        if isinstance(content, list):  # Gradio 6 sends a message's content as a list of parts
            content = "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
        return str(content)

    def _run(self, event: Event, data: list[Any]) -> list[Any]:
        joined = self.http.post("/gradio_api/queue/join", json={
            "data": data, "event_data": None, "fn_index": event.fn_index, "trigger_id": event.trigger_id,
            "session_hash": self.session_hash})
        if joined.status_code == 503:
            raise Busy(joined.text[:200])
        event_id = joined.raise_for_status().json()["event_id"]
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": self.session_hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") != event_id or message.get("msg") != "process_completed":
                    continue
                if not message.get("success", False):
                    raise RuntimeError(f"the event failed: {str(message.get('output'))[:300]}")
                return list(message["output"]["data"])
        raise RuntimeError("the event stream ended before the event completed")


class Busy(Exception):
    """The server's queue is full (HTTP 503); the page shows "This application is currently busy"."""


def _event(config: dict[str, Any], component: str, trigger: str, elem_id: str | None = None) -> Event:
    ids = {c["id"] for c in config["components"] if c.get("type") == component
           and (elem_id is None or c.get("props", {}).get("elem_id") == elem_id)}
    for index, dependency in enumerate(config["dependencies"]):
        for target, name in dependency.get("targets", []):
            if target in ids and name == trigger:
                return Event(dependency.get("id", index), target)
    raise LookupError(f"no {trigger} event on a {component} in the page")


def text_of(bubble: str) -> str:
    """The bubble's visible text, tags removed (enough to look for a name in an answer)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", bubble)).strip()


def ask_api(http: httpx.Client, question: str) -> dict[str, Any]:
    """One question through the `/chat` API over plain HTTP (POST, then read the call's event stream)."""
    joined = http.post("/gradio_api/call/chat", json={"data": [question, None]})  # message, history
    if joined.status_code == 503:
        raise Busy(joined.text[:200])
    stream = http.get(f"/gradio_api/call/chat/{joined.raise_for_status().json()['event_id']}").text
    marker = "event: complete\ndata: "
    if marker not in stream:
        raise RuntimeError(f"no answer: {stream[:200]!r}")
    return dict(json.loads(stream.split(marker, 1)[1].split("\n", 1)[0])[0])
