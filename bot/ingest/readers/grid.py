"""Rows of cells (a worksheet, a CSV file) → a Markdown table under its header row, each row marked.

Shared by the spreadsheet and CSV readers: cell values become short text (numbers without float noise,
dates in ISO form), empty rows are skipped, trailing empty cells trimmed, and each line is marked with the
row number the user sees in their spreadsheet program ("sheet Inventory, row 18"; "row 18" for a CSV file).
The header is the first row with two or more filled cells; rows above it, such as a sheet's title, become
paragraphs (all rows do when none has two filled cells: a list or notes, not a table). It reads no file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.ingest.readers.blocks import Blocks

Row = tuple[int, list[str]]  # (row number as the spreadsheet program shows it, cell texts)


def value_text(value: object) -> str:
    """A cell's value as the spreadsheet shows it, roughly: 3.0 → "3", 0.1 + 0.2 → "0.3", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def trimmed(cells: Iterable[str]) -> list[str]:
    """Cells with whitespace collapsed and trailing empty cells dropped."""
    out = [" ".join(c.split()) for c in cells]
    while out and not out[-1]:
        out.pop()
    return out


def add_grid(blocks: Blocks, rows: Iterable[Row], where: str = "", header: bool | None = None) -> None:
    """Append `rows` (already `trimmed`; empty ones are skipped) as a table; marks read f"{where}row N".
    `header`: True or False when known (a sniffed CSV file), None to take the first row of two or more
    filled cells."""
    filled = [(n, cells) for n, cells in rows if cells]
    if not filled:
        return
    start = 0
    if header is None:  # no row of two filled cells: notes or a list, not a table
        start = next((i for i, (_, cells) in enumerate(filled) if sum(1 for c in cells if c) >= 2), len(filled))
    for n, cells in filled[:start]:  # a title or a note above the table
        blocks.add(" ".join(c for c in cells if c), f"{where}row {n}")
    table = filled[start:]
    if not table:
        return
    # A table placed away from column A: the empty columns on its left are not part of it.
    lead = min(next(i for i, c in enumerate(cells) if c) for _, cells in table)
    table = [(n, cells[lead:]) for n, cells in table]
    width = max(len(cells) for _, cells in table)
    if header is False:  # names to carry into each row's passage; the first row is data
        names, body = [f"column {i + 1}" for i in range(width)], table
    else:
        first = table[0][1] + [""] * (width - len(table[0][1]))
        names, body = [c or f"column {i + 1}" for i, c in enumerate(first)], table[1:]
    labels = [f"{where}row {table[0][0]}"] + [f"{where}row {n}" for n, _ in body]
    blocks.add_table(names, [cells for _, cells in body], labels)
