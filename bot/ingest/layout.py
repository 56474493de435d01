"""Glyph boxes on one page → lines → blocks in reading order: the geometry half of rebuilding a PDF's text.

Input is what a PDF library (or an OCR engine) reports: characters or words with a box, a font size,
a weight and the direction the text runs in. Text drawn sideways (a /Rotate page, a landscape table set
at 90°) is turned into its own reading frame first, so every direction is read like ordinary
left-to-right lines. Lines are split at gutters, stacked into blocks of evenly spaced lines, and the
blocks are ordered by column between full-width blocks (a title above a two-column body reads title,
left column, right column). It knows no file format and does not decide what a paragraph or heading
is across pages (see `paragraphs`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

# A gap wider than this many font sizes inside a line separates columns (or table cells), not words.
GUTTER_EM = 1.2
# A space is put between two glyphs further apart than this many font sizes when the PDF draws none.
WORD_GAP_EM = 0.15


class Glyph(NamedTuple):  # a tuple, not a dataclass: a page makes thousands, and tuples are cheap to build
    """One drawn character (or an OCR word): box in PDF page space, y up; `turns` = direction / 90°."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool = False
    turns: int = 0  # 0 left-to-right, 1 upward, 2 upside down, 3 downward


Box = tuple[float, float, float, float]  # (x0, top, x1, bottom) in a reading frame
Placed = tuple[Box, Glyph]


@dataclass
class Line:
    """A run of glyphs on one baseline, in its own reading frame (x right, `top` grows downward)."""

    x0: float
    x1: float
    top: float
    bottom: float
    glyphs: list[Placed] = field(default_factory=list)
    size: float = 0.0
    bold: bool = False
    text: str = ""
    lead: float = 0.0  # width of the first word: had it fitted on the line above, it would stand there


@dataclass
class Block:
    """Consecutive lines of one column that belong together visually (no gap, same type size)."""

    lines: list[Line]
    kind: str = "text"  # "text" | "table"
    rows: list[list[str]] = field(default_factory=list)  # for tables: the header first

    @property
    def x0(self) -> float:
        return min(line.x0 for line in self.lines)

    @property
    def x1(self) -> float:
        return max(line.x1 for line in self.lines)

    @property
    def top(self) -> float:
        return self.lines[0].top

    @property
    def bottom(self) -> float:
        return self.lines[-1].bottom


def _frame(g: Glyph) -> Box:
    """(x0, top, x1, bottom) of `g` turned so its text runs left to right and `top` grows downward."""
    if not g.turns % 4:
        return g.x0, -g.y1, g.x1, -g.y0
    (ax, ay), (bx, by) = (g.x0, g.y0), (g.x1, g.y1)
    for _ in range(g.turns % 4):
        ax, ay, bx, by = ay, -ax, by, -bx  # undo a quarter turn counter-clockwise
    return min(ax, bx), min(-ay, -by), max(ax, bx), max(-ay, -by)


def page_blocks(glyphs: list[Glyph], tables: list[Block] | None = None) -> list[Block]:
    """The page's blocks in reading order; `tables` (already in the upright frame) are placed among them.

    Each direction of text is read on its own, in the order its first glyph was drawn."""
    by_turn: dict[int, list[Glyph]] = {}
    for g in glyphs:
        by_turn.setdefault(g.turns % 4, []).append(g)
    ordered: list[Block] = []
    for turns, group in by_turn.items():
        blocks = _stack(_split_gutters(_lines(group)))
        if turns == 0 and tables:
            blocks.extend(tables)
            tables = None
        ordered.extend(_reading_order(blocks))
    if tables:
        ordered.extend(_reading_order(tables))
    return ordered


def line_text(glyphs: list[Glyph]) -> str:
    """The text of a few glyphs (a table cell): their lines in order, joined by spaces."""
    return " ".join(line.text for line in sorted(_split_gutters(_lines(glyphs), split=False),
                                                 key=lambda ln: (ln.top, ln.x0)))


