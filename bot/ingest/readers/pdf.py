"""A PDF → its text as paragraphs, `#` headings and pipe tables, with each page's start offset.

pypdfium2 (PDFium, Apache-2.0/BSD) gives every character with its box, size, weight and direction;
pdfplumber's table finder (MIT) is fed the lines and boxes PDFium reports on pages that draw some.
`layout` and `paragraphs` rebuild the text from that geometry. Chosen by measuring (bench/pdf_libraries.py):
PDFium reads characters with boxes ~5× faster than pdfminer.six and faster than pypdf's plain text.

The envelope is checked first (a `%PDF` header, an `%%EOF` near the end) so a wrong or cut-off file
gets its own reason; every library failure becomes a one-line `DocumentError`. It runs inside the
bounded child process of `sandbox`, never in the app, and does no OCR: a page without a text layer is an
empty span for the parent to OCR (`scanned`); where each word sits is `pdf_boxes`' job.
"""

from __future__ import annotations

import ctypes
import math
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from bot.errors import DocumentError
from bot.ingest.layout import Block, Glyph, Line, line_text, page_blocks
from bot.ingest.paragraphs import Page, document_text

ENCRYPTED = "the PDF is encrypted; save an unprotected copy (for example, print it to a new PDF) and add that"
DAMAGED = "the PDF is damaged and could not be read; open it and save (or print) it again as a new PDF"
MIN_RULES = 4  # a page drawing fewer lines than this has no ruled table worth asking pdfplumber about


def extract_pdf(path: Path, fallback_title: str) -> tuple[str, str, tuple[int, ...]]:
    """(title, text, start offset of each page). A page without text is an empty span between blank lines,
    for the parent to OCR (`scanned.ocr_empty_pdf_pages`)."""
    raw_bytes = path.read_bytes()
    if b"%PDF-" not in raw_bytes[:1024]:
        raise DocumentError("the file is not a PDF (it has no PDF header); check that it was saved as PDF")
    if b"%%EOF" not in raw_bytes[-1024:]:
        raise DocumentError("the PDF is incomplete (it ends before its last section); download or copy it again")
    try:
        pdf = pdfium.PdfDocument(raw_bytes)
    except pdfium.PdfiumError as err:
        raise DocumentError(ENCRYPTED if "password" in str(err).lower() else DAMAGED) from err
    pages: list[Page] = []
    try:
        title = " ".join(str(pdf.get_metadata_dict().get("Title", "")).split())[:200]
        for index in range(len(pdf)):
            page = pdf[index]
            glyphs = _glyphs(page)
            tables = _tables(page, glyphs) if glyphs else []
            if tables:
                boxes = [(t.x0, t.top, t.x1, t.bottom) for t in tables]
                glyphs = [g for g in glyphs if not any(_inside(g, box) for box in boxes)]
            pages.append(Page(page_blocks(glyphs, tables), page.get_height()))
    except pdfium.PdfiumError as err:
        raise DocumentError(DAMAGED) from err
    finally:
        pdf.close()
    text, starts = document_text(pages)
    return _title(title, text, fallback_title), text, starts


def _title(meta: str, text: str, fallback: str) -> str:
    """A `#` heading the page shows; else the metadata title when the first page bears it out (most of its
    words appear there: tools fill in placeholders such as "untitled" or "(anonymous)"); else a short first
    line; else the file's name (the metadata title only when no page has text to bear it out)."""
    heading = next((ln[2:] for ln in text.split("\n") if ln.startswith("# ")), "")
    if heading:
        return heading[:200]
    words = meta.lower().split()
    opening = text[:3000].lower()
    if words and 2 * sum(w in opening for w in words) >= len(words):
        return meta
    first = text.split("\n", 1)[0]
    if first and len(first) <= 120 and not first.endswith((".", "!", "?")):
        return first
    return fallback if text.strip() else meta or fallback


