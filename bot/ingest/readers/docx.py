"""A Word document (.docx) → plain text: headings as `#` lines, one block per paragraph or table row.

python-docx does the parsing; this module maps styles to structure ("Heading N" → N `#`s, list styles →
`- ` items, the "Title" paragraph or the document property → the title) and walks body paragraphs and
tables in order. The archive's unpacked size is checked first so a zip bomb is refused before it is
parsed. Old binary .doc files, headers, footers, footnotes and comments are not read.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError

from bot.errors import DocumentError
from bot.ingest.decoding import clean_text, guess_title

MAX_UNPACKED = 512 * 1024 * 1024
_HEADING_STYLE = re.compile(r"Heading (\d)")
_INVALID = ("the file is not a valid Word document (.docx); open it in Word or LibreOffice and save it again "
            "as .docx")


def read_docx(path: Path, fallback_title: str) -> tuple[str, str]:
    """(title, text) of a .docx file."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise DocumentError(f"the Word document unpacks to more than {MAX_UNPACKED >> 20} MB, which is not "
                                "read; split it into smaller documents")
        document = docx.Document(str(path))
        blocks, title = _blocks(document)
        title = (document.core_properties.title or "").strip() or title
    except (zipfile.BadZipFile, OpcError, KeyError, ValueError, LxmlError) as err:
        raise DocumentError(_INVALID) from err
    text = clean_text("\n\n".join(blocks))
    if not text.strip():
        raise DocumentError("the Word document has no text")
    return " ".join(title.split())[:200] or guess_title(text, fallback_title), text


def _blocks(document: docx.document.Document) -> tuple[list[str], str]:
    """The body's blocks in reading order, and the text of its first "Title" paragraph ("" when none)."""
    blocks: list[str] = []
    title = ""
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):  # a merged cell repeats in each column
                        cells.append(text)
                if cells:
                    blocks.append(" | ".join(cells))
            continue
        text = " ".join(item.text.split())
        if not text:
            continue
        style = _style_name(item)
        heading = _HEADING_STYLE.fullmatch(style)
        if heading:
            blocks.append("#" * min(int(heading.group(1)), 6) + " " + text)
        elif style.startswith("List"):
            blocks.append("- " + text)
        else:
            if style == "Title" and not title:
                title = text
            blocks.append(text)
    return blocks, title


def _style_name(paragraph: Paragraph) -> str:
    style = paragraph.style
    return style.name or "" if style is not None else ""
