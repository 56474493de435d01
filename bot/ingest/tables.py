"""Markdown pipe tables: the one table format every reader writes into `Document.text`, and how a row is read.

The contract: a header line, a `|---|` separator line, then one line per row, cells between `|`s (a `|`
inside a cell written `\\|`). `format_table` writes it (HTML and Word readers, and any reader with a grid);
`find_table` recognises it in text for the chunker; `row_search_text` gives a row's searchable form with its
column names ("Part: P-045; Warehouse: Leeds"), which is what BM25, embeddings and coverage see, while the
citation shows the row as written. It does not decide what is a header in a source format: readers do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SEPARATOR = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table; every row is padded (or cut) to the header's width; cells are flattened to one line."""
    width = len(header)
    lines = [_line(header), "|" + "|".join("---" for _ in range(width)) + "|"]
    for row in rows:
        cells = list(row)[:width] + [""] * (width - len(row))
        lines.append(_line(cells))
    return "\n".join(lines)


def _line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(" ".join(c.split()).replace("|", "\\|") for c in cells) + " |"


def is_row(line: str) -> bool:
    return "|" in line and bool(line.strip())


def is_separator(line: str) -> bool:
    return "-" in line and _SEPARATOR.fullmatch(line.strip()) is not None


def split_cells(line: str) -> list[str]:
    """The cells of one table line, unescaped and trimmed; the outer pipes are optional."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(text)]


def find_table(lines: Sequence[str], i: int) -> int:
    """When `lines[i]` opens a pipe table (a header line followed by a separator with as many columns),
    the index just past its last row; else `i`."""
    if i + 1 >= len(lines) or not is_row(lines[i]) or not is_separator(lines[i + 1]):
        return i
    if len(split_cells(lines[i])) != len(split_cells(lines[i + 1])):
        return i
    end = i + 2
    while end < len(lines) and is_row(lines[end]) and not is_separator(lines[end]):
        end += 1
    return end


def row_search_text(header_line: str, row_line: str) -> str:
    """'Part: P-045; Warehouse: Leeds; Bin: B36': each cell after its column's name (a cell under an empty
    header stands alone), empty cells left out."""
    names = split_cells(header_line)
    cells = split_cells(row_line)
    parts = []
    for n, cell in enumerate(cells):
        if not cell:
            continue
        name = names[n] if n < len(names) else ""
        parts.append(f"{name}: {cell}" if name else cell)
    return "; ".join(parts)
