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

_SEPARATOR = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_NEGATIVE = frozenset(("no", "n", "false", "none", "n/a", "-", "–", "—", "✗", "✘", "×"))


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
    header stands alone); empty cells and negative ones under a named column ("no", "-", "✗") left out."""
    names = split_cells(header_line)
    cells = split_cells(row_line)
    parts = []
    for n, cell in enumerate(cells):
        if not cell or (cell.lower() in _NEGATIVE and n < len(names) and names[n]):
            continue  # "Projector: no" does not make the row an answer to "which rooms have a projector?"
        name = names[n] if n < len(names) else ""
        parts.append(f"{name}: {cell}" if name else cell)
    return "; ".join(parts)


def table_blocks(rows: Sequence[Sequence[str]], header: bool, key_value: bool) -> list[str]:
    """The blocks a reader writes for one table of cell texts: a pipe table when its first row is a header
    (and rows follow), one "Key: value" block per row for a key/value table, else one "a | b" block per row."""
    rows = [list(row) for row in rows if any(cell.strip() for cell in row)]
    if header and len(rows) > 1:
        return [format_table(rows[0], rows[1:])]
    if key_value:
        return [f"{row[0].rstrip(':').strip()}: {' | '.join(c for c in row[1:] if c)}" if row[0] and any(row[1:])
                else " | ".join(c for c in row if c) for row in rows]
    return [" | ".join(c for c in row if c) for row in rows]


def one_line(lines: Sequence[str]) -> str:
    """A cell's paragraphs, items and line breaks on one line: a space after a sentence, else "; "."""
    out = ""
    for line in (" ".join(part.split()) for part in lines):
        if line:
            out += ("" if not out else " " if out.endswith((".", "!", "?", ":", ";")) else "; ") + line
    return out


def header_above(text: str, row_start: int, limit: int = 100_000) -> str:
    """The header line, as written, of the pipe table holding the row that starts at `row_start` ("" when
    the lines above it are not table rows down to a separator under a header)."""
    end = text.rfind("\n", 0, row_start)  # the newline that ends the line above
    for _ in range(limit):
        if end < 0:
            return ""
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if is_separator(line):
            return text[text.rfind("\n", 0, start - 1) + 1:start - 1].strip() if start > 0 else ""
        if not is_row(line):
            return ""
        end = start - 1
    return ""
