"""PDF layout: typeset PDFs (written here with reportlab) come back as the paragraphs, headings, tables and
pages they were written with. The PDF field cases run through the whole bot in tests/test_fieldcases.py."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.ingest.hyphens import Hyphens
from bot.ingest.layout import Glyph, page_blocks
from bot.ingest.paragraphs import Page, document_text
from bot.ingest.readers.pdf import extract_pdf
from bot.ingest.reading import read_file

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=9)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=14, leading=17, spaceAfter=6)
OPENING = ("The harbour office opens at six in the morning and closes when the last ferry has been unloaded, "
           "which in summer can be well after ten at night. Visitors report to the desk beside the weighbridge.")
PARAS = [OPENING,
         "Pilots board incoming ships two miles beyond the breakwater, where the channel narrows and the "
         "current runs strongest on the ebb tide. Every boarding is entered in the pilot log.",
         "Cargo that arrives damaged is photographed on the quay before it is moved, and the photographs are "
         "kept with the delivery note for three years. Claims without photographs are not accepted."]


def _build(path: Path, story: list, two_columns: bool = False, header: str = "") -> Path:
    width, height = A4
    doc = BaseDocTemplate(str(path), pagesize=A4, leftMargin=60, rightMargin=60, topMargin=60, bottomMargin=60)
    if two_columns:
        column = (width - 120 - 20) / 2
        frames = [Frame(60, 60, column, height - 120), Frame(80 + column, 60, column, height - 120)]
    else:
        frames = [Frame(60, 60, width - 120, height - 120)]

    def running(canvas: Canvas, document: BaseDocTemplate) -> None:
        if header:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(60, height - 35, header)
            canvas.drawRightString(width - 60, 30, f"Page {document.page}")

    doc.addPageTemplates([PageTemplate(frames=frames, onPage=running)])
    doc.build(story)
    return path


def _blocks(text: str) -> list[str]:
    return text.split("\n\n")


def test_wrapped_lines_become_paragraphs_and_running_heads_are_dropped(tmp_path):
    story = [Paragraph("Harbour rules", HEADING)] + [Paragraph(p, BODY) for p in PARAS * 7]
    doc = read_file(_build(tmp_path / "harbour.pdf", story, header="Port of Lerwick - internal"), "harbour.pdf")
    assert len(doc.pages) == 2
    assert doc.title == "Harbour rules"
    blocks = _blocks(doc.text)
    assert blocks[0] == "# Harbour rules"
    # Every paragraph comes back whole, once each, with no header, footer or page number among them; the
    # one that the page break cut is joined again.
    assert blocks[1:] == PARAS * 7
    assert "Lerwick" not in doc.text and "Page 1" not in doc.text


RULE = ("The quay crane is inspected by the harbour engineer before every shift, and a crane that fails the "
        "inspection is tagged and left idle until the engineer signs it off again in the crane book. ") * 3
HOOKS = "Spare crane hooks are stored in the blue container."


def _page_break_story() -> list:
    # The spacer leaves room for a few lines at the foot of page 1, so the paragraph runs on to page 2.
    return [Paragraph(OPENING, BODY), Spacer(1, 600), Paragraph(RULE + HOOKS, BODY), Paragraph(PARAS[1], BODY)]


def test_paragraph_over_a_page_break_is_joined_and_each_sentence_names_its_page(tmp_path):
    doc = read_file(_build(tmp_path / "cranes.pdf", _page_break_story()), "cranes.pdf")
    assert _blocks(doc.text) == [OPENING, RULE + HOOKS, PARAS[1]]
    start = doc.text.index(RULE)
    assert start < doc.pages[1] < start + len(RULE)
    assert (doc.page_at(start), doc.page_at(doc.text.index(HOOKS))) == (1, 2)


def test_a_citation_names_the_page_of_its_sentence_not_of_its_passage(tmp_path):
    (tmp_path / "docs").mkdir()
    _build(tmp_path / "docs" / "cranes.pdf", _page_break_story())
    bot = Citebot(Settings(docs_dir=tmp_path / "docs", index_dir=tmp_path / "index"), embedder=FakeEmbedder())
    bot.open()
    cited = bot.ask("Where are spare crane hooks stored?").citations[0]
    assert cited.sentence == HOOKS
    assert (cited.chunk.page, cited.page) == (1, 2)
    assert cited.location.startswith("page 2, ")


def test_two_columns_are_read_column_by_column(tmp_path):
    story = [Paragraph(p, BODY) for p in PARAS * 3]
    doc = read_file(_build(tmp_path / "columns.pdf", story, two_columns=True), "columns.pdf")
    assert _blocks(doc.text) == PARAS * 3


def test_a_word_broken_at_the_foot_of_a_column_is_joined_however_short_its_line(tmp_path):
    # The left column's last line is short ("new dispatch soft-"): room enough for the next word, which alone
    # would mean a paragraph ended there; the hyphen after a letter says the word goes on in the next column.
    path = tmp_path / "columns.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 10)
    left = ["Pallets are counted twice in every", "quarter, once in the first week and",
            "once in the last week.", "", "The dispatch office replaced its", "paper pick lists in February. The",
            "new dispatch soft-"]
    right = ["ware reduced picking errors by a", "third within six weeks. Drivers", "now plan their routes a day",
             "ahead and load the vans in the", "order of their stops."]
    for x, lines in ((72, left), (A4[0] / 2 + 10, right)):
        for n, line in enumerate(lines):
            canvas.drawString(x, 700 - 13 * n, line)
    canvas.save()
    assert read_file(path, "columns.pdf").text == (
        "Pallets are counted twice in every quarter, once in the first week and once in the last week.\n\n"
        "The dispatch office replaced its paper pick lists in February. The new dispatch software reduced "
        "picking errors by a third within six weeks. Drivers now plan their routes a day ahead and load the "
        "vans in the order of their stops.")


def test_headings_by_size_weight_or_number_become_sections(tmp_path):
    plain = ParagraphStyle("plain", parent=BODY)
    story = [Paragraph("Harbour rules", HEADING), Paragraph(OPENING, BODY),
             Paragraph("2.1 Pilotage", plain), Paragraph(PARAS[1], BODY)]
    doc = read_file(_build(tmp_path / "rules.pdf", story), "rules.pdf")
    assert _blocks(doc.text) == ["# Harbour rules", OPENING, "# 2.1 Pilotage", PARAS[1]]


def test_line_end_hyphens_go_only_inside_words(tmp_path):
    narrow = ParagraphStyle("narrow", parent=BODY, hyphenationLang="en_GB", embeddedHyphenation=1)
    text = ("Interoperability between the two billing systems was poor, and the auditors said the "
            "price-determining factors were raw material costs, freight rates and the well-known "
            "seasonal surcharge that nobody could explain satisfactorily to the committee.")
    path = tmp_path / "audit.pdf"
    SimpleDocTemplate(str(path), pagesize=(150, 600), leftMargin=10, rightMargin=10).build([Paragraph(text, narrow)])
    assert read_file(path, "audit.pdf").text == text


def test_the_document_decides_a_hyphen_before_the_word_list():
    assert Hyphens("the quorvex-ability of it").join("good quorvex-", "ability here") == "good quorvex-ability here"
    assert Hyphens("its quorvexability").join("good quorvex-", "ability here") == "good quorvexability here"
    assert Hyphens("").join("the interoper-", "ability") == "the interoperability"
    assert Hyphens("").join("the price-", "determining factors") == "the price-determining factors"
    assert Hyphens("").join("state-of-the-", "art") == "state-of-the-art"
    assert Hyphens("").join("a soft\u00ad", "ware") == "a software"
    assert Hyphens("").join("at Trinité-", "du-Mont church") == "at Trinité-du-Mont church"  # broken at its hyphen
    assert Hyphens("").join("the wor-", "st-case plan") == "the worst-case plan"  # inside a compound's word
    assert Hyphens("").join("the interoper-", "ability tests") == "the interoperability tests"


def test_ligature_glyphs_become_letters():
    glyphs = [Glyph(ch, 10 + 6 * i, 700, 16 + 6 * i, 712, 10) for i, ch in enumerate("e\ufb03cient \ufb02ow")]
    text, _ = document_text([Page(page_blocks(glyphs), 842)])
    assert text == "efficient flow"


def test_text_turned_sideways_reads_in_order():
    # "Up" runs bottom to top (a quarter turn counter-clockwise), two lines, the left one first.
    def word(text: str, x: float, y: float) -> list[Glyph]:
        return [Glyph(ch, x, y + 6 * i, x + 10, y + 6 * (i + 1), 10, turns=1) for i, ch in enumerate(text)]

    glyphs = word("second line", 312, 100) + word("first line", 300, 100)
    text, _ = document_text([Page(page_blocks(glyphs), 842)])
    assert text == "first line second line"


def test_rotated_page_and_sideways_text_are_read(tmp_path):
    path = tmp_path / "turned.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(60, 780, "An ordinary page comes first.")
    canvas.showPage()
    canvas.setFont("Helvetica", 11)
    canvas.saveState()
    canvas.translate(300, 100)
    canvas.rotate(90)
    canvas.drawString(0, 0, "Schedule heading")
    canvas.drawString(0, -20, "The filter is replaced every 500 hours.")
    canvas.restoreState()
    canvas.showPage()
    canvas.setPageRotation(90)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(60, 780, "A page turned by its rotation entry.")
    canvas.showPage()
    canvas.save()
    doc = read_file(path, "turned.pdf")
    assert _blocks(doc.text)[1:] == ["Schedule heading", "The filter is replaced every 500 hours.",
                                     "A page turned by its rotation entry."]
    assert [doc.page_at(doc.text.index(b)) for b in _blocks(doc.text)] == [1, 2, 2, 3]


def test_ruled_table_becomes_a_pipe_table_with_its_header(tmp_path):
    rows = [["Part", "Warehouse", "Bay"], ["P-044", "Porto", "B12"], ["P-045", "Leeds", "B36"]]
    table = Table(rows)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("Parts are stored as listed below.", BODY), table, Spacer(1, 12),
             Paragraph("Ask the yard office for anything else.", BODY)]
    doc = read_file(_build(tmp_path / "parts.pdf", story), "parts.pdf")
    assert _blocks(doc.text) == ["Parts are stored as listed below.",
                                 "| Part | Warehouse | Bay |\n|---|---|---|\n| P-044 | Porto | B12 |\n"
                                 "| P-045 | Leeds | B36 |",
                                 "Ask the yard office for anything else."]


def test_a_page_without_text_is_left_empty_for_ocr_and_named(tmp_path):
    from PIL import Image  # pdfplumber's dependency; an image-only page is what a scan looks like
    from reportlab.lib.utils import ImageReader

    picture = io.BytesIO()
    Image.new("L", (40, 40), 128).save(picture, format="PNG")
    path = tmp_path / "mixed.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.drawString(60, 780, "Typed page with text.")
    canvas.showPage()
    canvas.drawImage(ImageReader(io.BytesIO(picture.getvalue())), 60, 400, 400, 400)
    canvas.showPage()
    canvas.save()
    _, text, pages = extract_pdf(path, "mixed")
    assert (text, pages) == ("Typed page with text.\n\n", (0, 23))  # page 2: an empty span after a blank line
    doc = read_file(path, "mixed.pdf")  # the OCR step reads page 2 (a grey square: no words) and says so
    assert doc.text.strip() == "Typed page with text."
    assert len(doc.notes) == 1 and doc.notes[0].startswith("page 2: ")
