"""The OpenAI-compatible writer against a fake endpoint on 127.0.0.1: it streams what the endpoint sends and sends
the key; a down, slow or failing endpoint becomes `WriterUnavailable`, and the CLI then answers extractively
and says so; the API key never reaches output, JSON or logs."""

import json
import logging

import pytest

from bot.answer.llm_writer import ChatWriter
from bot.answer.writer import passage_from_text
from bot.config import load_settings
from bot.embed.fake import FakeEmbedder
from bot.errors import WriterUnavailable
from bot.faces.cli import main
from tests.chat_servers import FakeChat
from tests.serving import free_port

KEY = "sk-test-7f3a9c-never-shown"
QUESTION = "Who is the White House chief of staff?"
GOOD = ["Susie Wiles is ", "the White House", " chief of staff [1]", ". She was born in 1850 [1]."]


@pytest.fixture
def passages():
    return [passage_from_text(1, "Susie Wiles is the White House chief of staff. She watched.", FakeEmbedder().encode)]


def test_the_writer_streams_the_pieces_and_sends_the_key_and_the_numbered_passages(passages) -> None:
    with FakeChat(GOOD) as fake:
        assert list(ChatWriter(fake.url, "smol", KEY).stream(QUESTION, passages)) == GOOD
    (request,) = fake.requests
    assert request["path"] == "/v1/chat/completions" and request["authorization"] == f"Bearer {KEY}"
    body = request["body"]
    assert body["stream"] is True and body["model"] == "smol" and body["temperature"] == 0.0
    assert "[1] Susie Wiles is the White House chief of staff." in body["messages"][1]["content"]
    assert body["messages"][1]["content"].count(QUESTION) == 1 and "like [1]" in body["messages"][0]["content"]


def test_no_key_sends_no_authorization(passages) -> None:
    with FakeChat(GOOD) as fake:
        list(ChatWriter(fake.url).stream(QUESTION, passages))
    assert fake.requests[0]["authorization"] == ""


@pytest.mark.parametrize(("server", "options", "message"), [
    (dict(mode="500"), {}, "The language model endpoint answered with HTTP 500."),
    (dict(mode="slow", delay=3.0), dict(read_timeout_s=0.5), "The language model did not answer within 0.5 s."),
    (dict(pieces=["word "] * 20, delay=0.1), dict(total_timeout_s=0.5), "The language model took longer than 0.5 s."),
])
def test_a_failing_or_slow_endpoint_is_unavailable_without_the_key(passages, server, options, message) -> None:
    with FakeChat(**server) as fake, pytest.raises(WriterUnavailable) as err:
        list(ChatWriter(fake.url, api_key=KEY, **options).stream(QUESTION, passages))
    assert str(err.value) == message and KEY not in str(err.value)


def test_an_unreachable_endpoint_is_unavailable(passages) -> None:
    writer = ChatWriter(f"http://127.0.0.1:{free_port()}/v1", api_key=KEY)
    with pytest.raises(WriterUnavailable, match=r"^The language model endpoint could not be reached\.$"):
        list(writer.stream(QUESTION, passages))


@pytest.mark.parametrize("url", ["http://[::1/v1", "http://[::1"])
def test_a_malformed_address_is_unavailable_with_what_to_fix(passages, url) -> None:
    writer = ChatWriter(url, api_key=KEY)
    with pytest.raises(WriterUnavailable, match=r"^BOT_LLM_URL is not a valid address; fix it"):
        list(writer.stream(QUESTION, passages))

def test_the_key_is_not_in_the_settings_or_writer_repr() -> None:
    settings = load_settings({"BOT_LLM_URL": "http://127.0.0.1:9/v1", "BOT_LLM_API_KEY": KEY})
    assert settings.llm_api_key == KEY
    assert KEY not in repr(settings) and KEY not in str(settings) and "llm_url" in repr(settings)
    assert KEY not in repr(ChatWriter.from_settings(settings))


def run_cli(monkeypatch, capsys, caplog, settings, url, *extra):
    monkeypatch.setenv("BOT_LLM_URL", url)
    monkeypatch.setenv("BOT_LLM_API_KEY", KEY)
    monkeypatch.setenv("BOT_LLM_READ_TIMEOUT_S", "2")
    monkeypatch.setenv("BOT_MODEL", "fake")
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included
    code = main(["ask", QUESTION, "--llm", "--docs", str(settings.docs_dir), "--index", str(settings.index_dir),
                 *extra])
    out, err = capsys.readouterr()
    for text in (out, err, caplog.text):
        assert KEY not in text
    return code, out, err


def test_cli_json_has_the_writer_and_each_sentence_with_its_verdict(monkeypatch, capsys, caplog, settings) -> None:
    with FakeChat(GOOD) as fake:
        code, out, _ = run_cli(monkeypatch, capsys, caplog, settings, fake.url, "--json")
    assert code == 0 and fake.requests[0]["authorization"] == f"Bearer {KEY}"
    reply = json.loads(out)
    assert reply["writer"] == "llm" and reply["note"] == ""
    assert reply["answer"] == "Susie Wiles is the White House chief of staff [1]."
    (shown,) = reply["sentences"]
    assert shown["supported"] is True and shown["citations"] == [1] and shown["signals"]["word_share"] == 1.0
    (dropped,) = reply["dropped"]
    assert dropped["supported"] is False and dropped["reason"] == "[1] does not mention 1850"
    assert dropped["signals"]["missing"] == ["1850"]
    assert [c["n"] for c in reply["citations"]] == [1] and "Susie Wiles" in reply["citations"][0]["sentence"]["text"]


@pytest.mark.parametrize(("mode", "note"), [
    ("500", "The language model endpoint answered with HTTP 500. This is the extractive answer."),
    ("down", "The language model endpoint could not be reached. This is the extractive answer."),
    ("slow", "The language model did not answer within 2 s. This is the extractive answer."),
])
def test_cli_falls_back_to_the_extractive_answer_and_says_so(monkeypatch, capsys, caplog, settings, mode, note):
    if mode == "down":
        code, out, _ = run_cli(monkeypatch, capsys, caplog, settings, f"http://127.0.0.1:{free_port()}/v1", "--json")
    else:
        with FakeChat(mode=mode, delay=4.0) as fake:
            code, out, _ = run_cli(monkeypatch, capsys, caplog, settings, fake.url, "--json")
    reply = json.loads(out)
    assert code == 0 and reply["writer"] == "extractive" and reply["note"] == note
    assert "Susie Wiles" in reply["answer"] and reply["citations"] and not reply["abstained"]
    assert all(s["supported"] and s["signals"] is None for s in reply["sentences"])


def test_cli_text_shows_the_note(monkeypatch, capsys, caplog, settings) -> None:
    with FakeChat(mode="500") as fake:
        code, out, _ = run_cli(monkeypatch, capsys, caplog, settings, fake.url)
    assert code == 0 and "  (The language model endpoint answered with HTTP 500. This is the extractive answer.)" in out
