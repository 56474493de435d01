"""Follow-up questions: known queries for known histories, topic switches, and the bot using them.

The resolver is pure, so most expectations are exact strings worked out by hand from the rules in
`bot/answer/conversation.py`: a follow-up's query is the message, the earlier (resolved) question, then the
names in that turn's cited sentences that were not already said.
"""

import pytest

from bot.answer.conversation import Turn, is_follow_up, names, resolve, retrieval_query, turn_of

CALL = Turn("Who did Vance call?", ("Vance would then make a call to Indian Prime Minister Narendra Modi.",))


def test_pronouns_borrow_the_earlier_question_and_the_names_it_was_answered_with() -> None:
    assert retrieval_query("When had he met him before?", [CALL]) == (
        "When had he met him before? — Who did Vance call? — Indian Prime Minister Narendra Modi")


def test_the_focus_is_the_message_without_its_pointing_words() -> None:
    resolved = resolve("When had he met him before?", [CALL])
    assert resolved.focus == "When had met before" and resolved.follow_up


def test_the_focus_keeps_the_numbers_that_narrow_the_earlier_answer() -> None:
    rooms = Turn("Which rooms have a projector?", ("| Birch | 3 | 12 | yes |", "| Cedar | 2 | 20 | yes |"))
    assert resolve("Which of them is on floor 3?", [rooms]).focus == "Which of is on floor 3"


def test_chains_resolve_through_the_earlier_follow_up() -> None:
    met = Turn("When had he met him before?", ("Vance had met with the prime minister just the previous month.",))
    assert retrieval_query("What did he urge him to do?", [CALL, met]) == (
        "What did he urge him to do? — When had he met him before? — Who did Vance call? — "
        "Indian Prime Minister Narendra Modi")


@pytest.mark.parametrize("question", ["What was Rubio trying to negotiate?", "What is the capital of France?",
                                      "Which outlet reported that India downplayed US involvement?",
                                      "What did Rubio say about his calls?"])
def test_a_new_topic_is_searched_as_typed(question) -> None:
    resolved = resolve(question, [CALL, Turn("When had he met him before?")])
    assert resolved.query == question and resolved.focus == question and not resolved.follow_up


def test_what_about_asks_the_earlier_question_again_about_the_new_subject() -> None:
    earlier = [Turn("What was Rubio trying to negotiate?")]
    assert retrieval_query("What about Vance?", earlier) == "What was Vance trying to negotiate?"
    assert retrieval_query("And Pakistan?", [Turn("What does India prefer?")]) == "What does Pakistan prefer?"


def test_a_bare_why_keeps_the_earlier_focus() -> None:
    resolved = resolve("Why?", [Turn("Who did Vance call?")])
    assert resolved.query == "Why? — Who did Vance call?" and resolved.focus == "Who did Vance call?"


def test_plain_text_history_and_empty_turns() -> None:
    query = retrieval_query("Who called him?", ["", "Who is Narendra Modi?"])
    assert query == "Who called him? — Who is Narendra Modi?"
    assert retrieval_query("Who called him?", []) == "Who called him?"


def test_the_query_is_bounded() -> None:
    long = Turn("Who is " + "Vance " * 50 + "?")
    assert retrieval_query("Why?", [long], max_chars=40) == "Why?"


@pytest.mark.parametrize(("question", "follows"), [
    ("When had he met him before?", True), ("Who wrote that report?", True), ("Why?", True),
    ("Who else was there?", True), ("And Pakistan?", True), ("What did it see as its role?", True),
    ("Who did Vance call?", False), ("Which outlet reported that India downplayed US involvement?", False),
    ("What did the US believe about communication between the two countries?", False),
])
def test_follow_up_cues(question, follows) -> None:
    assert is_follow_up(question) is follows


def test_names_split_at_punctuation_and_drop_possessives() -> None:
    assert names("CNN's Kit Maher, Sophia Saifi, and the US.") == ["CNN Kit Maher", "Sophia Saifi", "US"]
    assert names("The Economic Times, Bank of England") == ["Economic Times", "Bank of England"]


def test_the_bot_resolves_plain_text_history_like_turns(fake_bot) -> None:
    first = fake_bot.ask("Who is the White House chief of staff?")
    by_turn = fake_bot.ask("What was she watching?", [turn_of(first)])
    by_text = fake_bot.ask("What was she watching?", ["Who is the White House chief of staff?"])
    assert by_turn.query == by_text.query != "What was she watching?"
    assert by_text.query.startswith("What was she watching? — Who is the White House chief of staff?")
    assert "context" in by_text.timings_ms


def test_the_bot_does_not_drag_an_old_topic_into_a_new_one(fake_bot) -> None:
    answer = fake_bot.ask("What did Rubio negotiate?", ["Who is the White House chief of staff?"])
    assert answer.query == "What did Rubio negotiate?"


def test_a_bad_earlier_message_carries_no_context(fake_bot) -> None:
    answer = fake_bot.ask("What was she watching?", ["   ", 42])
    assert answer.query == "What was she watching?"
