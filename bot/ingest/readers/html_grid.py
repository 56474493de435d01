"""The grid of an HTML table: its own rows, cells spanning rows and columns, stacked header rows, and
whether a table is a grid of data at all or only lays out a page.

`html` reads cell texts and writes the blocks; this module only decides where each cell sits. A layout
table (old sites and e-mail newsletters put a whole page in one: navigation in one cell, the article with
its headings in the next) is walked as ordinary content, not flattened into one row.
"""

from __future__ import annotations

from collections import deque

from bs4 import NavigableString, Tag

MAX_SPAN = 50  # colspan and rowspan honoured up to this, so a hostile colspan="1000000" costs nothing
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_PROSE_BLOCKS = ("p", "div", "ul", "ol", "blockquote")
LAYOUT_TEXT = 300  # a cell with this much text in two or more blocks holds prose, not a value
LOOK_AT = 400  # elements of a cell looked at for a heading or prose


def is_layout(table: Tag) -> bool:
    """True when `table` lays out a page rather than holding data: it says so (role="presentation"), or one
    of its own cells holds a heading, or prose (two or more blocks and LAYOUT_TEXT characters)."""
    if table.get("role") in ("presentation", "none"):
        return True
    return any(_holds_prose(cell) for row, _ in own_rows(table)
               for cell in row.find_all(["td", "th"], recursive=False))


def _holds_prose(cell: Tag) -> bool:
    """A heading, or two blocks and LAYOUT_TEXT characters, among the first LOOK_AT elements of `cell`, tables
    inside it left out: each element is looked at for its nearest table only, and at most so many times, so
    a hostile page of tables nested 100 000 deep costs no more than reading it."""
    blocks = chars = seen = 0
    todo = deque([cell])
    while todo and seen < LOOK_AT:
        node = todo.popleft()
        seen += 1
        for child in node.children:
            if isinstance(child, NavigableString):
                chars += len(child.strip())
            elif isinstance(child, Tag) and child.name != "table":
                if child.name in _HEADINGS:
                    return True
                blocks += node is cell and child.name in _PROSE_BLOCKS
                todo.append(child)
    return blocks >= 2 and chars >= LAYOUT_TEXT


def own_rows(table: Tag) -> list[tuple[Tag, bool]]:
    """The table's own rows in order (not those of tables inside its cells), and whether each is in <thead>."""
    rows: list[tuple[Tag, bool]] = []
    for child in table.children:
        if isinstance(child, Tag) and child.name == "tr":
            rows.append((child, False))
        elif isinstance(child, Tag) and child.name in ("thead", "tbody", "tfoot"):
            rows.extend((tr, child.name == "thead") for tr in child.find_all("tr", recursive=False))
    return rows


def span(cell: Tag, attribute: str = "colspan") -> int:
    """How many columns (or, with "rowspan", rows) `cell` covers: 1 unless it says more, at most MAX_SPAN."""
    value = cell.get(attribute)
    return min(int(value), MAX_SPAN) if isinstance(value, str) and value.strip().isdigit() and int(value) > 0 else 1


def merge_header_rows(rows: list[list[tuple[str, bool]]], in_head: list[bool]) -> None:
    """Header rows stacked above the body (a group heading spanning "2024" and "2025") become one header
    row, each column naming its headings top down: "Output (tonnes) 2025"."""
    lead = 0
    while lead < len(rows) - 1 and (in_head[lead] or all(is_th for _, is_th in rows[lead])):
        lead += 1
    if lead < 2 or len({len(row) for row in rows[:lead]}) != 1:
        return
    merged = [(" ".join(dict.fromkeys(row[c][0] for row in rows[:lead] if row[c][0])), True)
              for c in range(len(rows[0]))]
    rows[:lead] = [merged]
    in_head[:lead] = [True]


def fill_from_above(cells: list[tuple[str, bool]], above: dict[int, tuple[tuple[str, bool], int]]) -> None:
    """Append to `cells` the cells that rows above span down into its next columns, counting each down."""
    while len(cells) in above:
        cell, left = above.pop(len(cells))
        if left > 1:
            above[len(cells)] = (cell, left - 1)
        cells.append(cell)
