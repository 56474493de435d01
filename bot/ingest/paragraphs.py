"""Blocks of every page → the document's text: paragraphs, `#` headings, pipe tables, page start offsets.

The text half of rebuilding a PDF (`layout` is the geometry half). Across the whole document it drops
running headers, footers and page numbers (lines at the page's edge that repeat, digits aside, or are a
bare page number), recognises headings (a larger or bolder size than the body text, or a short numbered
line), joins a block's lines into one paragraph, joins a paragraph that a column or page break cut,
removes a line-end hyphen only when the joined word is a word (see `hyphens`) and folds ligature
glyphs. Each page's start offset is where its first text landed, so a paragraph that runs over a page
break still lets a citation name the page of the sentence it cites. It does not read PDFs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from bot.ingest.hyphens import Hyphens
from bot.ingest.layout import Block, Line

EDGE = 0.1  # running heads and feet sit in the outer tenth of the page
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[A-Z]\.|[IVX]{1,5}\.)\s+\S")
_ENDS_SENTENCE = re.compile(r"[.!?:;…][\"'”’)\]]*$")
# Ligature glyphs (U+FB00–U+FB06: ff, fi, fl, ffi, ffl, ſt, st) become their letters; NFKC knows them.
_BROKEN_WORD = re.compile(r"[^\W\d_][-‐\u00ad]$")  # a letter, then a hyphen at the line's end
_LIGATURES = re.compile("[\ufb00-\ufb06]")


@dataclass(frozen=True)
class Page:
    """One page's blocks in reading order and its height (for telling edges from body)."""

    blocks: list[Block]
    height: float


@dataclass
class _Para:
    kind: str  # "heading" | "text" | "table" | "empty" (a page without text)
    lines: list[tuple[int, str, Line]]  # (page index, text, the printed line) per printed line
    rows: list[list[str]] | None = None  # a table's cells, header first
    room: float = 0.0  # free width left at the end of its last printed line
    lead: float = 0.0  # width its first word needs (with a space), and
    indented: bool = False  # whether its first line is indented: both tell a break that was meant


def document_text(pages: list[Page]) -> tuple[str, tuple[int, ...]]:
    """(text, start offset of each page) of the whole document. A page without text is an empty span
    between blank lines, as the OCR step expects (`scanned.empty_pages`)."""
    _drop_running_lines(pages)
    body = _body_size(pages)
    runs: list[tuple[bool, list[_Para]]] = []  # each block's paragraphs, and whether a break comes before it
    for index, page in enumerate(pages):
        if not page.blocks:  # an empty paragraph: nothing joins across it, and OCR text can go in its place
            runs.append((True, [_Para("empty", [(index, "", Line(0.0, 0.0, 0.0, 0.0))])]))
        for block_no, block in enumerate(page.blocks):
            at_break = block_no == 0 or block.top < page.blocks[block_no - 1].bottom  # a new page or column
            runs.append((at_break, _paragraphs(block, index, body)))
    indenting = sum(p.indented for _, new in runs for p in new) >= 2  # paragraphs start with an indent
    paras: list[_Para] = []
    for at_break, new in runs:
        if paras and new and at_break and _continues(paras[-1], new[0], indenting):
            paras[-1].lines.extend(new.pop(0).lines)
        paras.extend(new)
    hyphens = Hyphens(" ".join(t for p in paras if p.kind == "text" for _, t, _ in p.lines))
    out: list[str] = []
    starts: dict[int, int] = {}
    offset = 0
    for para in paras:
        if out:
            offset += 2
        rendered, spans = _render(para, hyphens)
        for (page_index, _, _), (start, _) in zip(para.lines, spans, strict=True):
            starts.setdefault(page_index, offset + start)
        out.append(rendered)
        offset += len(rendered)
    text = "\n\n".join(out)
    # A page with no text of its own starts where the next page's text does, so it holds no offset.
    page_starts, following = [], len(text)
    for index in reversed(range(len(pages))):
        following = starts.get(index, following)
        page_starts.append(following)
    page_starts.reverse()
    if page_starts:
        page_starts[0] = 0
    return text, tuple(page_starts)


