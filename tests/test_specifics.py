"""A question's qualified numbers (`bot/answer/specifics.py`) and the answers they rule out."""

import pytest

from bot.answer.compose import NOT_FOUND
from bot.answer.periods import missing_period
from bot.answer.specifics import contradiction, gives, qualified_numbers


@pytest.mark.parametrize(("question", "found"), [
    ("How much is a 10 inch Victoria sponge?", [("10", {"inch": "10 inch"})]),
    ("Who is the fire warden for the third floor?", [("3", {"floor": "third floor"})]),
    ("How much is a 15mm compression elbow?", [("15", {"mm": "15mm"})]),
    ("When is the Year 6 trip?", [("6", {"year": "Year 6", "trip": "6 trip"})]),
    ("How long is the warranty on the D20?", [("20", {"#d": "D20"})]),  # a code's glued letters, whatever they are
    ("What time does the 7.30pm class start?", [("7:30", {"pm": "7.30pm"})]),
    ("What is in room 1?", []),  # "1" and "first" are too often no number ("no one", "born first")
    ("Who was born first, Zanussi or Andersen?", []),
    ("When did Polonia win the championship prior to 2000?", []),  # beside stop words only
    ("Who was the 4th to rule the Yuan dynasty?", []),
    ("Do you deliver 15 miles away?", []),  # yes/no: "We do not deliver further than ten miles." answers it
])
def test_the_numbers_a_question_qualifies_a_word_by(question: str, found: list) -> None:
    assert [(q.value, dict(q.written)) for q in qualified_numbers(question)] == found
    assert all(q.words == set(dict(q.written)) for q in qualified_numbers(question))


@pytest.mark.parametrize(("question", "sentence", "words"), [
    ("How much is a 10 inch Victoria sponge?", "| Victoria sponge (whole) | 8 inch | £18.00 |",
     ("10 inch", ("8 inch",))),
    ("How much is a 10 inch Victoria sponge?", "| Victoria sponge (whole) | 10 inch | £24.00 |", None),
    ("How much is a 10 inch Victoria sponge?", "Victoria sponge, ten inch: £24.", None),  # in words
    ("Who is the fire warden for the third floor?", "Chidi covers the first floor and Greta the second floor.",
     ("third floor", ("second floor",))),  # "first" is no number, "second" is
    ("What are the term dates for autumn 2025?", "| Autumn 2024 | Wed 4 September | Fri 20 December |",
     ("autumn 2025", ("Autumn 2024",))),
    ("How long is the warranty on the D20?", "Your D12 is covered by a 2-year warranty.", ("D20", ("D12",))),
    ("Which club can Year 4 join?", "Football (Years 3–6): Monday, with Coach Jamal.", None),  # within a range
    ("How much is a 12 inch fudge cake?", "Cake: Chocolate fudge; 6 inch: £22; 8 inch: £30",  # column names
     ("12 inch", ("6 inch", "8 inch", "inch: £22"))),  # the sizes first; a price under "6 inch" counts too
    ("When does the 09:15 journey reach Elm Road?", "Stop: Elm Road; Journey A: 07:01; Journey C: 09:21", None),
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


@pytest.mark.parametrize(("question", "passages", "years"), [
    ("When does spring term 2026 end?", ["Term dates\nSpring term ends on Friday 4 April 2025."], ("2026", "2025")),
    # no passage gives the year, nor does the best sentence give another: still not said
    ("What were the hall hire charges in 2024?", ["Hire charges\nMain hall: £22.00 an hour."], ("2024", "")),
    ("How much was the rent last year?", ["Rent\nRent of £1,150 per calendar month is due on the 1st."],
     ("last year", "")),
    ("Who won the dog show last season?", ["Show\nDog show: 2pm, main ring."], ("last season", "")),
    ("How much was the rent last year?", ["Rent\nThe rent rose from £1,100 last year to £1,150."], None),
    ("How many visitors came last year?", ["Visitors\nIn 2024 we welcomed 5,000 visitors."], None),  # any year
    ("Was the rent higher last year?", ["Rent\nRent of £1,150 per calendar month."], None),  # yes/no
    ("What did she do last?", ["Rent\nRent of £1,150 per calendar month."], None),  # no period
    ("When does spring term 2025 end?", ["Term dates\nSpring term ends on Friday 4 April 2025."], None),
    # the year is in a passage, though not the best sentence: an article's other years leave it be
    ("What did the 2000 film Snatch become?", ["Snatch\nSnatch is a 2000 British crime film.",
                                               "Snatch (TV series)\nSnatch debuted on Crackle in 2017."], None),
    ("Who won the Nobel Prize in 1905?", ["Koch\nKoch was awarded a Nobel Prize in 1905, for his proofs."], None),
    ("Is there a 2026 calendar?", ["Calendar\nThe 2025 calendar is on the noticeboard."], None),  # yes/no
    ("What happened in the 1990s?", ["History\nIn 1994 the club moved."], None),  # a decade is no year here
])
def test_a_year_or_past_period_no_passage_gives(question: str, passages: list[str], years: tuple | None) -> None:
    assert missing_period(question, passages, passages[-1].split("\n")[1]) == years


def test_a_question_about_a_year_the_documents_lack_abstains_and_says_which_they_give(library) -> None:
    bot = library({"newsletter.md": "# Spring newsletter\n\n## Term dates\n\nSpring term ends on Friday 4 April "
                                    "2025. Summer term starts on Tuesday 22 April 2025.\n"})
    assert bot.ask("When does spring term 2025 end?").text.startswith("Spring term ends on Friday 4 April 2025.")
    answer = bot.ask("When does spring term 2026 end?")
    assert answer.abstained and answer.note == "No passage found gives “2026”; the closest gives “2025”."


def test_a_question_about_last_year_is_not_answered_from_this_years_figure(library) -> None:
    bot = library({"tenancy.md": "# Tenancy\n\n## Rent\n\nRent of £1,150 per calendar month is due on the 1st of "
                                 "each month by standing order.\n"})
    assert "£1,150" in bot.evidence("How much is the rent?").scored[0].hit.chunk.text  # today's: answered
    answer = bot.ask("How much was the rent last year?")
    assert answer.abstained and answer.citations == ()
    assert answer.note == "No passage found speaks of “last year”."
    assert bot.ask("How much was the rent in 2024?").note == "No passage found gives “2024”."


def test_a_sentence_that_gives_one_of_two_numbers_and_contradicts_the_other_is_no_answer(library) -> None:
    bot = library({"cakes.txt": "In 2025 a 10 inch cake serves 12 people.\n"})
    answer = bot.ask("Which 10 inch cake served 20 people in 2025?")
    assert answer.abstained and answer.text == NOT_FOUND


def test_sizes_given_as_column_names_are_read_with_the_row_and_named_in_the_note(library) -> None:
    bot = library({"cakes.md": "# Cakes\n\n| Cake | 6 inch | 8 inch | 10 inch |\n|---|---|---|---|\n"
                               "| Chocolate fudge | £22 | £30 | £44 |\n| Carrot cake | £20 | £28 | £40 |\n"})
    assert bot.ask("How much is an 8 inch chocolate fudge cake?").text.startswith("| Chocolate fudge | £22 |")
    answer = bot.ask("How much is a 12 inch chocolate fudge cake?")
    assert answer.abstained
    assert answer.note == "No passage found gives “12 inch”; the closest gives “6 inch”, “8 inch” and “10 inch”."
