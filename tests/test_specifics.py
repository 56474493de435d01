"""A question's qualified numbers (`bot/answer/specifics.py`) and the answers they rule out."""

import pytest

from bot.answer.compose import NOT_FOUND
from bot.answer.specifics import Qualified, contradiction, gives, qualified_numbers


@pytest.mark.parametrize(("question", "found"), [
    ("How much is a 10 inch Victoria sponge?", (Qualified("10", frozenset({"inch"}), "10 inch"),)),
    ("Who is the fire warden for the third floor?", (Qualified("3", frozenset({"floor"}), "third floor"),)),
    ("How much is a 15mm compression elbow?", (Qualified("15", frozenset({"mm"}), "15mm"),)),
    ("When is the Year 6 trip?", (Qualified("6", frozenset({"year", "trip"}), "Year 6 trip"),)),
    ("How long is the warranty on the D20?", (Qualified("20", frozenset({"#d"}), "D20"),)),  # a code's letters
    ("Is the 7.30pm class full?", (Qualified("7:30", frozenset({"pm"}), "7.30pm"),)),
    ("What is in room 1?", ()),  # "1" and "first" are too often no number ("no one", "born first")
    ("Who was born first, Zanussi or Andersen?", ()),
    ("When did Polonia win the championship prior to 2000?", ()),  # beside stop words only
    ("Who was the 4th to rule the Yuan dynasty?", ()),
])
def test_the_numbers_a_question_qualifies_a_word_by(question: str, found: tuple) -> None:
    assert qualified_numbers(question) == found


@pytest.mark.parametrize(("question", "sentence", "words"), [
    ("How much is a 10 inch Victoria sponge?", "| Victoria sponge (whole) | 8 inch | £18.00 |", ("10 inch", "8 inch")),
    ("How much is a 10 inch Victoria sponge?", "| Victoria sponge (whole) | 10 inch | £24.00 |", None),
    ("How much is a 10 inch Victoria sponge?", "Victoria sponge, ten inch: £24.", None),  # in words
    ("Who is the fire warden for the third floor?", "Chidi covers the first floor and Greta the second floor.",
     ("third floor", "second floor")),  # "first" is no number, "second" is
    ("What are the term dates for autumn 2025?", "| Autumn 2024 | Wed 4 September | Fri 20 December |",
     ("autumn 2025", "Autumn 2024")),
    ("How long is the warranty on the D20?", "Your D12 is covered by a 2-year warranty.", ("D20", "D12")),
    ("Which club can Year 4 join?", "Football (Years 3–6): Monday, with Coach Jamal.", None),  # within a range
    ("Which club can Year 4 join?", "Chess club is for Year 4 and Year 5.", None),  # the number is there too
    ("How much is a 10 inch Victoria sponge?", "A Victoria sponge costs £18.", None),  # no other size given
    ("Who hosted the 18th Spirit Awards?", "The 2002 Spirit Awards were announced on March 22, 2003.", None),
])
def test_a_sentence_that_gives_the_qualified_word_another_number_contradicts(question: str, sentence: str,
                                                                               words: tuple | None) -> None:
    assert contradiction(qualified_numbers(question), sentence) == words


def test_a_sentence_gives_the_number_only_beside_the_word_it_qualifies() -> None:
    found = qualified_numbers("How much is the Calora 2kW radiator?")
    assert gives(found, "| HX-2000 | Calora | Oil-filled radiator 2kW | White | £89.00 |")
    assert not gives(found, "| HX-1200 | Calora | Oil-filled radiator 1.2kW | 2 years |")


PRICES = {"cakes.md": "# Celebration cakes\n\n| Cake | Size | Price |\n|---|---|---|\n"
                      "| Victoria sponge | 8 inch | £18.00 |\n| Chocolate fudge | 8 inch | £21.00 |\n"
                      "| Lemon drizzle | 10 inch | £26.00 |\n"}


def test_a_question_about_a_size_the_documents_lack_abstains(library) -> None:
    bot = library(PRICES)
    assert bot.ask("How much is an 8 inch Victoria sponge?").text.startswith("| Victoria sponge | 8 inch | £18.00 |")
    answer = bot.ask("How much is a 10 inch Victoria sponge?")
    assert answer.abstained and answer.text == NOT_FOUND
    assert answer.note == "No passage found gives “10 inch”; the closest gives “8 inch”."
    assert answer.retrieved[0].chunk.text == "| Victoria sponge | 8 inch | £18.00 |"  # the closest row, still shown


def test_the_row_that_gives_the_number_asked_for_is_the_answer(library) -> None:
    bot = library(PRICES)
    answer = bot.ask("How much is a 10 inch cake?")
    assert answer.text.startswith("| Lemon drizzle | 10 inch | £26.00 |"), answer.text
    assert "8 inch" not in answer.text
