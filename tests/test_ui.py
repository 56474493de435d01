"""The web UI's chat function, called directly (the same function is the `/chat` API)."""

import pytest

from bot.ui import build_demo, make_chat, user_messages


def test_chat_answers_with_markers_and_sources(fake_bot) -> None:
    reply = make_chat(fake_bot)("Who is the White House chief of staff?", [])
    assert "**[1]**" in reply and "characters" in reply and "score" in reply


def test_chat_shows_a_friendly_message_for_an_empty_question(fake_bot) -> None:
    assert make_chat(fake_bot)("   ", []) == "⚠️ Please type a question with at least one word\\."


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "![x](http://evil.example/x.png)",
                                     "<img src=x onerror=alert(1)>"])
def test_hostile_questions_come_back_escaped(fake_bot, hostile) -> None:
    reply = make_chat(fake_bot)(hostile, [])
    assert "<script" not in reply and "<img" not in reply and "](http" not in reply


def test_history_user_messages_in_both_gradio_shapes() -> None:
    history = [{"role": "user", "content": "Who is Susie Wiles?"}, {"role": "assistant", "content": "x"},
               {"role": "user", "content": [{"type": "text", "text": "What was she watching?"}]}]
    assert user_messages(history) == ["Who is Susie Wiles?", "What was she watching?"]


def test_demo_builds_with_the_chat_api(fake_bot) -> None:
    demo = build_demo(fake_bot)
    names = [d.api_name for d in demo.fns.values()]
    assert "chat" in names