def _lines(glyphs: list[Glyph]) -> list[Line]:
    """Glyphs → lines: a glyph joins the line whose vertical middle it shares, then each line is sorted."""
    boxed = sorted(((_frame(g), g) for g in glyphs if g.text.strip() or g.text == " "),
                   key=lambda item: (item[0][1] + item[0][3]) / 2)
    lines: list[Line] = []
    bands: list[tuple[float, float]] = []  # each line's band is its first glyph's: lines must not grow into
    for (x0, top, x1, bottom), g in boxed:  # the next one through a tall glyph
        mid = (top + bottom) / 2
        line = next((lines[k] for k in range(len(lines) - 1, max(-1, len(lines) - 9), -1)
                     if bands[k][0] <= mid <= bands[k][1] and abs(sum(bands[k]) / 2 - mid)
                     < 0.3 * max(bands[k][1] - bands[k][0], bottom - top)), None)
        if line is None:
            line = Line(x0, x1, top, bottom)
            lines.append(line)
            bands.append((top, bottom))
        line.glyphs.append(((x0, top, x1, bottom), g))
    for line in lines:
        line.glyphs.sort(key=lambda placed: placed[0][0])
    return lines


def _split_gutters(lines: list[Line], split: bool = True) -> list[Line]:
    """Cut lines at gutters and give every piece its text. A gutter is a gap wider than GUTTER_EM that at
    least three lines, and at least half the lines reaching across it, leave open at the same place: a
    column gap, not a wide justified space. A wide gap between glyphs on different baselines is always a
    cut: two columns whose lines happen to sit almost level."""
    wide: list[list[tuple[float, float]]] = []
    level: set[float] = set()  # right ends of wide gaps whose two sides stand on different baselines
    extents: list[tuple[float, float]] = []
    for line in lines:
        inked = [(box, g.size) for box, g in line.glyphs if g.text.strip()]
        extents.append((inked[0][0][0], inked[-1][0][2]) if inked else (0.0, 0.0))
        wide.append([(a[2], b[0]) for (a, _), (b, size) in itertools.pairwise(inked)
                     if b[0] - a[2] > GUTTER_EM * max(size, 1.0)] if split else [])
        level.update(b[0] for (a, _), (b, size) in itertools.pairwise(inked)
                     if split and b[0] - a[2] > GUTTER_EM * max(size, 1.0) and abs(a[3] - b[3]) > 0.5)
    everywhere = [gap for gaps in wide for gap in gaps]

    def is_gutter(gap: tuple[float, float]) -> bool:
        sharing = sum(1 for o in everywhere if o[0] < gap[1] and gap[0] < o[1])
        crossing = sum(1 for x0, x1 in extents if x0 < gap[0] and x1 > gap[1])
        return sharing >= 3 and 2 * sharing >= crossing

    pieces: list[Line] = []
    for line, gaps in zip(lines, wide, strict=True):
        cuts = {gap[1] for gap in gaps if gap[1] in level or is_gutter(gap)}
        run: list[Placed] = []
        for box, g in line.glyphs:
            if g.text.strip() and box[0] in cuts and run:
                pieces.append(_make_line(run))
                run = []
            run.append((box, g))
        if run:
            pieces.append(_make_line(run))
    return [p for p in pieces if p.text]


