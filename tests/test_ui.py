"""The web UI's functions called directly: the `/chat` API function, the streaming chat step, the page."""

from pathlib import Path

import pytest

from bot.answer.conversation import Turn
from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.faces.ui import build_demo, make_chat, make_respond, user_messages
from bot.types import Document


def test_chat_api_answers_with_citations(fake_bot) -> None:
    reply = make_chat(fake_bot)("Who is the White House chief of staff?")
    assert not reply["abstained"] and "[1]" in reply["answer"] and reply["citations"][0]["n"] == 1
    assert reply["query"] == reply["question"]


def test_chat_api_takes_the_conversation(fake_bot) -> None:
    chat = make_chat(fake_bot)
    for history in (["Who is the White House chief of staff?"],
                    [{"role": "user", "content": "Who is the White House chief of staff?"},
                     {"role": "assistant", "content": "…"}]):
        reply = chat("What was she watching?", history)
        assert reply["query"].startswith("What was she watching? — Who is the White House chief of staff?")


def test_chat_api_gives_a_user_error_as_a_message(fake_bot) -> None:
    assert make_chat(fake_bot)("   ") == {"question": "   ", "error": "Please type a question with at least one word."}
    assert make_chat(fake_bot)("Who is Susie Wiles?", "not a list")["question"] == "Who is Susie Wiles?"


def test_the_chat_step_streams_the_answer_then_its_sources(fake_bot) -> None:
    steps = list(make_respond(fake_bot)("Who is the White House chief of staff?", [], []))
    bubbles = [chat[-1]["content"] for _, chat, _ in steps]
    assert "Searching" in bubbles[0]
    assert "cb-cite" in bubbles[1] and "cb-source" not in bubbles[1]
    assert "cb-source" in bubbles[2] and "Why this answer" in bubbles[2]
    box, chat, turns = steps[-1]
    assert box == "" and [m["role"] for m in chat] == ["user", "assistant"]
    assert turns == [Turn("Who is the White House chief of staff?", turns[0].evidence)] and turns[0].evidence


def test_the_chat_step_follows_up_from_its_turns(fake_bot) -> None:
    respond = make_respond(fake_bot)
    *_, (_, chat, turns) = respond("Who is the White House chief of staff?", [], [])
    *_, (_, chat, turns) = respond("What was she watching?", chat, turns)
    assert len(turns) == 2 and "Searched for" in chat[-1]["content"]


def test_the_chat_step_shows_a_friendly_message_for_an_empty_question(fake_bot) -> None:
    *_, (_, chat, turns) = make_respond(fake_bot)("   ", [], [])
    message = "⚠️ Please type a question with at least one word."
    assert chat[-1]["content"] == f'<p class="cb-error" role="alert">{message}</p>'
    assert turns == []


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "![x](http://evil.example/x.png)",
                                     "<img src=x onerror=alert(1)>"])
def test_hostile_questions_come_back_escaped(fake_bot, hostile) -> None:
    *_, (_, chat, _) = make_respond(fake_bot)(hostile, [], [])
    shown = " ".join(m["content"] for m in chat)
    assert "<script" not in shown and "<img" not in shown
    assert ("&lt;" in shown) == ("<" in hostile)


def test_history_user_messages_in_every_shape() -> None:
    history = ["Who is Susie Wiles?", {"role": "assistant", "content": "x"},
               {"role": "user", "content": [{"type": "text", "text": "What was she watching?"}]}, 3]
    assert user_messages(history) == ["Who is Susie Wiles?", "What was she watching?"]


def test_demo_builds_with_the_chat_api(fake_bot) -> None:
    demo = build_demo(fake_bot)
    public = [d.api_name for d in demo.fns.values() if d.api_visibility == "public"]
    assert public == ["chat"]


def test_a_page_loaded_after_another_build_describes_that_build(tmp_path: Path) -> None:
    cats = Document("cats.txt", "Cats", "Cats purr when they are content. A cat sleeps sixteen hours a day.")
    owls = Document("owls.txt", "Owls", "Barn owls hunt voles at night. An owl swallows its prey whole.")
    settings = Settings(index_dir=tmp_path / "index", model="fake", index_check_s=0)
    server = Citebot(settings, embedder=FakeEmbedder())
    server.open(documents=[cats])
    demo = build_demo(server)
    on_load = [f.fn for f in demo.fns.values() if any(event == "load" for _, event in f.targets)]
    assert len(on_load) == 1 and "**1 document** (Cats), 1 passage ·" in on_load[0]()
    Citebot(settings, embedder=FakeEmbedder()).open(documents=[cats, owls])  # another process builds
    assert "**2 documents** (Cats, Owls), 2 passages ·" in on_load[0]()  # a reload of the page says so
