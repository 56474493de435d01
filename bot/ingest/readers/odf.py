"""An OpenDocument file (.odt text, .ods spreadsheet, .odp slides) → text with headings, tables and marks.

The file is a zip archive whose `content.xml` holds the body; lxml parses it (entities not expanded, no
network, libxml2's depth and size limits on) and this module walks it once:
- text: `text:h` → `#` headings by outline level, paragraphs, list items as `- `, tables as Markdown
  tables (first row as header), sections, text boxes and footnotes (after their paragraph);
- spreadsheet: per sheet a `#` heading and its rows as a table under a header row (`grid`), marked
  "sheet Budget, row 18"; repeated rows and columns are counted, not expanded when empty;
- slides: per page the title frame as a heading, text frames and tables, then the speaker notes, marked
  "slide N" / "slide N, notes".
odfpy would build the same tree, but its last release is from 2020; lxml is already a dependency. Tables
of contents, change-tracking, drawings and charts are not read. Runs in the bounded child process.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from bot.errors import DocumentError
from bot.ingest.readers.blocks import Blocks, Reading, check_archive
from bot.ingest.readers.grid import Row, add_grid, trimmed

WHAT = "OpenDocument file"
MAX_CELLS = 2_000_000
_NS = {p: f"urn:oasis:names:tc:opendocument:xmlns:{u}" for p, u in (
    ("office", "office:1.0"), ("text", "text:1.0"), ("table", "table:1.0"), ("draw", "drawing:1.0"),
    ("presentation", "presentation:1.0"), ("meta", "meta:1.0"))} | {"dc": "http://purl.org/dc/elements/1.1/"}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


_H, _P, _LIST = _q("text:h"), _q("text:p"), _q("text:list")
_ITEM, _HEADER = _q("text:list-item"), _q("text:list-header")
_TABLE, _ROW = _q("table:table"), _q("table:table-row")
_CELL, _COVERED = _q("table:table-cell"), _q("table:covered-table-cell")
_FRAME, _TEXT_BOX, _NOTE, _NOTE_BODY = _q("draw:frame"), _q("draw:text-box"), _q("text:note"), _q("text:note-body")
_SPACE, _TAB, _BREAK = _q("text:s"), _q("text:tab"), _q("text:line-break")
_SKIP = {_q("text:table-of-content"), _q("text:alphabetical-index"), _q("text:tracked-changes"),
         _q("office:forms"), _q("text:sequence-decls"), _q("table:shapes")}


def read_odf(path: Path, fallback_title: str) -> Reading:
    check_archive(path, WHAT)
    try:
        with zipfile.ZipFile(path) as archive:
            body = _xml(archive, "content.xml").find("office:body", _NS)
            names = set(archive.namelist())
            meta = _xml(archive, "meta.xml") if "meta.xml" in names else None
        title = meta.findtext(".//dc:title", default="", namespaces=_NS) if meta is not None else ""
        blocks = Blocks()
        if (sheets := body.find("office:spreadsheet", _NS)) is not None:
            cells = [0]
            for sheet in sheets.iterfind("table:table", _NS):
                name = sheet.get(_q("table:name"), "")
                rows = list(_sheet_rows(sheet, cells))
                if any(r for _, r in rows):
                    blocks.add(f"# {name}", f"sheet {name}")
                    add_grid(blocks, rows, f"sheet {name}, ")
        elif (slides := body.find("office:presentation", _NS)) is not None:
            for n, page in enumerate(slides.iterfind("draw:page", _NS), 1):
                _slide(blocks, page, f"slide {n}", n)
        elif (text := body.find("office:text", _NS)) is not None:
            _flow(blocks, text)
        else:
            raise DocumentError(f"the {WHAT} holds no text, spreadsheet or slides (drawings are not read)")
    except (zipfile.BadZipFile, KeyError, ValueError, AttributeError, RecursionError, etree.LxmlError) as err:
        raise DocumentError(f"the file is not a valid {WHAT}; open it in LibreOffice and save it again") from err
    return blocks.reading(title, fallback_title, WHAT)


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(archive.read(name), parser)


def _flow(blocks: Blocks, parent: etree._Element, mark: str = "", prefix: str = "") -> None:
    """Headings, paragraphs, lists, tables and sections under `parent`, in document order."""
    for child in parent:
        tag = child.tag
        if tag in _SKIP:
            continue
        if tag == _H:
            level = min(int(child.get(_q("text:outline-level"), "1") or 1), 6)
            _paragraph(blocks, child, mark, "#" * level + " ")
        elif tag == _P:
            _paragraph(blocks, child, mark, prefix)
        elif tag == _LIST:
            for item in child:
                if item.tag in (_ITEM, _HEADER):
                    _flow(blocks, item, mark, "- ")
        elif tag == _TABLE:
            rows = [trimmed(_row_texts(row)) for row in child.iter(_ROW)]
            rows = [r for r in rows if r]
            if rows:
                blocks.add_table(rows[0], rows[1:], [mark] * len(rows))
        elif tag == _FRAME:
            for box in child.iterfind("draw:text-box", _NS):
                _flow(blocks, box, mark)
        else:  # sections, list items' containers and other wrappers
            _flow(blocks, child, mark, prefix)


def _paragraph(blocks: Blocks, element: etree._Element, mark: str, prefix: str) -> None:
    """One paragraph; its text boxes and footnotes follow it as blocks of their own."""
    blocks.add(prefix + _text(element), mark)
    for nested in element.iter(_TEXT_BOX, _NOTE_BODY):
        outer = nested.getparent()
        while outer is not element and outer.tag not in (_TEXT_BOX, _NOTE_BODY):
            outer = outer.getparent()
        if outer is element:  # one inside another box is read with that box
            _flow(blocks, nested, mark)


def _text(element: etree._Element) -> str:
    """The inline text of a paragraph: spans and links flattened, `text:s`/tab/line break as spaces; frames
    and notes left out (they are read as blocks of their own)."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag in (_SPACE, _TAB, _BREAK):
            parts.append(" ")
        elif child.tag not in (_FRAME, _NOTE):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _row_texts(row: etree._Element, limit: int = 16_384) -> list[str]:
    """A row's cell texts with `number-columns-repeated` applied, at most `limit`; runs of empty cells are
    only counted, so the padding spreadsheets write (an empty cell repeated to column 16,384) costs nothing."""
    texts: list[str] = []
    empty = 0
    for cell in row:
        if cell.tag not in (_CELL, _COVERED):
            continue
        repeat = max(1, int(cell.get(_q("table:number-columns-repeated"), "1") or 1))
        text = " ".join(_text(p) for p in cell.iter(_P))
        if not text:
            empty += repeat
            continue
        texts += [""] * min(empty, limit - len(texts))
        texts += [text] * min(repeat, limit - len(texts))
        empty = 0
    return texts


