"""An Excel workbook (.xlsx, .xlsm) → text: per sheet a `#` heading and its rows as a table with header.

openpyxl reads it in read-only mode (rows streamed, never the whole sheet in memory) with `data_only`:
a formula shows the value the spreadsheet program last saved with it, and no formula is evaluated (one
saved without a value, as some generators write them, reads as empty); macros are neither read nor run.
Sheet dimensions are recomputed from the cells actually present, so a file claiming a million columns is
not padded out, and more than `MAX_CELLS` filled cells is refused. Citations say "sheet Inventory, row 18".
Charts, comments, images and old binary .xls files are not read. Runs in the bounded child process.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from lxml.etree import LxmlError
from openpyxl.utils.exceptions import InvalidFileException

from bot.errors import DocumentError
from bot.ingest.readers.blocks import Blocks, Reading, check_archive
from bot.ingest.readers.grid import Row, add_grid, trimmed, value_text

WHAT = "Excel workbook"
MAX_CELLS = 2_000_000


def read_xlsx(path: Path, fallback_title: str) -> Reading:
    check_archive(path, WHAT)
    blocks = Blocks()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            cells = 0
            for sheet in book.worksheets:
                sheet.reset_dimensions()  # trust the cells, not the size the file claims
                rows: list[Row] = []
                for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
                    cells += len(values)
                    if cells > MAX_CELLS:
                        raise DocumentError(f"the {WHAT} has more than {MAX_CELLS:,} cells, which is not read; "
                                            "split it into smaller workbooks or save the sheets needed as CSV")
                    rows.append((n, trimmed(value_text(v) for v in values)))
                if any(cells for _, cells in rows):
                    blocks.add(f"# {sheet.title}", f"sheet {sheet.title}")
                    add_grid(blocks, rows, f"sheet {sheet.title}, ")
            title = book.properties.title or ""
        finally:
            book.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, IndexError,
            ParseError, LxmlError) as err:
        raise DocumentError(f"the file is not a valid {WHAT}; open it in Excel or LibreOffice and save it again "
                            "as .xlsx") from err
    return blocks.reading(title or fallback_title, fallback_title, WHAT)
