"""Property tests (hypothesis) for the two pure functions every byte of hostile input goes through.

`normalize_question`: for any input it returns a question or raises `QuestionError` (nothing else); the
result is stable under a second pass, NFC, bounded, and free of control, format, surrogate, private-use
and unassigned code points. `chunk_document`: for any text, including odd Unicode, every chunk is
`text[start:end]`, only whitespace lies between chunks (so the spans rebuild the text), and each chunk's
sentences lie inside it, in order, with only whitespace between them.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answer.question import normalize_question
from bot.errors import QuestionError
from bot.ingest.chunking import chunk_document
from bot.types import Document
from tests.test_chunking import only_context

ANY_CHAR = st.characters(exclude_categories=())  # every code point, lone surrogates included
# Pieces that exercise the chunker's and normaliser's special cases: structure, sentence ends,
# abbreviations, every kind of line break and space, marks, bidi, zero-width, emoji.
PIECES = ("\n", "\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", " ",
          "\t", "\u00a0", "\u3000", "# ", "## Heading", "- ", "* ", "• ", "1. ", "2) ", "[1] ", "[12] ", ". ", "? ",
          "! ", "… ", "...", ".\" ", ".) ", "Dr. ", "e.g. ", "U.S. ", "a. ", "Word", "word", "Café", "e\u0301",
          "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\x00", "\x07", "\ud800", "\udfff", "\ue000", "👋🏽",
          "مرحبا", "שלום", "漢字", "x" * 250, "y " * 120, "<script>", "![x](http://e.x/i.png)")
STRUCTURED = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY_CHAR, max_size=8)), max_size=120).map("".join)
TEXTS = st.one_of(st.text(ANY_CHAR, max_size=400), STRUCTURED)
PROFILE = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_visible_or_space(ch: str) -> bool:
    return unicodedata.category(ch)[0] != "C"


@PROFILE
@given(raw=TEXTS, max_chars=st.integers(1, 500))
def test_normalisation_is_safe_idempotent_and_clean(raw: str, max_chars: int) -> None:
    try:
        text = normalize_question(raw, max_chars)
    except QuestionError:
        return
    assert normalize_question(text, max_chars) == text
    assert all(_is_visible_or_space(ch) for ch in text)
    assert all(ch == " " or not ch.isspace() for ch in text) and "  " not in text and text == text.strip()
    assert unicodedata.is_normalized("NFC", text)
    assert 0 < len(text) <= max_chars and any(ch.isalnum() for ch in text)


@PROFILE
@given(raw=st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(),
                     st.lists(st.text(max_size=5)), st.dictionaries(st.text(max_size=3), st.text(max_size=3))))
def test_anything_but_text_is_refused_with_one_message(raw: object) -> None:
    try:
        normalize_question(raw)
    except QuestionError as err:
        assert str(err) == "The question must be text."
    else:
        raise AssertionError(f"{raw!r} was accepted as a question")


@PROFILE
@given(text=TEXTS, max_chars=st.sampled_from([200, 257, 1200]))
def test_chunk_spans_rebuild_the_text(text: str, max_chars: int) -> None:
    chunks = chunk_document(Document("d.txt", "D", text), max_chars)
    cursor = 0
    for chunk in chunks:
        assert chunk.text == text[chunk.start:chunk.end]
        assert cursor <= chunk.start < chunk.end <= len(text)
        assert only_context(text, cursor, chunk.start)  # only whitespace, headings, table headers between chunks
        assert chunk.text == chunk.text.strip() and len(chunk.text) <= max_chars
        assert chunk.sentences and chunk.sentences[-1][1] == chunk.end
        # the first sentence starts the passage, or follows a list item's bullet or number ("- ", "3. ")
        lead = text[chunk.start:chunk.sentences[0][0]]
        assert lead == "" or (chunk.kind == "bullet" and re.fullmatch(r"(?:[-*•▪‣◦]|\d{1,3}[.)])[ \t]+", lead))
        inner = chunk.start + len(lead)
        for start, end in chunk.sentences:
            assert inner <= start < end <= chunk.end  # sentences lie inside the chunk, in order
            assert text[inner:start].isspace() or inner == start
            assert text[start:end] == text[start:end].strip()
            inner = end
        cursor = chunk.end
    assert only_context(text, cursor, len(text))
    assert bool(chunks) == (text.strip() != "")
