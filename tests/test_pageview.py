"""Citations on the page: the cited page rendered with the sentence highlighted, and the boxes in the JSON.

A library of a scanned letter (PNG, OCR'd), a text PDF and the rotated-PDF field case is indexed once with the
fake embedder. Each highlight is checked against the page itself: against where the test drew the words
(the scan, the text PDF), and by the ink inside it on the rendered page (the rotated case), so a box in the
wrong place or the wrong coordinate system fails.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.faces.docview import reference
from bot.faces.pageview import VIEW_DPI, highlight_lines, page_html
from bot.faces.schema import answer_dict
from bot.ingest import ocr
from bot.types import WordBox
from tests.conftest import SEED_FILE, SHARED
from tests.docmakers import pdf_bytes
from tests.scans import HARBOUR, save_png, turned

pytestmark = pytest.mark.skipif(not ocr.engine(), reason="tesseract-ocr is not installed (.ci/run installs it)")
ROTATED = SHARED / "fieldcases" / "15-pdf-rotated" / "docs" / "maintenance.pdf"
GATE = "The gate code of the Harbour Trust office is 4417.\nVisitors sign the book at the desk."
_BOX = re.compile(r'class="cb-box" style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"')


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Citebot, list]:
    root = tmp_path_factory.mktemp("pages")
    docs = root / "docs"
    docs.mkdir()
    lines = save_png(docs / "letter.png", HARBOUR, angle=0.6)
    (docs / "gate.pdf").write_bytes(pdf_bytes([GATE, "A second page about opening hours."]))
    shutil.copy(ROTATED, docs / "maintenance.pdf")
    shutil.copy(SEED_FILE, docs / SEED_FILE.name)
    bot = Citebot(Settings(docs_dir=docs, index_dir=root / "index", model="fake"), embedder=FakeEmbedder())
    bot.open()
    return bot, lines


def shown(bot: Citebot, question: str, doc_id: str) -> tuple[object, str, list[tuple[float, ...]], Image.Image]:
    """The first citation of `doc_id` in the answer, its page HTML, its highlights (fractions of the page) and
    the rendered page image the HTML points to."""
    answer = bot.ask(question)
    citation = next(c for c in answer.citations if c.doc_id == doc_id)
    html = page_html(bot.store, reference(citation), bot.settings)
    src = re.search(r'<img src="/gradio_api/file=([^"]+)"', html)
    assert src, html
    boxes = [tuple(float(v) / 100 for v in m) for m in _BOX.findall(html)]
    return citation, html, boxes, Image.open(src.group(1))


def test_a_scanned_letter_shows_its_page_with_the_sentence_where_it_was_drawn(library) -> None:
    bot, lines = library
    citation, html, boxes, image = shown(bot, "When did the dry dock close?", "letter.png")
    assert "1968" in citation.sentence and "read by OCR" in html and 'data-page="1"' in html
    assert image.size == (round(8.5 * VIEW_DPI), round(11 * VIEW_DPI))  # the image file's own 200 dpi, shown at 120
    # The sentence starts on the line that holds "dry dock closed": the first highlight covers that line.
    line = next(ln for ln in lines if "dry dock closed" in ln.text)
    _, top = turned(line.box[0], line.box[1], 0.6)
    _, bottom = turned(line.box[0], line.box[3], 0.6)
    x0, y0, _, height = boxes[0]
    assert y0 * 792 < (top + bottom) / 2 < (y0 + height) * 792
    assert x0 * 612 > line.box[0] + 20  # the sentence starts mid-line, after "builders at a fair price."


def test_a_text_pdf_shows_its_page_with_the_sentence_where_it_was_drawn(library) -> None:
    bot, _ = library
    citation, html, boxes, image = shown(bot, "What is the gate code of the Harbour Trust office?", "gate.pdf")
    assert citation.sentence == "The gate code of the Harbour Trust office is 4417." and "OCR" not in html
    assert image.size == (1020, 1320)  # a 612 × 792 pt page at 120 dpi
    # docmakers draws the first line at x = 72 pt, baseline 72 pt below the top of the page, in 11-pt type.
    assert len(boxes) == 1
    x0, y0, width, height = boxes[0]
    assert abs(x0 * 612 - 72) < 2 and y0 * 792 < 72 < (y0 + height) * 792 and 0.3 < width < 0.6
    assert _ink(image, boxes[0]) > 0.05


def test_a_rotated_page_is_highlighted_where_its_text_is(library) -> None:
    bot, _ = library
    citation, html, boxes, image = shown(bot, "Who approved the maintenance plan?", "maintenance.pdf")
    assert "Ines Varga" in citation.sentence and 'data-page="3"' in html
    assert image.width > image.height  # /Rotate 90 shows the page landscape
    assert boxes and all(_ink(image, box) > 0.03 for box in boxes)


def test_the_json_gives_the_page_and_the_sentence_boxes_in_points(library) -> None:
    bot, _ = library
    data = answer_dict(bot.ask("When did the dry dock close?"))
    cited = next(c for c in data["citations"] if c["doc_id"] == "letter.png")
    assert cited["page"] == 1 and cited["ocr"]["note"] == "OCR text" and not cited["ocr"]["low"]
    assert len(cited["boxes"]) == len(cited["sentence"]["text"].split())
    assert all(set(b) == {"page", "x0", "y0", "x1", "y1"} and 0 < b["x0"] < b["x1"] < 612 for b in cited["boxes"])
    seed = answer_dict(bot.ask("Who is the White House chief of staff?"))["citations"][0]
    assert seed["boxes"] == [] and seed["ocr"] is None


def test_a_document_without_pages_has_no_page_view_and_a_changed_file_is_not_shown(library, tmp_path) -> None:
    bot, _ = library
    answer = bot.ask("Who is the White House chief of staff?")
    assert page_html(bot.store, reference(answer.citations[0]), bot.settings) == ""
    assert page_html(bot.store, "not-a-reference", bot.settings) == ""
    citation = next(c for c in bot.ask("What is the gate code?").citations if c.doc_id == "gate.pdf")
    pdf = bot.settings.docs_dir / "gate.pdf"
    kept = pdf.read_bytes()
    try:
        pdf.write_bytes(pdf_bytes(["Another text."]))
        html = page_html(bot.store, reference(citation), bot.settings)
    finally:
        pdf.write_bytes(kept)
    assert "the file changed since it was indexed; sync the index to see it again" in html


def test_words_on_one_line_make_one_highlight() -> None:
    words = [WordBox(0, 3, 1, 10, 10, 30, 20), WordBox(4, 8, 1, 34, 11, 60, 21), WordBox(9, 12, 1, 10, 30, 40, 40)]
    assert highlight_lines(words) == [(10, 10, 60, 21), (10, 30, 40, 40)]


def _ink(image: Image.Image, box: tuple[float, ...]) -> float:
    """The share of dark pixels inside a highlight (fractions of the page): text is there when it is not 0."""
    x0, y0, width, height = box
    crop = image.convert("L").crop((round(x0 * image.width), round(y0 * image.height),
                                    round((x0 + width) * image.width), round((y0 + height) * image.height)))
    return sum(1 for v in crop.get_flattened_data() if v < 128) / max(1, crop.width * crop.height)


def test_page_images_are_cached_by_file_content(library) -> None:
    bot, _ = library
    citation = next(c for c in bot.ask("What is the gate code?").citations if c.doc_id == "gate.pdf")
    first = page_html(bot.store, reference(citation), bot.settings)
    path = Path(re.search(r"file=([^\"]+)", first).group(1))
    stamp = path.stat().st_mtime_ns
    assert page_html(bot.store, reference(citation), bot.settings) == first and path.stat().st_mtime_ns == stamp


def test_word_boxes_and_notes_survive_saving_and_loading_the_index(library) -> None:
    bot, _ = library
    reopened = Citebot(bot.settings, embedder=FakeEmbedder())
    reopened.open()  # nothing changed: the saved index is loaded, not rebuilt
    for doc_id in ("letter.png", "gate.pdf", "maintenance.pdf"):
        saved, loaded = bot.store.documents[doc_id], reopened.store.documents[doc_id]
        assert loaded.boxes == saved.boxes and loaded.notes == saved.notes and loaded.boxes
    assert reopened.store.documents["letter.png"].boxes[0].confidence > 0
