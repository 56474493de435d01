"""End to end with the real bundled model: one folder holding a file of every office, e-book and e-mail
format, one index build, and one `python -m bot ask --json` process answering a question per format; each
answer must come from the right file and say where in the format's own words."""

import json
import os
import subprocess
import sys

import pytest
from formatmakers import (
    RTF,
    TRAINS,
    write_csv,
    write_eml,
    write_epub,
    write_odp,
    write_ods,
    write_odt,
    write_pptx,
    write_xlsx,
)

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.slow
# (question, file, location, words the answer must hold)
CASES = [
    ("How much did revenue grow in the third quarter?", "deck.pptx", "slide 1", "twelve percent"),
    ("When does the Leeds depot reopen?", "deck.pptx", "slide 1, notes", "March"),
    ("Which warehouse stores part P-045?", "stock.xlsx", "sheet Inventory, row 19", "Leeds"),
    ("Which platform does the 08:15 train from Leeds to York leave from?", "trains.csv", "row 2", "| 4 |"),
    ("When is high tide at Whitby?", "tides.tsv", "row 2", "06:42"),
    ("Which boat did Mara row out to?", "book.epub", "chapter 2: The Storm", "Saltfinch"),
    ("How many hours of sun do tomatoes need?", "garden.odt", "Garden plan › paragraph 1", "six hours"),
    ("How much did the compost cost?", "budget.ods", "sheet Budget, row 3", "30"),
    ("Where is lunch served?", "talk.odp", "slide 2", "atrium"),
    ("What temperature did the glaze firing reach?", "kiln.rtf", "paragraph 1", "1,240 degrees"),
    ("Where does the York office move to?", "move.eml", "Office move › paragraph 3", "Canal Street"),
    ("Where are the loading bay keys kept?", "move.eml", "attachment keys.txt", "blue safe"),
]


def _question(case: object) -> str:
    return case.values[0] if hasattr(case, "values") else case[0]


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("formats-e2e")
    docs = root / "docs"
    docs.mkdir()
    write_pptx(docs / "deck.pptx")
    write_xlsx(docs / "stock.xlsx")
    write_csv(docs / "trains.csv", TRAINS)
    write_csv(docs / "tides.tsv", [["Harbour", "High tide"], ["Whitby", "06:42"], ["Scarborough", "07:05"]], "\t")
    write_epub(docs / "book.epub")
    write_odt(docs / "garden.odt")
    write_ods(docs / "budget.ods")
    write_odp(docs / "talk.odp")
    (docs / "kiln.rtf").write_text(RTF, encoding="ascii")
    write_eml(docs / "move.eml")
    env = {**os.environ, "BOT_DOCS_DIR": str(docs), "BOT_INDEX_DIR": str(root / "index"), "HF_HUB_OFFLINE": "1"}
    env.pop("BOT_MODEL", None)
    questions = "".join(_question(case) + "\n" for case in CASES)
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], input=questions, capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-1000:]
    assert "10 documents" in done.stderr  # every file was read; none skipped
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return {row["question"]: row for row in rows}


@pytest.mark.parametrize(("question", "doc_id", "location", "words"), CASES)
def test_each_format_is_answered_and_cited_where_it_says(answers, question, doc_id, location, words):
    row = answers[question]
    assert not row["abstained"], row["answer"]
    first = row["citations"][0]
    assert words in row["answer"] and words in first["text"], row["answer"]
    assert (first["doc_id"], first["location"]) == (doc_id, location)
