"""A hostile single line must not hang the chunker: its work stays linear and its offsets stay exact."""

import itertools
import time

import pytest

from bot.ingest.chunking import chunk_document, split_sentences
from bot.types import Document

MB = 1024 * 1024


@pytest.mark.parametrize("unit", [".", "!?", "…)", "word "])
def test_punctuation_run_is_linear(unit):
    # Before the fix 40 000 dots took ~35 s (the sentence regex retried from every dot); now a full
    # megabyte is one pass. The bound is generous: it only catches the quadratic case.
    text = unit * (MB // len(unit)) + "x"
    started = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - started < 5
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")


def test_sentence_end_needs_whitespace_after_the_run():
    text = 'He said "Stop!" Then left... twice.). Done'
    assert [text[s:e] for s, e in split_sentences(text)] == ['He said "Stop!"', "Then left... twice.).", "Done"]
    # The end of the window counts as no whitespace, exactly as the former lookahead did.
    assert split_sentences("One. Two.", 0, 4) == [(0, 4)]


def test_fifty_megabyte_single_line_chunks_with_exact_offsets():
    text = ("lorem ipsum dolor sit amet " * (50 * MB // 27 + 1))[:50 * MB]
    doc = Document(doc_id="big.txt", title="big", text=text)
    chunks = chunk_document(doc, 1200)
    assert len(chunks) > 40_000
    assert all(doc.text[c.start:c.end] == c.text and len(c.text) <= 1200 for c in chunks[:1000])
    assert chunks[0].start == 0 and chunks[-1].end == len(text.rstrip())
    # Only whitespace lies between consecutive passages, so the spans rebuild the source.
    assert all(not text[a.end:b.start].strip() for a, b in itertools.pairwise(chunks))