def _make_line(run: list[Placed]) -> Line:
    text: list[str] = []
    prev_x1: float | None = None
    inked = [(b, g) for b, g in run if g.text.strip()]
    for box, g in run:
        if not g.text.strip():
            if text and text[-1] != " ":
                text.append(" ")
            continue
        if prev_x1 is not None and text and text[-1] != " " and box[0] - prev_x1 > WORD_GAP_EM * g.size:
            text.append(" ")
        text.append(g.text)
        prev_x1 = box[2]
    sizes = sorted(g.size for _, g in inked) or [0.0]
    boxes = [b for b, _ in inked] or [run[0][0]]
    x0 = min(b[0] for b in boxes)
    return Line(x0=x0, x1=max(b[2] for b in boxes), top=min(b[1] for b in boxes),
                bottom=max(b[3] for b in boxes), glyphs=inked, size=sizes[len(sizes) // 2],
                bold=bool(inked) and all(g.bold for _, g in inked), text="".join(text).strip(),
                lead=_first_word_end(run) - x0)


def _first_word_end(run: list[Placed]) -> float:
    end = run[0][0][2]
    for i, (box, g) in enumerate(run):
        if not g.text.strip() or (i and box[0] - end > WORD_GAP_EM * g.size):
            break
        end = box[2]
    return end


def _stack(lines: list[Line]) -> list[Block]:
    """Lines → blocks: a line continues the block above it when it sits one line pitch below it, in the
    same column and the same type size and weight."""
    lines = sorted(lines, key=lambda ln: (ln.top, ln.x0))
    pitch = _line_pitch(lines)
    blocks: list[Block] = []
    for line in lines:
        home = None
        for block in reversed(blocks[-12:]):
            last = block.lines[-1]
            if _follows(last, line) and line.top - last.top <= 1.2 * pitch.get(_size_key(line), 1.25 * line.size):
                home = block
                break
        if home is None:
            blocks.append(Block([line]))
        else:
            home.lines.append(line)
    return blocks


def _size_key(line: Line) -> float:
    return round(line.size * 2) / 2


def _follows(above: Line, below: Line) -> bool:
    overlap = min(above.x1, below.x1) - max(above.x0, below.x0)
    return (below.top > above.top + 0.5 * below.size and overlap > 0
            and abs(above.size - below.size) <= 0.1 * above.size and above.bold == below.bold)


def _line_pitch(lines: list[Line]) -> dict[float, float]:
    """The distance from one line to the next inside a paragraph, per type size: the smallest distance
    between neighbouring lines that occurs at least twice (paragraph gaps are larger, and rarer)."""
    seen: dict[float, Counter[float]] = {}
    for i, above in enumerate(lines):
        below = next((b for b in lines[i + 1:i + 12] if _follows(above, b)), None)
        if below is not None:
            seen.setdefault(_size_key(above), Counter())[round((below.top - above.top) * 2) / 2] += 1
    pitch = {}
    for size, counts in seen.items():
        repeated = sorted(p for p, n in counts.items() if n >= 2 and p >= 0.8 * size)
        pitch[size] = repeated[0] if repeated else 1.25 * size
    return pitch


def _reading_order(blocks: list[Block]) -> list[Block]:
    """Top to bottom between full-width blocks; between them, column by column, left to right."""
    if not blocks:
        return []
    left = min(b.x0 for b in blocks)
    width = max(b.x1 for b in blocks) - left
    ordered: list[Block] = []
    band: list[Block] = []
    for block in sorted(blocks, key=lambda b: (b.top, b.x0)):
        if block.x1 - block.x0 > 0.6 * width:
            ordered.extend(_by_column(band))
            ordered.append(block)
            band = []
        else:
            band.append(block)
    ordered.extend(_by_column(band))
    return ordered


def _by_column(band: list[Block]) -> list[Block]:
    """Blocks side by side are read column by column; columns that never stand beside each other (a table
    narrower than the text above it) are one column read top to bottom."""
    columns: list[list[Block]] = []
    for block in sorted(band, key=lambda b: b.x0):
        column = next((c for c in columns if block.x0 < max(b.x1 for b in c) - 1.0), None)
        if column is None:
            columns.append([block])
        else:
            column.append(block)
    merged = True
    while merged:
        merged = False
        pairs = [(i, j) for i in range(len(columns)) for j in range(i + 1, len(columns))]
        for left, right in pairs:
            if not any(a.top < b.bottom and b.top < a.bottom for a in columns[left] for b in columns[right]):
                columns[left] += columns.pop(right)
                merged = True
                break
    return [b for column in columns for b in sorted(column, key=lambda b: b.top)]
