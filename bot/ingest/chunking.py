"""Documents → passages (`Chunk`s) with exact character spans, and passages → sentence spans.

Structure-aware and pure: paragraphs, list items, reference entries (`[1] Author. "Title." Outlet, date.`)
and each row of a pipe table (`tables`) become their own passage; long paragraphs are packed from whole
sentences up to `max_chars`, and a sentence with no punctuation for `SENTENCE_MAX` characters is cut at a
list or clause boundary. A full stop after a known abbreviation ("Dr.", "approx.", "Tel.", "ext.") or an
initial ends no sentence, nor does one after a capitalised weekday before a number ("Sun. 10am"). A title
line, Markdown-style headings and a plain-text notice's short lines in capitals ("LOST PROPERTY") are not
passages: they are the `section` of the passages under them (a heading alone is no answer), unless a
document has nothing else. A list item's first sentence starts after its bullet or number, which stays in the
passage. A table row keeps its column names in `search_text`.
Only whitespace and that context (headings, a table's header and separator lines) lie between passages, so
the spans rebuild the source text. It does not read files (see `reading`) and knows nothing of embeddings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.ingest.tables import find_table, row_search_text
from bot.types import Chunk, Document

_HEADING = re.compile(r"#{1,6}[ \t]+\S")
_BULLET = re.compile(r"(?:[-*•▪‣◦][ \t]+|\d{1,3}[.)][ \t]+)\S")
_REFERENCE = re.compile(r"\[\d{1,4}\][ \t]+\S")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A sentence ends at a run of . ! ? (optionally followed by closing quotes/brackets) before whitespace.
# The whitespace is checked in Python, not with a lookahead: a lookahead that fails makes the regex retry
# from every character of a long run ("....."), which is quadratic and hangs on a hostile 50 MB line.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*")
CHUNKING_VERSION = 10  # bump when passages, sentences, their matching text or numbering change: indexes rebuild
# (10: a reference entry's keyword gloss, and the weekday short forms written out, which 9 missed)
# Sentences longer than SENTENCE_MAX (a pasted list, a log line) are cut into pieces of at most SENTENCE_PIECE
# characters at the last list boundary (";", a bullet or "3)"), else clause boundary (",", ":", a dash), else
# space in reach; ordinary prose (99% of Wikipedia sentences are under 420 characters) is left alone.
SENTENCE_MAX = 500
SENTENCE_PIECE = 400
_CUTS = (re.compile(r"[;\n]\s+|\s+(?=[•▪‣◦·*–—-]\s|\(?\d{1,3}[.)]\s|\(?[a-z][.)]\s)"),
         re.compile(r"[,:)]\s+|\s+(?=[–—]\s)"), re.compile(r"\s+"))
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e u.s u.k u.n inc ltd co corp gen gov sen rep no fig "
    "jan feb mar apr jun jul aug sep sept oct nov dec mt ft approx dept est vol pp ed al "
    "tel ext incl excl nr opp qty ref rm ave".split()  # a notice's "Tel. 01632 960502", "ext. 22", "Rm. 4"
)
# A weekday's short form often ends a sentence ("Bins go out on Tues. Recycling …"), and in lower case may be a
# word ("We sat."): capitalised and before a number it ends none ("Sun. 10am–12 noon", "Tues. 6.30pm").
_WEEKDAYS = frozenset("mon tue tues wed weds thu thur thurs fri sat sun".split())


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in `text[start:end]`, trimmed of surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() >= end or not text[match.end()].isspace():
            continue
        word = _word_before(text, cursor, match.start())
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        nxt = _next_visible(text, match.end(), end)
        if nxt is not None and text[nxt].islower():
            continue  # "approx. five" or an ellipsis inside a sentence
        day = re.split(r"[–—/-]", word)[-1]  # "Mon.–Fri. 9am": the day after the dash
        if nxt is not None and text[nxt].isdigit() and day in _WEEKDAYS and text[match.start() - len(day)].isupper():
            continue
        spans.extend(_bounded(text, cursor, match.end()))
        cursor = match.end()
    spans.extend(_bounded(text, cursor, end))
    return spans


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence `text[start:end]` trimmed, cut into pieces when it is longer than `SENTENCE_MAX`."""
    spans: list[tuple[int, int]] = []
    while end - start > SENTENCE_MAX:
        lo, hi = start + SENTENCE_PIECE // 4, start + SENTENCE_PIECE
        cut = None
        for pattern in _CUTS:
            for match in pattern.finditer(text, lo, hi):
                cut = match.end()
            if cut is not None:
                break
        spans.extend(_trimmed(text, start, cut or hi))
        start = cut or hi
    spans.extend(_trimmed(text, start, end))
    return spans


def chunk_document(doc: Document, max_chars: int = 1200) -> list[Chunk]:
    """All passages of `doc`, in reading order."""
    if max_chars < 200:
        raise ValueError(f"max_chars must be at least 200, got {max_chars}")
    return _chunks(doc, max_chars, headings_are_passages=False) or _chunks(doc, max_chars, True)


