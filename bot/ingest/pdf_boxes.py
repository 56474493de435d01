"""Word boxes for a PDF's text layer: where each word of the reader's page text sits on the page.

Whatever library extracted the text, PDFium (pypdfium2) knows where its own characters are. Both texts are
cut into words and matched in order (difflib, unless both read the same words; equal-length runs that
differ, such as a ligature read two ways, are paired one to one), and each matched word gets the box of its
first and last characters, in PDF points from the top-left corner of the page as shown (the page's /Rotate
applied), as `WordBox` says. A word PDFium did not see gets no box, nor do the pages of a very long PDF
past `BUDGET_S`. Runs in the PDF reader's bounded child; rendering pages is `page_images`' job.
"""

from __future__ import annotations

import difflib
import re
import time
import unicodedata
from pathlib import Path

from bot.types import WordBox

# Boxes cost about 20 ms a page on a busy 2-core machine; a very long PDF gets them for the pages that fit in
# this time, so reading it stays within BOT_READ_TIMEOUT_S (later pages show without a highlight).
BUDGET_S = 6.0
_WORD = re.compile(r"\S+")
_PDFIUM_WORD = re.compile(r"[^\s\x02\ufffe]+")  # PDFium marks a soft-hyphen line break with \x02 or U+FFFE


def text_layer_boxes(path: Path, text: str, starts: tuple[int, ...], separator: str = "\n\n") -> tuple[WordBox, ...]:
    """Boxes for the words of a PDF's text, whose page i starts at `starts[i]` and ends at the `separator`."""
    import pypdfium2 as pdfium  # only in the child, under its memory cap

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return ()  # pypdf read it and PDFium cannot: the text stands, without boxes
    boxes: list[WordBox] = []
    ends = page_ends(text, starts, separator)
    deadline = time.monotonic() + BUDGET_S
    for number, (start, end) in enumerate(zip(starts, ends, strict=True), 1):
        if time.monotonic() > deadline:
            break
        if text[start:end].strip() and number <= len(pdf):
            boxes += _page_boxes(pdf[number - 1], number, text[start:end], start)
    return tuple(boxes)


def page_ends(text: str, starts: tuple[int, ...], separator: str = "\n\n") -> list[int]:
    """Where each page's own text ends: before the separator ahead of the next page, or right at the next
    page's start when a paragraph runs over the page break (the PDF reader joins it)."""
    return [*(s - len(separator) if text[max(0, s - len(separator)):s] == separator else s for s in starts[1:]),
            len(text)]


def _page_boxes(page: object, number: int, text: str, start: int) -> list[WordBox]:
    ours = [(m.start() + start, m.end() + start, _norm(m.group())) for m in _WORD.finditer(text)]
    theirs = _pdfium_words(page)
    if [w[2] for w in ours] == [w[0] for w in theirs]:  # the usual case: both read the same words
        return [WordBox(s, e, number, *box) for (s, e, _), (_, box) in zip(ours, theirs, strict=True)]
    matcher = difflib.SequenceMatcher(None, [w[2] for w in ours], [w[0] for w in theirs], autojunk=False)
    out = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            for (s, e, _), (_, box) in zip(ours[a0:a1], theirs[b0:b1], strict=True):
                out.append(WordBox(s, e, number, *box))
    return out


def _pdfium_words(page: object) -> list[tuple[str, tuple[float, float, float, float]]]:
    """PDFium's words on the page, each with its box in shown-page points from the top-left corner."""
    textpage = page.get_textpage()
    left, bottom, right, top = page.get_cropbox()
    rotation = page.get_rotation() % 360
    width, height = right - left, top - bottom
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    words = []
    if len(text) == count:  # one character per char index (no character outside the BMP): the fast way
        # A word's box is its first and last character's: two calls to PDFium a word instead of one a character.
        for match in _PDFIUM_WORD.finditer(text):
            a = textpage.get_charbox(match.start(), loose=True)
            b = textpage.get_charbox(match.end() - 1, loose=True)
            box = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
            words.append((_norm(match.group()), _shown(box, left, top, width, height, rotation)))
        return words
    chars: list[str] = []
    box: list[float] = []
    for i in range(count):
        char = textpage.get_text_range(i, 1)
        if not _PDFIUM_WORD.fullmatch(char):  # spaces and PDFium's break marks end a word
            if chars:
                words.append((_norm("".join(chars)), _shown(box, left, top, width, height, rotation)))
            chars, box = [], []
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)
        box = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)] if box else [x0, y0, x1, y1]
        chars.append(char)
    if chars:
        words.append((_norm("".join(chars)), _shown(box, left, top, width, height, rotation)))
    return words


def _shown(box: list[float], left: float, top: float, width: float, height: float,
           rotation: int) -> tuple[float, float, float, float]:
    """A PDF user-space box (x0, y0, x1, y1; y up) → (x0, y0, x1, y1) from the shown page's top-left, y down."""
    # (u0, v0)–(u1, v1): the box from the unturned page's top-left; /Rotate turns the page clockwise
    u0, u1, v0, v1 = box[0] - left, box[2] - left, top - box[3], top - box[1]
    if rotation == 90:
        u0, u1, v0, v1 = height - v1, height - v0, u0, u1
    elif rotation == 180:
        u0, u1, v0, v1 = width - u1, width - u0, height - v1, height - v0
    elif rotation == 270:
        u0, u1, v0, v1 = v0, v1, width - u1, width - u0
    return (round(u0, 2), round(v0, 2), round(u1, 2), round(v1, 2))


def _norm(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold().strip(".,;:!?\"'()[]{}“”‘’«»-–—")