def _sheet_rows(sheet: etree._Element, cells: list[int]) -> Iterator[Row]:
    """(row number, cell texts) of a sheet; `cells` counts cells read across sheets, to bound the work."""
    n = 0
    for row in sheet.iter(_ROW):
        repeat = max(1, int(row.get(_q("table:number-rows-repeated"), "1") or 1))
        values = trimmed(_row_texts(row))
        if not values:
            n += repeat  # empty rows are counted, never expanded
            continue
        for _ in range(repeat):
            n += 1
            cells[0] += len(values)
            if cells[0] > MAX_CELLS:
                raise DocumentError(f"the spreadsheet has more than {MAX_CELLS:,} cells, which is not read; split "
                                    "it into smaller files")
            yield n, values


def _slide(blocks: Blocks, page: etree._Element, mark: str, n: int) -> None:
    title = next((_text(p) for frame in page.iterfind("draw:frame", _NS)
                  if frame.get(_q("presentation:class")) == "title" for p in frame.iter(_P)), "")
    blocks.add(f"# {title or f'Slide {n}'}", mark)
    for frame in page.iterfind("draw:frame", _NS):
        if frame.get(_q("presentation:class")) != "title":
            _flow(blocks, frame, mark)
    for notes in page.iterfind("presentation:notes", _NS):
        for frame in notes.iterfind("draw:frame", _NS):
            _flow(blocks, frame, f"{mark}, notes")
