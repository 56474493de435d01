"""A CSV or TSV file → its rows as a Markdown table under the header row, each line marked "row N".

The stdlib `csv` module parses; the text is decoded as every text file is (`decoding`). The dialect is
sniffed from the first 64 KB among , ; tab and | (a .tsv file is tab-separated by definition; a CSV file
the sniffer cannot place is read as standard comma-separated). The first row is the header when it holds
no number and either a column below it holds numbers or its cells are all filled and distinct; without one
the columns are named "column 1", "column 2", …. "row N" counts records the way a spreadsheet program
numbers rows (the header is row 1). Small and plain, so it is read in the app's own process.
"""

from __future__ import annotations

import csv
import dataclasses
import io

from bot.errors import DocumentError
from bot.ingest.decoding import decode
from bot.ingest.readers.blocks import Blocks, Reading
from bot.ingest.readers.grid import Row, add_grid, is_number, trimmed

SNIFF_CHARS = 64 * 1024
_DELIMITERS = ",;\t|"


def read_delimited(raw: bytes, fallback_title: str, tab_separated: bool) -> Reading:
    """(title, text, row marks) of a .csv (`tab_separated` False) or .tsv file given as bytes."""
    text, encoding = decode(raw)
    dialect: type[csv.Dialect] = csv.excel_tab if tab_separated else csv.excel
    if not tab_separated:
        try:
            dialect = csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=_DELIMITERS)
        except csv.Error:
            pass  # one column, or no consistent delimiter: the standard comma dialect is the format's default
    try:
        rows: list[Row] = [(n, trimmed(cells)) for n, cells in enumerate(csv.reader(io.StringIO(text), dialect), 1)]
    except csv.Error as err:
        raise DocumentError(f"the {'TSV' if tab_separated else 'CSV'} file could not be parsed ({err}); check that "
                            "it is delimited text") from err
    filled = [cells for _, cells in rows if cells]
    blocks = Blocks()
    add_grid(blocks, rows, header=_has_header(filled) if filled else None)
    return dataclasses.replace(blocks.reading(fallback_title, fallback_title, "CSV file"), encoding=encoding)


def _has_header(rows: list[list[str]]) -> bool:
    """The first row names the columns when it holds no number and either a column below it holds numbers
    or (all text) its cells are filled and distinct, as exported headers are."""
    first, rest = rows[0], rows[1:100]
    if not rest or any(is_number(c) for c in first):
        return False
    numeric_below = any(is_number(row[i]) for row in rest for i in range(min(len(row), len(first))))
    return numeric_below or (all(first) and len(set(first)) == len(first))
