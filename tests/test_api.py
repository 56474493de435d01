"""The `/chat` API through gradio_client against the launched app (the browser tests' server): one question
with only `message`, and a follow-up with the conversation in `history`."""

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