def _chunks(doc: Document, max_chars: int, headings_are_passages: bool) -> list[Chunk]:
    chunks: list[Chunk] = []
    section = ""
    # Numbered within their section, as the location reads ("Beta › paragraph 1" is Beta's first paragraph).
    counts: dict[tuple[str, str], int] = {}

    def add(kind: str, piece: list[tuple[int, int]], chunk_section: str, search_text: str = "",
            start: int | None = None) -> None:
        counts[(kind, chunk_section)] = ordinal = counts.get((kind, chunk_section), 0) + 1
        start = piece[0][0] if start is None else start
        chunks.append(Chunk(
            doc_id=doc.doc_id, start=start, end=piece[-1][1], text=doc.text[start:piece[-1][1]],
            kind=kind, section=chunk_section, ordinal=ordinal, sentences=tuple(piece),
            page=doc.page_at(start), search_text=search_text, mark=doc.mark_at(start),
        ))

    for i, (start, end, tag) in enumerate(_blocks(doc.text)):
        if tag == "table" and not headings_are_passages:  # a table of nothing but a header is text
            rows = _table_lines(doc.text, start, end)
            header = doc.text[rows[0][0]:rows[0][1]]
            for row in rows[2:]:
                if row[1] - row[0] > max_chars:  # a runaway row is read as prose rather than cut mid-cell
                    for piece in _pack(doc.text, split_sentences(doc.text, *row), max_chars):
                        add("paragraph", piece, section)
                else:
                    add("row", [row], section, row_search_text(header, doc.text[row[0]:row[1]]))
            continue
        block = doc.text[start:end]
        kind = "heading" if tag == "caps" and i > 0 else _kind(block, is_first=i == 0)
        if kind in ("heading", "title"):
            heading = block.lstrip("#").strip()[:80]
            section = section if kind == "title" and heading == doc.title else heading  # the title is shown anyway
            if not headings_are_passages:
                continue
        marker = None
        if kind == "reference":
            sentences = [(start, end)]  # an entry is one citation, not prose to split
        else:
            # A list item's passage keeps its "- " or "3. ", its first sentence does not: a cited sentence
            # is the words a reader quotes, and its highlight starts at them.
            marker = _BULLET.match(block) if kind == "bullet" else None
            body = start + marker.end() - 1 if marker else start
            sentences = split_sentences(doc.text, body, end)
            if marker and sentences:
                sentences[0] = (start, sentences[0][1])  # the marker counts towards the passage's length
        chunk_section = section or ("References" if kind == "reference" else "")
        for n, piece in enumerate(_pack(doc.text, sentences, max_chars)):
            if n == 0 and marker:
                piece[0] = (body, piece[0][1])
            add(kind, piece, chunk_section, start=start if n == 0 else None)
    return chunks


def _table_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Trimmed spans of the lines of the table at `text[start:end]` (header, separator, rows)."""
    spans = []
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        spans.extend(_trimmed(text, pos, pos + len(line)))
        pos += len(line)
    return spans


def _blocks(text: str) -> Iterator[tuple[int, int, str]]:
    """Spans of structural blocks, each tagged "table" (a pipe table), "caps" (a heading line in capitals,
    `_is_caps_heading`) or "": separated by blank lines when the text has them, else by newlines; a heading,
    list item, reference entry or table always starts a new block."""
    has_blank_lines = _BLANK_LINE.search(text) is not None
    lines = text.splitlines(keepends=True)
    start = None
    pos = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        line_start = pos + (len(line) - len(line.lstrip()))
        table_end = find_table(lines, i) if "|" in line else i
        if table_end > i:
            if start is not None:
                yield from _flagged(text, start, line_start)
                start = None
            end = pos + sum(len(x) for x in lines[i:table_end])
            yield from _flagged(text, line_start, end, "table")
            pos, i = end, table_end
            continue
        pos += len(line)
        i += 1
        if not stripped:
            if start is not None:
                yield from _flagged(text, start, pos)
                start = None
            continue
        # A short line in capitals is a heading ("WILLOWBANK SURGERY" over "FREQUENTLY ASKED QUESTIONS" are two,
        # "HALL RULES" over "- NO DOGS" one); beside a line of text in capitals ("THE COURTS CLOSE AT DUSK\nFROM
        # 1 OCTOBER.") it is text.
        caps = _is_caps_heading(stripped) and all(
            not _in_capitals(near) or _is_caps_heading(near.strip()) or _BULLET.match(near.strip())
            for near in (lines[i - 2] if i > 1 else "", lines[i] if i < len(lines) else ""))
        heading = caps or bool(_HEADING.match(stripped))
        opens = not has_blank_lines or heading or bool(_BULLET.match(stripped) or _REFERENCE.match(stripped))
        if start is not None and opens:
            yield from _flagged(text, start, line_start)
            start = None
        if start is None:
            start = line_start
        if heading:  # a heading is always a block of its own
            yield from _flagged(text, start, pos, "caps" if caps else "")
            start = None
    if start is not None:
        yield from _flagged(text, start, len(text))


def _flagged(text: str, start: int, end: int, tag: str = "") -> list[tuple[int, int, str]]:
    return [(s, e, tag) for s, e in _trimmed(text, start, end)]


def _is_caps_heading(line: str) -> bool:
    """A line in capitals alone, as plain-text notices head their sections ("LOST PROPERTY", "GAS & WATER",
    "CONTACTS:"): one to six words, three letters or more, no digit ("TEL: 01632 …"), no "@", no end stop."""
    return (len(line) <= 60 and 0 < len(line.split()) <= 6 and _in_capitals(line) and line[-1] not in ".!?"
            and not any(c.isdigit() or c in "@|" for c in line)
            and not _BULLET.match(line))  # "- FREE PARKING" is a list item


def _in_capitals(line: str) -> bool:
    """Three letters or more, all of them capitals."""
    return sum(c.isalpha() for c in line) >= 3 and line == line.upper()


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


def _word_before(text: str, start: int, dot: int) -> str:
    """The word that a full stop at `dot` ends, lower-cased ("" when the mark is no full stop)."""
    if text[dot] != ".":
        return ""
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"'“":
        word_start -= 1
    return text[word_start:dot].lower()
