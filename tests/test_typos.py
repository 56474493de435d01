"""Misspelt question words are corrected to the library's own words (`answer.typos`), and only those: real
English words, words the library holds, short words and ambiguous slips are left as they were."""

from pathlib import Path

import pytest

from bot.answer.typos import Known, correct, vocabulary_of
from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder

LIBRARY = {
    "depot.md": "# Harbour depot\n\nThe Kestrelford depot opens at 7 am. Forklift training runs on Thursdays; "
                "book a forklift at the desk.\n\nDeliveries from Céloron Freight arrive at gate 4.\n",
    "canteen.md": "# Canteen\n\nThe canteen serves soup, salads and a daily special. Payment is by card only.\n\n"
                  "Buses leave from Dunmore Road and from Dunmere Lane.\n",
}


@pytest.fixture
def bot(tmp_path: Path) -> Citebot:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in LIBRARY.items():
        (docs / name).write_text(text, encoding="utf-8")
    bot = Citebot(Settings(docs_dir=docs, index_dir=tmp_path / "index", model="fake"), embedder=FakeEmbedder())
    bot.open()
    return bot


@pytest.mark.parametrize(("asked", "meant"), [
    ("When does the Kestrelfrod depot open?", "When does the Kestrelford depot open?"),  # two letters swapped
    ("When is forklfit trainng?", "When is forklift training?"),  # a swap, and a letter left out
    ("Which gate do deliveries from Celoron use?", "Which gate do deliveries from Céloron use?"),  # accent aside
    ("Where is Kestrelfrod's depot?", "Where is Kestrelford's depot?"),  # a name's possessive the library lacks
    ("Does the cantene take cash?", "Does the canteen take cash?"),
    ("What does the canteeen serve?", "What does the canteen serve?"),  # a letter too many
])
def test_a_slip_of_the_keyboard_becomes_the_librarys_word(bot: Citebot, asked: str, meant: str) -> None:
    assert correct(bot.store, asked) == meant


@pytest.mark.parametrize("asked", [
    "Where is the nearest train station?",  # real English words the library lacks are not "corrected"
    "Does the canteen sell dairy?",  # 'dairy' is English, though one letter from the library's 'daily'
    "Is the depot open at nihgt?",  # 'night' is in no document: nothing near to correct it to
    "Does the Kestrelford depot open at 7 am?",  # every word found as written
    "When do Kestrelfords deliveries come?",  # found as it is: its stem is the library's ('kestrelford')
    "Which buses stop at Dunmire?",  # 'Dunmore' and 'Dunmere' are both one edit away, used as often: no guess
    "Is the dpot open?",  # shorter than five letters: too many words are one edit from such a word
])
def test_words_that_are_no_slip_or_cannot_be_told_apart_stay(bot: Citebot, asked: str) -> None:
    assert correct(bot.store, asked) == asked


def test_the_corrected_question_is_what_is_searched_and_shown(bot: Citebot) -> None:
    answer = bot.ask("When does the Kestrelfrod depot open?")
    assert answer.query == "When does the Kestrelford depot open?"
    assert not answer.abstained
    assert answer.citations[0].sentence == "The Kestrelford depot opens at 7 am."


def test_the_vocabulary_is_counted_once_per_store(bot: Citebot) -> None:
    first = vocabulary_of(bot.store)
    assert vocabulary_of(bot.store) is first
    assert first.words["celoron"] == Known("Céloron", 1, lower=False)
    assert first.words["canteen"] == Known("Canteen", 2, lower=True)  # the heading's 'Canteen', then 'canteen'
