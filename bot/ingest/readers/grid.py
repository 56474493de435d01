"""Rows of cells (a worksheet, a CSV file) → a Markdown table under its header row, each row marked.

Shared by the spreadsheet and CSV readers: cell values become short text (numbers without float noise,
dates in ISO form), empty rows are skipped, trailing empty cells trimmed, and each line is marked with the
row number the user sees in their spreadsheet program ("sheet Inventory, row 18"; "row 18" for a CSV file).
The header is the first row with two or more filled cells; rows above it, such as a sheet's title, become
paragraphs (all rows do when none has two filled cells: a list or notes, not a table). Tables stacked on one
sheet with empty rows between them are told apart when the next one's header looks like one. It reads no
file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

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
    """Append `rows` (already `trimmed`; empty ones are skipped) as tables; marks read f"{where}row N".
    `header`: True or False when known (a sniffed CSV file: one table), None for a sheet, where the first
    row of two or more filled cells is the header and a header-like row after empty rows starts a new table
    (`_tables`)."""
    filled = [(n, cells) for n, cells in rows if cells]
    for table in [filled] if header is not None else _tables(filled):
        _add_table(blocks, table, where, header)


def _tables(rows: list[Row]) -> Iterator[list[Row]]:
    """Rows cut into the tables stacked on one sheet. After one or more empty rows, a row starts a new table
    when it looks like a header for what follows: two or more filled cells, none a number, and either other
    columns than the table above or numbers below it in a column where it has text. Otherwise (a spacing row
    inside one table, say) the rows go on under the header above."""
    table: list[Row] = []
    header: list[str] | None = None
    for i, (n, cells) in enumerate(rows):
        after_gap = bool(table) and n > table[-1][0] + 1
        if after_gap and header is not None and _opens_table(cells, header, _block(rows, i + 1)):
            yield table
            table, header = [], None
        table.append((n, cells))
        if header is None and _filled(cells) >= 2:
            header = cells
    if table:
        yield table


def _block(rows: list[Row], i: int) -> list[Row]:
    """Up to five rows from `rows[i]` (i ≥ 1) on, stopping before the next empty row."""
    block = []
    for j in range(i, min(i + 5, len(rows))):
        if rows[j][0] > rows[j - 1][0] + 1:
            break
        block.append(rows[j])
    return block


def _opens_table(cells: list[str], header: list[str], below: list[Row]) -> bool:
    if _filled(cells) < 2 or any(is_number(c) for c in cells):
        return False
    other_columns = [bool(c) for c in cells] != [bool(c) for c in header]
    numbers_below = any(is_number(row[j]) for _, row in below for j, c in enumerate(cells) if c and j < len(row))
    return other_columns or numbers_below


def _add_table(blocks: Blocks, filled: list[Row], where: str, header: bool | None) -> None:
    if not filled:
        return
    start = 0
    if header is None:  # no row of two filled cells: notes or a list, not a table
        start = next((i for i, (_, cells) in enumerate(filled) if _filled(cells) >= 2), len(filled))
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


def _filled(cells: list[str]) -> int:
    return sum(1 for c in cells if c)


def is_number(cell: str) -> bool:
    """"12", "-3.5", "1,240", "12%": a number as a spreadsheet or CSV file writes one."""
    try:
        float(cell.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True

