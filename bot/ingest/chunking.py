"""Documents → passages (`Chunk`s) with exact character spans, and passages → sentence spans.

Structure-aware and pure: a title line, Markdown-style headings, paragraphs, list items and reference
entries (`[1] Author. "Title." Outlet, date.`) each become their own passage, long paragraphs are packed
from whole sentences up to `max_chars`. Only whitespace is left between passages, so the spans rebuild
the source text. It does not read files (see `documents`) and knows nothing of embeddings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.types import Chunk, Document

_HEADING = re.compile(r"#{1,6}[ \t]+\S")
_BULLET = re.compile(r"(?:[-*•▪‣◦][ \t]+|\d{1,3}[.)][ \t]+)\S")
_REFERENCE = re.compile(r"\[\d{1,4}\][ \t]+\S")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A sentence ends at a run of . ! ? (optionally followed by closing quotes/brackets) before whitespace.
# The whitespace is checked in Python, not with a lookahead: a lookahead that fails makes the regex retry
# from every character of a long run ("....."), which is quadratic and hangs on a hostile 50 MB line.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e u.s u.k u.n inc ltd co corp gen gov sen rep no fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft approx dept est vol pp ed al".split()
)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in `text[start:end]`, trimmed of surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() >= end or not text[match.end()].isspace():
            continue
        if _is_abbreviation(text, cursor, match.start()):
            continue
        nxt = _next_visible(text, match.end(), end)
        if nxt is not None and text[nxt].islower():
            continue  # "approx. five" or an ellipsis inside a sentence
        spans.extend(_trimmed(text, cursor, match.end()))
        cursor = match.end()
    spans.extend(_trimmed(text, cursor, end))
    return spans


def chunk_document(doc: Document, max_chars: int = 1200) -> list[Chunk]:
    """All passages of `doc`, in reading order."""
    if max_chars < 200:
        raise ValueError(f"max_chars must be at least 200, got {max_chars}")
    chunks: list[Chunk] = []
    section = ""
    counts: dict[str, int] = {}
    for i, (start, end) in enumerate(_blocks(doc.text)):
        block = doc.text[start:end]
        kind = _kind(block, is_first=i == 0)
        if kind == "heading":
            section = block.lstrip("#").strip()[:80]
        if kind == "reference":
            sentences = [(start, end)]  # an entry is one citation, not prose to split
        else:
            sentences = split_sentences(doc.text, start, end)
        chunk_section = section or ("References" if kind == "reference" else "")
        for piece in _pack(doc.text, sentences, max_chars):
            counts[kind] = counts.get(kind, 0) + 1
            chunks.append(Chunk(
                doc_id=doc.doc_id, start=piece[0][0], end=piece[-1][1],
                text=doc.text[piece[0][0]:piece[-1][1]], kind=kind, section=chunk_section,
                ordinal=counts[kind], sentences=tuple(piece), page=doc.page_at(piece[0][0]),
                mark=doc.mark_at(piece[0][0]),
            ))
    return chunks


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Spans of structural blocks: separated by blank lines when the text has them, else by newlines;
    a line that opens a heading, list item or reference entry always starts a new block."""
    has_blank_lines = _BLANK_LINE.search(text) is not None
    start = None
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        line_start = pos + (len(line) - len(line.lstrip()))
        pos += len(line)
        if not stripped:
            if start is not None:
                yield from _trimmed(text, start, pos)
                start = None
            continue
        opens = not has_blank_lines or bool(_HEADING.match(stripped) or _BULLET.match(stripped)
                                            or _REFERENCE.match(stripped))
        if start is not None and opens:
            yield from _trimmed(text, start, line_start)
            start = None
        if start is None:
            start = line_start
        if _HEADING.match(stripped):  # a heading is always a block of its own
            yield from _trimmed(text, start, pos)
            start = None
    if start is not None:
        yield from _trimmed(text, start, len(text))


def _kind(block: str, is_first: bool) -> str:
    if _HEADING.match(block):
        return "heading"
    if _REFERENCE.match(block):
        return "reference"
    if _BULLET.match(block):
        return "bullet"
    if is_first and "\n" not in block and len(block) <= 200 and not block.rstrip().endswith((".", "!", "?")):
        return "title"
    return "paragraph"


def _pack(text: str, sentences: list[tuple[int, int]], max_chars: int) -> Iterator[list[tuple[int, int]]]:
    """Group consecutive sentences into pieces of at most `max_chars`; cut over-long sentences."""
    piece: list[tuple[int, int]] = []
    for span in (s for sent in sentences for s in _cut_long(text, sent, max_chars)):
        if piece and span[1] - piece[0][0] > max_chars:
            yield piece
            piece = []
        piece.append(span)
    if piece:
        yield piece


def _cut_long(text: str, span: tuple[int, int], max_chars: int) -> Iterator[tuple[int, int]]:
    start, end = span
    while end - start > max_chars:
        cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        yield from _trimmed(text, start, cut)
        start = cut
    yield from _trimmed(text, start, end)


def _trimmed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if end > start else []


def _next_visible(text: str, pos: int, end: int) -> int | None:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos if pos < end else None


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"'“":
        word_start -= 1
    word = text[word_start:dot].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
