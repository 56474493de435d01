"""Question normalisation: what is searched is what the user can see; nonsense gets an exact message."""

import pytest

from bot.answer.question import normalize_question
from bot.errors import QuestionError


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Who called   Modi? ", "Who called Modi?"),
    ("Who\u200b called\u202e Modi?", "Who called Modi?"),  # zero-width space, bidi override
    ("Who\x00called\x07Modi?", "Who called Modi?"),
    ("Who called \ud800Modi?", "Who called Modi?"),  # a lone surrogate
    ("Cafe\u0301 menu?", "Café menu?"),  # NFC
    ("مرحبا 👋 hello", "مرحبا 👋 hello"),
])
def test_normalisation_known_answers(raw: str, expected: str) -> None:
    assert normalize_question(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "???", "\x00\x01", "\u200b\u200b"])
def test_no_words_is_refused(raw: str) -> None:
    with pytest.raises(QuestionError, match=r"^Please type a question with at least one word\.$"):
        normalize_question(raw)


def test_too_long_is_refused_with_the_limit() -> None:
    with pytest.raises(QuestionError, match=r"^The question is too long \(2,001 characters\); keep it under "
                                            r"2,000 characters\.$"):
        normalize_question("a" * 2001)


def test_a_megabyte_is_refused_before_any_work() -> None:
    with pytest.raises(QuestionError, match=r"too long \(1,048,576 characters\)"):
        normalize_question("x" * 1_048_576)


@pytest.mark.parametrize("raw", [None, 42, ["who?"], {"q": "who?"}])
def test_non_text_is_refused(raw: object) -> None:
    with pytest.raises(QuestionError, match=r"^The question must be text\.$"):
        normalize_question(raw)
