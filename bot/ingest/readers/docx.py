"""A Word document (.docx) → plain text: headings as `#` lines, one block per paragraph, tables as pipe tables,
text boxes, nested tables, footnotes and endnotes included, each once.

python-docx opens the file and names paragraph styles ("Heading N" → N `#`s, list styles → `- ` items, the
"Title" paragraph or the document property → the title); the body is walked as XML so that what python-docx's
`Paragraph.text` leaves out is read too: a text box (`w:txbxContent`) follows the paragraph that anchors it
(of the two copies Word writes in `mc:AlternateContent`, only the first, `mc:Choice`, is read); a table
nested in a cell follows the table holding it; content controls (`w:sdt`) are read through, around
paragraphs, tables, rows and cells. Word's non-breaking hyphen element is a hyphen, its soft hyphen nothing.
A footnote or endnote reference becomes `[n]` in the text and the note itself a `[n] …` entry under a
closing "Notes" heading, so a cited sentence brings its note along. A table's first row is its header when
Word marks it (repeat as header row, or all bold) or, in a table of three or more columns, when it holds no
digits; a two-column table without one is read as "Key: value" lines. A cell merged across columns
(`w:gridSpan`) or down rows (`w:vMerge`) is repeated in each, so every row keeps its key; a table that
only lays out the page (a heading or prose in a cell) is read as the paragraphs it holds. The archive's
unpacked size is checked first so a zip bomb is refused before it is parsed. Old binary .doc files,
headers, footers and comments are not read.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml.etree import LxmlError

from bot.errors import DocumentError
from bot.ingest.decoding import clean_text, guess_title
from bot.ingest.tables import one_line, table_blocks

MAX_UNPACKED = 512 * 1024 * 1024
LAYOUT_TEXT = 300  # a cell with this much text in two or more paragraphs holds prose, not a value
_HEADING_STYLE = re.compile(r"Heading (\d)")
_INVALID = ("the file is not a valid Word document (.docx); open it in Word or LibreOffice and save it again "
            "as .docx")
_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
# Word writes these characters as elements: a non-breaking hyphen is a hyphen ("e-mail"), an optional
# (soft) hyphen shows only at a line's end, so it is no character at all.
_CHARACTERS = {qn("w:noBreakHyphen"): "-", qn("w:softHyphen"): ""}
_SDT_CONTENT = qn("w:sdtContent")
_TXBX = qn("w:txbxContent")
# Not text: formatting, deleted text, field codes, and the second (fallback) copy of a drawing.
_SKIP = frozenset((qn("w:pPr"), qn("w:rPr"), qn("w:tblPr"), qn("w:trPr"), qn("w:tcPr"), qn("w:del"),
                   qn("w:delText"), qn("w:instrText"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"))
_NOTE_REFS = {qn("w:footnoteReference"): "footnotes", qn("w:endnoteReference"): "endnotes"}
_NOT_NOTES = ("separator", "continuationSeparator", "continuationNotice")
_OFF = ("0", "false", "off")
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_docx(path: Path, fallback_title: str) -> tuple[str, str]:
    """(title, text) of a .docx file."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise DocumentError(f"the Word document unpacks to more than {MAX_UNPACKED >> 20} MB, which is not "
                                "read; split it into smaller documents")
        document = docx.Document(str(path))
        reader = _Reader(document)
        blocks = reader.read()
        title = (document.core_properties.title or "").strip() or reader.title
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, LxmlError) as err:
        raise DocumentError(_INVALID) from err
    text = clean_text("\n\n".join(blocks))
    if not text.strip():
        raise DocumentError("the Word document has no text")
    return " ".join(title.split())[:200] or guess_title(text, fallback_title), text