def _glyphs(page: pdfium.PdfPage) -> list[Glyph]:
    textpage = page.get_textpage()
    handle = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters outside the BMP: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i)) for i in range(count))
    box = raw.FS_RECTF()
    styles: dict[tuple[float, int, float], tuple[float, bool, int]] = {}
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    glyphs: list[Glyph] = []
    size, angle = 0.0, 0.0
    last: tuple[float, float] | None = None  # (right, bottom) of the previous glyph
    for i, char in enumerate(text):
        code = ord(char)
        if code <= 0x20 and raw.FPDFText_IsGenerated(handle, i):
            continue  # PDFium's guessed spaces and line breaks; the geometry decides those here
        if (code < 0x20 or code == 0xFFFE) and raw.FPDFText_IsHyphen(handle, i):
            char = "-"  # PDFium reports a line-end hyphen as U+0002 (U+FFFE in a text range); `hyphens` decides
        elif code < 0x20 or code in (0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            continue
        raw.FPDFText_GetLooseCharBox(handle, i, box)
        # Size and angle are the slow questions; a glyph that follows the last one on its baseline shares
        # them (weight is cheap and asked always, so one bold word does not make its line bold).
        if last is None or abs(box.bottom - last[1]) > 0.01 or not -1.0 < box.left - last[0] < 30.0:
            size, angle = raw.FPDFText_GetFontSize(handle, i), raw.FPDFText_GetCharAngle(handle, i)
        last = (box.right, box.bottom)
        key = (size, raw.FPDFText_GetFontWeight(handle, i), angle)
        style = styles.get(key)
        if style is None:
            raw.FPDFText_GetFontInfo(handle, i, name, len(name), ctypes.byref(flags))
            bold = key[1] >= 600 or any(w in name.value.lower() for w in (b"bold", b"black", b"heavy"))
            # PDFium measures the angle clockwise; a quarter turn counter-clockwise is turns=1.
            style = styles[key] = (size, bold, round(-angle / (math.pi / 2)) % 4)
        glyphs.append(Glyph(char, box.left, box.bottom, box.right, box.top, *style))
    return glyphs


def _rules(page: pdfium.PdfPage) -> list[dict[str, object]]:
    """The page's drawn lines and boxes as pdfplumber edges (top measured down from the page's top)."""
    height = page.get_height()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    edges: list[dict[str, object]] = []
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, height - top.value, height - bottom.value
        thin_h, thin_v = y1 - y0 < 2.0, x1 - x0 < 2.0
        if thin_h and not thin_v:
            edges.append(_edge(x0, x1, (y0 + y1) / 2, (y0 + y1) / 2, "h"))
        elif thin_v and not thin_h:
            edges.append(_edge((x0 + x1) / 2, (x0 + x1) / 2, y0, y1, "v"))
        elif not (thin_h or thin_v):  # a box: its four sides
            edges += [_edge(x0, x1, y0, y0, "h"), _edge(x0, x1, y1, y1, "h"),
                      _edge(x0, x0, y0, y1, "v"), _edge(x1, x1, y0, y1, "v")]
    return edges


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str) -> dict[str, object]:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "line"}


class _Ruled:
    """What pdfplumber's table finder reads of a page under its "lines" strategy: the edges."""

    def __init__(self, edges: list[dict[str, object]]) -> None:
        self.edges = edges


def _tables(page: pdfium.PdfPage, glyphs: list[Glyph]) -> list[Block]:
    """Ruled tables found by pdfplumber's table finder in the lines PDFium reports, as blocks in the upright
    reading frame, each cell's text read from the glyphs inside it."""
    if page.get_rotation() % 360:
        return []  # the drawing is reported unrotated; a sideways table is read as text
    edges = _rules(page)
    if len(edges) < MIN_RULES:
        return []
    from pdfplumber.table import TableFinder  # only pages that draw lines pay for importing it

    height = page.get_height()
    blocks = []
    for table in TableFinder(_Ruled(edges)).tables:
        x0, top, x1, bottom = bbox = table.bbox
        inside = [g for g in glyphs if _within(g, bbox, height)]
        rows = []
        for row in table.rows:
            in_row = [g for g in inside if _within(g, row.bbox, height)]
            rows.append([line_text([g for g in in_row if _within(g, cell, height)]) if cell else ""
                         for cell in row.cells])
        rows = [r for r in rows if any(r)]
        if len(rows) < 2 or max(sum(1 for c in r if c) for r in rows) < 2:
            continue
        blocks.append(Block([Line(x0, x1, top - height, bottom - height, text="table")], "table", rows))
    return blocks


def _within(g: Glyph, cell: tuple[float, float, float, float], height: float) -> bool:
    x, y = (g.x0 + g.x1) / 2, height - (g.y0 + g.y1) / 2
    return cell[0] <= x < cell[2] and cell[1] <= y < cell[3]


def _inside(g: Glyph, box: tuple[float, float, float, float]) -> bool:
    x, y = (g.x0 + g.x1) / 2, -(g.y0 + g.y1) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]