def _drop_running_lines(pages: list[Page]) -> None:
    """Remove header and footer lines: at the page's edge and repeated on other pages, or a page number."""
    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))

    def at_edge(line: Line, height: float) -> bool:
        return -line.bottom > (1 - EDGE) * height or -line.top < EDGE * height

    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({key(ln) for b in page.blocks if b.kind == "text" for ln in b.lines if at_edge(ln, page.height)})
    repeats = max(2, (len(pages) + 1) // 2)
    for page in pages:
        for block in page.blocks:
            if block.kind == "text":
                block.lines = [ln for ln in block.lines if not (at_edge(ln, page.height) and (
                    seen[key(ln)] >= repeats or _PAGE_NUMBER.match(ln.text.strip())))]
        page.blocks[:] = [b for b in page.blocks if b.lines or b.kind == "table"]


def _body_size(pages: list[Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for block in page.blocks:
            for line in block.lines:
                sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _paragraphs(block: Block, page: int, body: float) -> list[_Para]:
    if block.kind == "table":
        return [_Para("table", [(page, "", block.lines[0])], block.rows)]
    first = block.lines[0]
    text = " ".join(ln.text for ln in block.lines)
    bigger = first.size > 1.12 * body
    if len(block.lines) <= 3 and len(text) <= 200 and not _ENDS_SENTENCE.search(text) and (
            bigger or first.bold or (len(block.lines) == 1 and _NUMBERED.match(text) and len(text.split()) <= 12)):
        return [_Para("heading", [(page, ln.text, ln) for ln in block.lines])]
    paras: list[_Para] = []
    left, right = block.x0, block.x1
    for i, line in enumerate(block.lines):
        prev = block.lines[i - 1] if i else None
        indented = line.x0 - left > 0.8 * line.size
        lead = line.lead + 0.6 * line.size
        # A new paragraph: the first line is indented, or the line above ended with room to spare for
        # this line's first word (so the break was meant, not a wrap).
        if prev is None or (indented and prev.x0 - left <= 0.8 * line.size) or (
                not prev.text.endswith("-") and _room(prev, left, right) > lead):
            paras.append(_Para("text", [], indented=indented and len(block.lines) > 1, lead=lead))
        paras[-1].lines.append((page, line.text, line))
        paras[-1].room = _room(line, left, right)
    return paras


def _room(line: Line, left: float, right: float) -> float:
    """Free width at the end of `line` beyond a ragged margin's usual play (a fifth of the column: the
    widest line of a block need not reach the column's edge)."""
    return right - line.x1 - 0.2 * (right - left)


def _continues(prev: _Para, nxt: _Para, indenting: bool) -> bool:
    """Whether `nxt`, first after a column or page break, goes on with `prev`: not when it is indented or
    `prev`'s last line had room for its first word; when `prev` ends mid-sentence, or (in a document that
    indents its paragraphs) when `nxt` is not indented. A word broken at the break ("soft-" / "ware")
    continues whatever room the short last line leaves, as it does inside a block."""
    if prev.kind != "text" or nxt.kind != "text" or nxt.indented:
        return False
    if prev.room > nxt.lead and not _BROKEN_WORD.search(prev.lines[-1][1].rstrip()):
        return False
    return indenting or not _ENDS_SENTENCE.search(prev.lines[-1][1])


def _render(para: _Para, hyphens: Hyphens) -> tuple[str, list[tuple[int, int]]]:
    """The paragraph's text and the span each printed line took in it (a table is one span)."""
    if para.kind == "empty":
        return "", [(0, 0)]
    if para.kind == "table":
        rows = [[_cell(c) for c in row] for row in para.rows or [[""]]]
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]  # as `readers.blocks` writes them
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        text = "\n".join(lines)
        return text, [(0, len(text))]
    text = "# " if para.kind == "heading" else ""
    spans: list[tuple[int, int]] = []
    for _, line, _ in para.lines:
        line = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), line.strip())
        if spans and _BROKEN_WORD.search(text):
            text = hyphens.join(text, line)
        else:
            text += " " if spans else ""
            text += line
        start = max(0, len(text) - len(line))
        if spans and spans[-1][1] > start:  # the line above lost its hyphen when this one joined it
            spans[-1] = (spans[-1][0], start)
        spans.append((start, len(text)))
    if spans:
        spans[0] = (0, spans[0][1])
    return text, spans


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "/").split())
