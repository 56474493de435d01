"""A table row answers only what its table has a column for (`bot/answer/table_rows.py`): worked-out rows, and
the whole bot abstaining, with its reason, on a field-case variant."""

from pathlib import Path

import pytest

from bot.answer.compose import question_terms
from bot.answer.table_rows import asks_for_a_column
from bot.assistant import ROW_LACKS_COLUMN, Citebot
from bot.config import Settings

STAFF = "| Name | Role | Extension | Building |"
AOIFE = "| Aoife Brennan | Facilities manager | 4417 | Harbour House |"
PLANTS = "| Plant | Output (tonnes) | Manager |"
ARDEN = "| Arden | 455 | Keane |"


@pytest.mark.parametrize(("question", "header", "row", "holds"), [
    ("What is Aoife Brennan's email address?", STAFF, AOIFE, False),  # no column for it
    ("What is Aoife Brennan's extension?", STAFF, AOIFE, True),  # a column's name
    ("Who owns the Heron room?", "| Room | Owner | Seats |", "| Heron | Design | 6 |", True),  # its start
    ("What is the Arden plant's email?", PLANTS, ARDEN, False),  # "plant" names the row's own column
    ("Who manages the Arden plant?", PLANTS, ARDEN, True),
    ("Who won the dog show last year?", "| Event | Time |", "| Dog show | 11:00 |", False),  # no name in it
    ("What time is the dog show?", "| Event | Time |", "| Dog show | 11:00 |", True),
    ("Where can I park at the Riverside branch?", "| Branch | Notes |",
     "| Riverside | Step-free access via the side door. Parking behind the post office. |", True),  # a note
    ("Which line departs at 12:40?", "| Route | Depart |", "| Coastal line | 12:40 |", True),  # asks for a line
    ("Is garden waste collected in January?", "| Service | Price |", "| Garden waste | £45 a year |", True),
    ("What is the status of the Valley line?", "| Route | Depart |", "| Valley line | suspended |", True),
    ("What is Aoife Brennan's email address?", "", AOIFE, True),  # no header to judge by
])
def test_a_row_holds_what_the_question_asks_for_only_in_a_column(question, header, row, holds) -> None:
    assert asks_for_a_column(question, question_terms(question), header, row) is holds


VARIANT = Path(__file__).parent / "fieldcase_variants" / "06-html-layout-table" / "docs"


@pytest.mark.slow
def test_the_bot_says_why_a_row_does_not_answer(tmp_path, real_embedder) -> None:
    bot = Citebot(Settings(docs_dir=VARIANT, index_dir=tmp_path), embedder=real_embedder)
    bot.open()
    answer = bot.ask("Who won the dog show last year?")
    assert answer.abstained and answer.confidence == 0.0 and answer.note == ROW_LACKS_COLUMN
    assert not bot.ask("What time is the dog show?").abstained  # the same row answers what it holds
