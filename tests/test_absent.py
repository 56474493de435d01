"""Names a question gives that no document holds (`bot/answer/absent.py`), and the abstention they make."""

from collections.abc import Callable

import pytest

from bot.answer.absent import absent_names
from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.store.base import Store
from bot.store.indexer import build
from bot.types import Document

TIMETABLE = """Route 7 timetable

| Stop | First bus | Last bus |
|---|---|---|
| Market Square | 05:52 | 23:17 |
| Riverside Hospital | 06:04 | 23:29 |

Stock: 22mm copper elbow, 410 in bay B-07. Kettle model TX-450, white.
Questions about the timetable go to Renée Dubois or Heidi Van der Berg.
Part A-113 is the rubber foot. The ISO 9001 certificate number is QA-2024-0042.
Staff: Αλέξανδρος Παπαδόπουλος, Björn Ødegård, Дмитрий Иванов. Nearest airport: Newcastle International.
Tickets use the User Datagram Protocol.
"""


@pytest.fixture(scope="module")
def store() -> Store:
    return build([Document("route7", "Route 7 timetable", TIMETABLE),
                  Document("kx", "Kettle notes", "Descale monthly. Returned HX-1500s are checked by Marta.",
                           source="KX-900_manual.md")],
                 FakeEmbedder(), Settings())[0]


@pytest.mark.parametrize(("question", "absent"), [
    ("What time is the first bus from Westgate?", ["Westgate"]),  # a stop the timetable lacks
    ("How many 15mm copper elbows do we have?", ["15mm"]),  # a size the stock list lacks
    ("Is the TX460 kettle white?", ["TX460"]),  # a model the list lacks
    ("Is the TX450 kettle white?", []),  # TX-450, written without its hyphen
    ("Who is Renee Dubois?", []),  # accents aside
    ("Who is Renée Dubios?", []),  # one slip from a name the library has
    ("What does UserDatagram guarantee?", []),  # written apart in the document
    ("What is Heidi Vanderberg's extension?", []),  # "Van der Berg"
    ("When does the bus reach Maple Avenue?", []),  # "maple" is an English word: never taken for a name
    ("How many NBA titles?", []),  # capitals: a library may spell them out
    ("How busy was the route in the 1700s?", []),  # a decade is no name
    ("what time is the first bus from westgate", []),  # lower case: only capitalised words are names
    ("Westgate buses: when is the first?", []),  # the first word is capitalised anyway
    ("What is part A113?", []),  # "A-113"
    ("What is certificate QA20240042?", []),  # "QA-2024-0042"
    ("What does the KX900 manual say?", []),  # only in a file name: "KX-900_manual.md"
    ("What does Alexandros Papadopoulos do?", []),  # written in Greek
    ("What does Bjoern Oedegaard do?", []),  # "Björn Ødegård"
    ("How far is Newcastle Intl airport?", []),  # "International" cut short
    ("Hi Citebot, when is the last bus?", []),  # the bot's own name
    ("What is part A114?", ["A114"]),
    ("What colour is the TX-460?", ["TX-460"]),  # a hyphened code is one name, though "TX" and "460" are words
    ("How many TX-450s are white?", []),  # TX-450, in the plural
    ("Is part A-113 the foot?", []),
    ("Where is bay B-07?", []),
    ("Is COVID-19 mentioned?", ["COVID-19"]),
    ("Who checks the HX-1500?", []), ("Who checks returned HX1500 units?", []),  # "HX-1500s" in the plural
    ("What does Dmitri Petrov do?", ["Petrov"]),  # "Дмитрий" is held, Petrov is not
    ("Did Westgate, Westgate or Eastgate run?", ["Westgate", "Eastgate"]),  # each name once
    ("Is " + " ".join(f"Zq{i}x" for i in range(200)) + " here?", [f"Zq{i}x" for i in range(6)]),  # six looked up
])
def test_the_names_a_question_gives_that_no_document_holds(store: Store, question: str, absent: list[str]) -> None:
    assert absent_names(store, question) == absent


def test_a_question_naming_what_no_document_holds_abstains_and_still_shows_the_passages(
        library: Callable[[dict[str, str]], Citebot]) -> None:
    bot = library({"route7.md": TIMETABLE})
    answer = bot.ask("What time is the first bus from Westgate?")
    assert answer.abstained and answer.citations == () and answer.confidence == 0.0
    assert answer.retrieved  # the closest passages are still shown, labelled as no answer
    named = bot.ask("What time is the first bus from Market Square?")
    assert not named.abstained and "05:52" in named.citations[0].sentence


def test_the_answer_says_which_name_no_document_holds(library: Callable[[dict[str, str]], Citebot]) -> None:
    bot = library({"route7.md": TIMETABLE})
    assert bot.ask("What time is the first bus from Westgate?").note == "No document mentions “Westgate”."
    assert bot.ask("Is Brambleton or Westgate on the route?").note == "No document mentions “Brambleton” or “Westgate”."
    unnamed = bot.ask("What is the depot's email address?")  # abstains for want of an email, names nothing absent
    assert unnamed.abstained and unnamed.note == "No passage found gives any email address."
    assert bot.ask("What time is the first bus from Market Square?").note == ""