class _Reader:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.title = ""  # the first "Title" paragraph
        self.numbers: dict[tuple[str, str], int] = {}  # (notes part, note id) → the n of its "[n]"

    def read(self) -> list[str]:
        blocks: list[str] = []
        # A work list, not recursion: text boxes and nested tables are put right after what holds them.
        todo: deque[Any] = deque(self.document.element.body.iterchildren())
        while todo:
            element = todo.popleft()
            if element.tag == _SDT:
                content = element.find(qn("w:sdtContent"))
                todo.extendleft(reversed(list(content if content is not None else ())))
            elif element.tag == _P:
                text, boxes = self.text(element)
                block = self.paragraph(element, text)
                if block:
                    blocks.append(block)
                todo.extendleft(reversed([child for box in boxes for child in box.iterchildren()]))
            elif element.tag == _TBL and self.lays_out(element):  # its cells are read as the page they make up
                todo.extendleft(reversed([child for tr in _controlled(element, _TR) for tc in _controlled(tr, _TC)
                                          for child in _controlled(tc, _P, _TBL)]))
            elif element.tag == _TBL:
                table, inner = self.table(element)
                blocks.extend(table)
                todo.extendleft(reversed(inner))
        return blocks + self.notes()

    def text(self, element: Any) -> tuple[str, list[Any]]:
        """The visible text of a paragraph (note references as "[n]"), and the text boxes anchored in it."""
        parts: list[str] = []
        boxes: list[Any] = []
        stack = [element]
        while stack:
            node = stack.pop()
            tag = node.tag
            if tag == _TXBX:
                boxes.append(node)
                continue
            if tag in _SKIP:
                continue
            if tag == _T:
                parts.append(node.text or "")
            elif tag in (_TAB, _BR, _CR):
                parts.append(" ")
            elif tag in _CHARACTERS:
                parts.append(_CHARACTERS[tag])
            elif tag in _NOTE_REFS:
                parts.append(f"[{self.number(_NOTE_REFS[tag], node.get(qn('w:id')) or '')}]")
            stack.extend(reversed(node))
        return " ".join("".join(parts).split()), boxes

    def paragraph(self, element: Any, text: str) -> str:
        if not text:
            return ""
        name = self.style_name(element)
        heading = _HEADING_STYLE.fullmatch(name)
        if heading:
            return "#" * min(int(heading.group(1)), 6) + " " + text
        if name.startswith("List"):
            return "- " + text
        if name == "Title" and not self.title:
            self.title = text
        return text

    def style_name(self, element: Any) -> str:
        style = Paragraph(element, self.document).style
        return (style.name or "") if style is not None else ""

    def lays_out(self, element: Any) -> bool:
        """A table that lays out the page (a newsletter's columns, a CV's sidebar) rather than holding data:
        one of its own cells holds a heading, or prose (two or more paragraphs and LAYOUT_TEXT characters)."""
        for tr in _controlled(element, _TR):
            for tc in _controlled(tr, _TC):
                texts = []
                for p in _controlled(tc, _P):
                    text = self.text(p)[0]
                    if text and _HEADING_STYLE.fullmatch(self.style_name(p)):
                        return True
                    texts.append(text)
                if sum(1 for t in texts if t) >= 2 and sum(map(len, texts)) >= LAYOUT_TEXT:
                    return True
        return False

    def table(self, element: Any) -> tuple[list[str], list[Any]]:
        """The table's blocks, and what its cells hold that is read after it (nested tables, text boxes)."""
        rows: list[list[str]] = []
        inner: list[Any] = []
        for tr in _controlled(element, _TR):
            cells: list[str] = []
            above = rows[-1] if rows else []
            for tc in _controlled(tr, _TC):
                lines = []
                for child in _controlled(tc, _P, _TBL):
                    if child.tag == _P:
                        text, boxes = self.text(child)
                        lines.append(text)
                        inner.extend(child for box in boxes for child in box.iterchildren())
                    elif child.tag == _TBL:
                        inner.append(child)
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                width = max(1, min(int(span.get(qn("w:val"), "1")) if span is not None else 1, 50))
                merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                    # merged down from the cell above: Word shows its text across the rows, so each keeps it
                    cells.extend(above[len(cells) + i] if len(cells) + i < len(above) else "" for i in range(width))
                else:
                    cells.extend([one_line(lines)] * width)
            rows.append(cells)
        rows = [row for row in rows if any(row)]
        if not rows:
            return [], inner
        first = next(_controlled(element, _TR))
        # Unmarked, a first row of three or more cells without digits is a header ("Name | Room | Phone");
        # two unmarked columns are far more often labels and values ("Wi-Fi | DepotGuest").
        header = _marked_header(first) or (len(rows[0]) > 2 and not any(ch.isdigit() for ch in "".join(rows[0])))
        return table_blocks(rows, header, key_value=all(len(row) == 2 for row in rows)), inner

    def number(self, part: str, note_id: str) -> int:
        return self.numbers.setdefault((part, note_id), len(self.numbers) + 1)

    def notes(self) -> list[str]:
        """"[n] text" per footnote and endnote referenced in the text (each once), under a "Notes" heading."""
        if not self.numbers:
            return []
        texts: dict[tuple[str, str], str] = {}
        for rel in self.document.part.rels.values():
            part = rel.reltype.rsplit("/", 1)[-1]
            if rel.is_external or part not in ("footnotes", "endnotes"):
                continue
            root = etree.fromstring(rel.target_part.blob, _XML)
            for note in root.iterchildren(qn(f"w:{part[:-1]}")):
                if note.get(qn("w:type")) not in _NOT_NOTES:
                    paragraphs = [self.text(p)[0] for p in note.iter(_P)]
                    texts[(part, note.get(qn("w:id")) or "")] = " ".join(p for p in paragraphs if p)
        entries = [f"[{n}] {texts[key]}" for key, n in sorted(self.numbers.items(), key=lambda kv: kv[1])
                   if texts.get(key)]
        return ["# Notes", *entries] if entries else []


def _controlled(element: Any, *tags: str) -> Iterator[Any]:
    """`element`'s children of `tags`, those wrapped in content controls (`w:sdt`: a repeating section's
    rows, a cell's or a paragraph's form field) included, in order."""
    todo: deque[Any] = deque(element.iterchildren())
    while todo:
        child = todo.popleft()
        if child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            todo.extendleft(reversed(list(content if content is not None else ())))
        elif child.tag in tags:
            yield child


def _marked_header(tr: Any) -> bool:
    """Word marks the row as a header: "repeat as header row", or every run with text in it is bold."""
    repeat = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
    if repeat is not None and repeat.get(qn("w:val"), "1") not in _OFF:
        return True
    runs = [r for r in tr.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(_T)).strip()]
    bold = [r.find(f"{qn('w:rPr')}/{qn('w:b')}") for r in runs]
    return bool(runs) and all(b is not None and b.get(qn("w:val"), "1") not in _OFF for b in bold)
