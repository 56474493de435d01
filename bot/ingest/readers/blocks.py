"""Blocks and location marks → one `Reading`: what the structured-format readers share.

A reader adds blocks in reading order (a `#` heading, a paragraph, a Markdown table), each optionally under
a location mark in the format's own words ("slide 3", "sheet Inventory, row 18"); `Blocks.reading` joins the
blocks with blank lines, so the chunker sees one block per paragraph, and each mark keeps the offset where
its text starts (`Document.marks`; a chunk's location is the mark holding its start). Tables are Markdown
pipe tables (a header row, a `|---|` separator, one line per row; the chunker turns each row into a
passage that carries its column names), and every row of a table may carry its own mark. It parses no
format and reads no file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DocumentError
from bot.ingest.decoding import clean_text, guess_title
from bot.types import WordBox

SEPARATOR = "\n\n"
MAX_UNPACKED = 512 * 1024 * 1024  # an Office/OpenDocument/EPUB archive that unpacks to more is refused


@dataclass(frozen=True)
class Reading:
    """What a reader gives back: the title, the text, where its pages and location marks start, and (PDFs
    and images) where its words are on the page and which pages were left out."""

    title: str
    text: str
    pages: tuple[int, ...] = ()
    marks: tuple[tuple[int, str], ...] = ()
    boxes: tuple[WordBox, ...] = ()  # PDFs and images: where each word is on its page
    notes: tuple[str, ...] = ()  # pages left out and why
    encoding: str = ""  # how the bytes were decoded when not plain UTF-8 (`decoding.decode`), for the report


class Blocks:
    """Text being assembled block by block, with the offsets of its location marks."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.marks: list[tuple[int, str]] = []

    def add(self, text: str, mark: str = "") -> None:
        """Append one block (skipped when blank); `mark` names where it is, when it differs from the last."""
        text = clean_text(text).strip()
        if text:
            self._append([(text, mark)])

    def add_table(self, header: list[str], rows: list[list[str]], marks: list[str] | None = None) -> None:
        """Append a Markdown pipe table; `marks` has one label for the header and one per row, or is None."""
        if not rows and not any(header):
            return
        width = max(len(header), *(len(r) for r in rows)) if rows else len(header)
        labels = marks or [""] * (len(rows) + 1)
        lines = [(_row_line(header, width), labels[0]), ("|" + "---|" * width, "")]
        lines += [(_row_line(row, width), label) for row, label in zip(rows, labels[1:], strict=True)]
        self._append(lines)

    def reading(self, title: str, fallback_title: str, what: str) -> Reading:
        """The joined text; `title` (else the first line, else `fallback_title`); `what` names the format
        in the error for a file without text."""
        text = SEPARATOR.join(self.parts)
        if not text.strip():
            raise DocumentError(f"the {what} has no text")
        title = " ".join(title.split())[:200] or guess_title(text, fallback_title)
        return Reading(title, text, marks=tuple(self.marks))

    def _append(self, lines: list[tuple[str, str]]) -> None:
        """Lines of one block, joined by newlines; a label starts a mark at its line."""
        if self.parts:
            self.length += len(SEPARATOR)
        for i, (line, mark) in enumerate(lines):
            if i:
                self.length += 1
            if mark and (not self.marks or self.marks[-1][1] != mark):
                self.marks.append((self.length, mark))
            self.length += len(line)
        self.parts.append("\n".join(line for line, _ in lines))


def cell_text(value: object) -> str:
    """A table cell as one line of Markdown: whitespace collapsed, pipes escaped."""
    return " ".join(clean_text(str(value)).split()).replace("|", "\\|")


def _row_line(cells: list[str], width: int) -> str:
    padded = [cell_text(c) for c in cells] + [""] * (width - len(cells))
    return "| " + " | ".join(padded) + " |"


def check_archive(path: Path, what: str) -> None:
    """Refuse a zip container that is not one, or that unpacks to more than `MAX_UNPACKED` (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise DocumentError(f"the file is not a valid {what} (it is not a zip archive); open it in the program "
                            "that made it and save it again") from err
    if unpacked > MAX_UNPACKED:
        raise DocumentError(f"the {what} unpacks to more than {MAX_UNPACKED >> 20} MB, which is not read; split "
                            "it into smaller files")
