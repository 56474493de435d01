"""Hostile input through the `/chat` API of a running server, with gradio_client and with raw HTTP.

Every hostile question, wrong JSON types (numbers, lists, dicts, null, a missing value), lone surrogates
(which gradio_client cannot even encode), undecodable bytes, a 10,000-turn history and an induced internal
error: the reply is a short clear message or a normal answer, never a traceback, exception name or path,
and the next question is answered. A burst larger than the queue gets an explicit "busy" (HTTP 503).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fault_server import FAULT, SECRET, SLOW
from gradio_client.exceptions import AppError
from gradio_client.utils import QueueError
from hostile import HOSTILE, NORMAL, check_reply

pytestmark = pytest.mark.slow

GENERIC = "The upstream Gradio app has raised an exception but has not enabled verbose error reporting."


def ask(client, message: object) -> object:
    return client.predict(message, api_name="/chat")


def answered(reply: object) -> bool:
    """A `/chat` reply that answers with at least one citation."""
    return isinstance(reply, dict) and not reply.get("abstained", True) and bool(reply.get("citations"))


def assert_still_answers(client) -> None:
    assert answered(ask(client, NORMAL))


def call_raw(server, body: bytes) -> tuple[int, str]:
    """POST a raw body to /gradio_api/call/chat; for an accepted call, also read its event stream."""
    with httpx.Client(base_url=server.url, trust_env=False, timeout=60) as http:
        joined = http.post("/gradio_api/call/chat", content=body, headers={"content-type": "application/json"})
        if joined.status_code != 200:
            return joined.status_code, joined.text
        events = http.get(f"/gradio_api/call/chat/{joined.json()['event_id']}")
        return events.status_code, events.text


def completed_reply(stream: str) -> str:
    match = re.search(r"event: complete\ndata: (.*)\n", stream)
    assert match, f"no complete event in {stream[:300]!r}"
    return json.loads(match.group(1))[0]


def assert_no_internals(text: str) -> None:
    assert SECRET not in text and "Traceback" not in text and "RuntimeError" not in text, text[:500]
    assert not re.search(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|\w\.py\b|/(work|tmp|root|home)/", text), text[:500]


@pytest.mark.parametrize("name", [n for n in HOSTILE if n != "lone surrogates"])
def test_hostile_questions_through_gradio_client(client, name) -> None:
    check_reply(ask(client, HOSTILE[name]))
    assert_still_answers(client)


@pytest.mark.parametrize("value", [123, 4.5, True, ["Who", "is"], {"question": NORMAL}],
                         ids=["int", "float", "bool", "list", "dict"])
def test_wrong_json_types_through_gradio_client(client, value) -> None:
    check_reply(ask(client, value))
    assert_still_answers(client)


def test_null_gets_a_clear_message(client) -> None:
    assert ask(client, None) == {"question": None, "error": "The question must be text."}
    assert_still_answers(client)


@pytest.mark.parametrize(("body", "expected_status"), [
    (b'{"data": ["Who is \\ud800the White House \\udfff chief of staff?"]}', 200),  # lone surrogates, escaped
    (b'{"data": ["\\u0000\\u0000"]}', 200),
    (b'{"data": [null]}', 200),
    (b'{"data": []}', 200),
    (b'{"data": "not a list"}', 422),
    (b'{"data": {"message": "x"}}', 422),
    (b'{"data": null}', 422),
    (b'{}', 422),
    (b'not json at all', 422),
    (b'{"data": ["\xff\xfe undecodable bytes"]}', 400),
    (b'[' * 10_000 + b']' * 10_000, 400),  # deep nesting
], ids=["lone surrogates", "NULs", "null", "missing value", "string data", "dict data", "null data", "no data",
        "not JSON", "invalid UTF-8", "deeply nested"])
def test_raw_http_bodies(server, client, body, expected_status) -> None:
    status, text = call_raw(server, body)
    assert status == expected_status, text[:300]
    assert_no_internals(text)
    if "event: complete" in text:
        check_reply(completed_reply(text))
    assert_still_answers(client)


def test_a_10000_turn_history_through_raw_http(server, client) -> None:
    history = [{"role": "user" if n % 2 == 0 else "assistant", "content": f"turn {n} \u0000 \ud800"}
               for n in range(10_000)]
    status, text = call_raw(server, json.dumps({"data": [NORMAL, history]}).encode())
    assert status == 200 and answered(completed_reply(text))


def test_an_internal_error_shows_only_a_generic_message(server, client) -> None:
    with pytest.raises(AppError) as caught:
        ask(client, f"{FAULT} please")
    assert str(caught.value).startswith(GENERIC)
    assert_no_internals(str(caught.value))
    status, text = call_raw(server, json.dumps({"data": [FAULT]}).encode())
    assert status == 200 and "event: error" in text  # what the browser receives too
    assert_no_internals(text)
    assert SECRET in server.log()  # it really was raised, and logged on the server side only
    assert_still_answers(client)


def test_a_burst_beyond_the_queue_is_told_to_try_again(server, client) -> None:
    body = json.dumps({"data": [f"{SLOW}: {NORMAL}"]}).encode()

    # One shared client: making 100 clients takes seconds on 2 cores, long enough for the queue to drain.
    with httpx.Client(base_url=server.url, trust_env=False, timeout=60,
                      limits=httpx.Limits(max_connections=100)) as http:
        def join(_: int) -> tuple[int, str]:
            reply = http.post("/gradio_api/call/chat", content=body, headers={"content-type": "application/json"})
            return reply.status_code, reply.text

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=100) as pool:
            # 4 running + 64 queued fit, plus what drains meanwhile (76–94 of 100 seen): 200 leave a margin.
            results = list(pool.map(join, range(200)))
        print(f"\nburst sent in {time.monotonic() - started:.2f} s")
    statuses = Counter(status for status, _ in results)
    print(f"\n200 simultaneous slow questions: {dict(statuses)}")
    assert set(statuses) == {200, 503}, statuses  # accepted, or refused as busy: nothing else
    assert all("Queue is full" in text for status, text in results if status == 503)
    deadline = time.monotonic() + 60
    while True:  # what a user does: try again until the queue has drained (about 4 s)
        try:
            assert_still_answers(client)
            break
        except QueueError as err:
            assert str(err) == "Queue is full! Please try again." and time.monotonic() < deadline
            time.sleep(0.5)
