"""The `/chat` API through gradio_client against the launched app (the browser tests' server): one question
with only `message`, and a follow-up with the conversation in `history`."""

import json

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False, httpx_kwargs={"trust_env": False})


def test_one_question_needs_only_the_message(client) -> None:
    reply = client.predict(message="Who is the White House chief of staff?", api_name="/chat")
    assert "Susie Wiles" in reply["answer"] and reply["citations"] and not reply["abstained"]
    assert set(reply["timings_ms"]) >= {"embed", "retrieve", "rescore", "compose", "total"}


def test_a_follow_up_takes_the_history(client) -> None:
    first = "Who is the White House chief of staff?"
    alone = client.predict(message="What was she watching?", api_name="/chat")
    followed = client.predict(message="What was she watching?", history=[first], api_name="/chat")
    as_messages = client.predict(message="What was she watching?", api_name="/chat",
                                 history=[{"role": "user", "content": first}, {"role": "assistant", "content": "…"}])
    assert alone["query"] == "What was she watching?"
    assert followed["query"].startswith("What was she watching? — Who is the White House chief of staff?")
    assert as_messages["query"] == followed["query"] and "watching" in followed["answer"]


def test_a_user_error_is_a_message(client) -> None:
    assert client.predict(message="   ", api_name="/chat") == {
        "question": "   ", "error": "Please type a question with at least one word."}


def _raw_chat(app_url: str, data: list) -> str:
    """A plain-HTTP call of /chat (no gradio_client): join, then read the event stream."""
    import httpx

    with httpx.Client(base_url=app_url, trust_env=False, timeout=60) as http:
        joined = http.post("/gradio_api/call/chat", json={"data": data})
        assert joined.status_code == 200, joined.text
        return http.get(f"/gradio_api/call/chat/{joined.json()['event_id']}").text


def test_plain_http_with_the_message_alone_is_answered(app_url) -> None:
    """Gradio refuses a body shorter than the endpoint's inputs with an empty `{"error": null}`; the history
    is optional, so the server fills it in: the message alone is answered like one with a null history."""
    alone = _raw_chat(app_url, ["Who is the White House chief of staff?"])
    assert alone.startswith("event: complete\ndata: "), alone[:300]
    reply = json.loads(alone.split("data: ", 1)[1])[0]
    assert "Susie Wiles" in reply["answer"] and reply["citations"]
    with_null = json.loads(_raw_chat(app_url, ["Who is the White House chief of staff?", None]).split("data: ", 1)[1])
    assert with_null[0]["answer"] == reply["answer"]
    nothing = _raw_chat(app_url, [])
    assert json.loads(nothing.split("data: ", 1)[1]) == [{"question": None, "error": "The question must be text."}]
