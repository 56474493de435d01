"""A word a question scopes to a name, answered from a sentence that scopes it to another (`answer.scopes`)."""

import pytest

from bot.answer.scopes import other_scope, scopes


def test_what_a_question_scopes() -> None:
    assert scopes("What is the longest river in Africa?") == (("river", "in", "Africa"),)
    assert scopes("Who is the manager of the Leeds branch?") == (("manager", "of", "Leeds"),)
    assert scopes("How long was Warsaw the capital of the Polish–Lithuanian Commonwealth?") == (
        ("capital", "of", "Polish–Lithuanian Commonwealth"),)
    assert scopes("Is the Rhine the longest river in Africa?") == ()  # yes/no: the other sentence answers it
    assert scopes("What is the population of the city?") == ()  # no name
    assert scopes("Who was born in 1905?") == ()


@pytest.mark.parametrize(("question", "best", "passage", "found"), [
    ("What is the longest river in Africa?", "The Rhine is the longest river in Germany.",
     "Rhine\nThe Rhine is the longest river in Germany.", ("river in Africa", "river in Germany")),
    ("Who is the manager of the Leeds branch?", "The manager of the York branch is Ann Lee.",
     "Staff: The manager of the York branch is Ann Lee.", ("manager of Leeds", "manager of York")),
    # the passage names the question's name elsewhere: left be
    ("What is the longest river in Africa?", "The Nile is the longest river in Egypt.",
     "Rivers of Africa\nThe Nile is the longest river in Egypt.", None),
    # one name's words among the other's ("Polish" in "Polish–Lithuanian Commonwealth"): the same name
    ("How long was Warsaw the capital of the Polish-Lithuanian Commonwealth?",
     "Warsaw was the capital of the Polish state until 1795.", "Warsaw\nWarsaw was the capital of the Polish "
     "state until 1795.", None),
    # the sentence scopes another word, or none
    ("What is the longest river in Africa?", "The Sahara is the largest desert in Africa's north.",
     "Sahara\nThe Sahara is the largest desert in Africa's north.", None),
])
def test_a_sentence_that_scopes_the_word_to_another_name(question: str, best: str, passage: str,
                                                         found: tuple | None) -> None:
    assert other_scope(scopes(question), best, passage) == found


def test_the_answer_says_which_name_the_closest_passage_gives_instead(library) -> None:
    bot = library({"branches.md": "# Branches\n\nThe manager of the York branch is Ann Lee. The York branch opens "
                                  "at 9am.\n"})
    asked = bot.evidence("Who is the manager of the York branch?")  # the name the documents give: not refused
    assert asked.scored and asked.why == ""
    answer = bot.ask("Who is the manager of the Leeds branch?")
    assert answer.abstained and answer.citations == ()
    assert answer.note == "No passage found gives “manager of Leeds”; the closest gives “manager of York”."
