"""Chunking: spans rebuild the source, structure is recognised, sentences split where a reader would."""

import pytest

from bot.ingest.chunking import chunk_document, split_sentences
from bot.ingest.tables import is_separator
from bot.store.folding import REFERENCE_GLOSS, passage_for_matching, sentence_for_embedding, sentence_for_matching
from bot.types import Document
from tests.conftest import SEED_FILE


def seed_doc() -> Document:
    text = SEED_FILE.read_text(encoding="utf-8")
    return Document(doc_id="seed.txt", title=text.split("\n", 1)[0], text=text)  # titled as `read_file` does


def only_context(text: str, start: int, end: int) -> bool:
    """`text[start:end]` holds nothing a passage should: whitespace, headings (Markdown's, or a line in
    capitals), the document's first block (its title line) and table header lines (a line followed by a
    `|---|` separator, and the separator)."""
    lines = text[start:end].splitlines()
    in_title = not text[:start].strip()  # at the document's start the first block may be its title
    seen = False
    for i, line in enumerate(lines):
        if not line.strip():
            in_title = in_title and not seen
            continue
        seen = True
        in_capitals = sum(c.isalpha() for c in line) >= 3 and line == line.upper()
        if not (in_title or line.lstrip().startswith("#") or in_capitals or is_separator(line)
                or (i + 1 < len(lines) and is_separator(lines[i + 1]))):
            return False
    return True


def assert_rebuilds(doc: Document, chunks: list) -> None:
    """Chunks are in order, each chunk's text is its span, and only context (see `only_context`) lies
    between them."""
    cursor = 0
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert only_context(doc.text, cursor, chunk.start), doc.text[cursor:chunk.start]
        for start, end in chunk.sentences:
            assert chunk.start <= start < end <= chunk.end
        cursor = chunk.end
    assert only_context(doc.text, cursor, len(doc.text))


def test_seed_chunks_rebuild_the_text_exactly() -> None:
    doc = seed_doc()
    chunks = chunk_document(doc)
    assert_rebuilds(doc, chunks)
    assert len(chunks) == 20  # the title line is the passages' context, not a passage


def test_seed_structure_paragraphs_references_bullets_under_the_title() -> None:
    chunks = chunk_document(seed_doc())
    assert [c.kind for c in chunks] == ["paragraph"] * 12 + ["reference"] * 3 + ["bullet"] * 5
    # The title line is the document's title, shown with every citation, so it names no section.
    assert chunks[0].section == "" and chunks[0].location == "paragraph 1"


def test_reference_entry_is_one_sentence_and_located() -> None:
    refs = [c for c in chunk_document(seed_doc()) if c.kind == "reference"]
    assert refs[1].text.startswith("[2] Raman, Shashank.")
    assert refs[1].sentences == ((refs[1].start, refs[1].end),)
    assert refs[1].location == "References › reference entry 2"


def test_a_reference_entry_is_matched_after_the_words_people_ask_about_a_cited_work_with() -> None:
    doc = seed_doc()
    chunks = chunk_document(doc)
    ref = next(c for c in chunks if c.kind == "reference")
    start, end = ref.sentences[0]
    assert sentence_for_matching(doc.text, ref, start, end) == f"{REFERENCE_GLOSS}: {doc.text[start:end]}"
    assert passage_for_matching(ref) == f"{REFERENCE_GLOSS}: {ref.text}"
    # never embedded: the gloss would draw a question about any article to every entry
    assert sentence_for_embedding("Ceasefire", doc.text, ref, start, end) == doc.text[start:end]
    paragraph = chunks[1]
    start, end = paragraph.sentences[0]
    assert sentence_for_matching(doc.text, paragraph, start, end) == doc.text[start:end]


def test_sentences_respect_abbreviations_and_initials() -> None:
    text = 'Dr. Smith met J. R. Jones in the U.S. on Monday. "It went well," he said! Was it? Yes.'
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ['Dr. Smith met J. R. Jones in the U.S. on Monday.', '"It went well," he said!', "Was it?", "Yes."]


def test_a_notices_abbreviations_end_no_sentence_but_a_weekday_ending_one_does() -> None:
    text = ("Club sessions: Tues. and Thurs. from 6.30pm; Sun. 10am to noon. Bookings: Tel. 01632 960502 or "
            "ext. 22. Bins go out on Tues. Recycling goes on Fri. We sat. 12 of us stayed. Open Mon.–Fri. 9am to 5pm.")
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got[-1] == "Open Mon.–Fri. 9am to 5pm."
    assert got[:-1] == ["Club sessions: Tues. and Thurs. from 6.30pm; Sun. 10am to noon.",
                   "Bookings: Tel. 01632 960502 or ext. 22.", "Bins go out on Tues.", "Recycling goes on Fri.",
                   "We sat.", "12 of us stayed."]


def test_markdown_headings_become_sections() -> None:
    doc = Document("a.md", "a", "# Setup\n\nInstall it first.\n\n## Running\n\nStart the app. Then ask.\n")
    chunks = chunk_document(doc)
    assert [(c.kind, c.section) for c in chunks] == [("paragraph", "Setup"), ("paragraph", "Running")]
    assert chunks[1].location == "Running › paragraph 1"  # counted within its section, as it reads
    assert_rebuilds(doc, chunks)


def test_a_line_in_capitals_heads_its_section_as_a_markdown_heading_does() -> None:
    text = ("Harbour Road Tennis Club\n\nCHAIRPERSON\nSiobhan Gallagher\nTel: 01632 960331\n\n"
            "LOST PROPERTY\n\nItems are kept for 28 days. Ring 01632 960877.\n\n"
            "NOTICE TO ALL MEMBERS\nTHE COURTS CLOSE AT DUSK\nFROM OCTOBER.\n\nTEL: 01632 960000\n\n"
            "OPENING HOURS\nSUMMER\nThe clubhouse opens at 8am.\n\n- FREE PARKING\n- NO DOGS\n\n"
            "HALL RULES\n- NO GLITTER OR CONFETTI\n")
    doc = Document("club.txt", "Harbour Road Tennis Club", text)
    chunks = chunk_document(doc)
    assert [(c.section, c.text) for c in chunks] == [
        ("CHAIRPERSON", "Siobhan Gallagher\nTel: 01632 960331"),
        ("LOST PROPERTY", "Items are kept for 28 days. Ring 01632 960877."),
        # a line beside text in capitals ("FROM OCTOBER.") is text, and so is a line holding a number
        ("NOTICE TO ALL MEMBERS", "THE COURTS CLOSE AT DUSK\nFROM OCTOBER."),
        ("NOTICE TO ALL MEMBERS", "TEL: 01632 960000"),
        ("SUMMER", "The clubhouse opens at 8am."),  # two short lines in capitals are two headings
        ("SUMMER", "- FREE PARKING"), ("SUMMER", "- NO DOGS"),  # list items in capitals stay list items
        ("HALL RULES", "- NO GLITTER OR CONFETTI")]  # and a line in capitals above them heads them
    assert_rebuilds(doc, chunks)


def test_long_paragraph_is_packed_from_whole_sentences() -> None:
    sentence = "This sentence is about forty-five characters. "
    doc = Document("long.txt", "long", "Title line\n\n" + sentence * 60)
    chunks = chunk_document(doc, max_chars=300)
    body = [c for c in chunks if c.kind == "paragraph"]
    assert len(body) > 5 and all(len(c.text) <= 300 for c in body)
    assert all(c.text.endswith(".") for c in body)
    assert_rebuilds(doc, chunks)


def test_a_huge_single_line_is_cut_and_still_rebuilds() -> None:
    doc = Document("one.txt", "one", "word " * 50_000)
    chunks = chunk_document(doc, max_chars=1000)
    assert max(len(c.text) for c in chunks) <= 1000
    assert_rebuilds(doc, chunks)


def test_pages_are_carried_to_chunks() -> None:
    doc = Document("p.pdf", "p", "First page text.\n\nSecond page text.", pages=(0, 18))
    assert [c.page for c in chunk_document(doc)] == [1, 2]


def test_max_chars_too_small_is_refused() -> None:
    with pytest.raises(ValueError, match="max_chars must be at least 200, got 50"):
        chunk_document(seed_doc(), max_chars=50)


def test_a_list_items_first_sentence_starts_after_its_bullet_or_number() -> None:
    text = "# Toner\n\n- Toner is ordered by the office manager.\n3. Empty cartridges go back. Then ring.\n"
    doc = Document("t.md", "Toner", text)
    chunks = chunk_document(doc)
    assert_rebuilds(doc, chunks)
    assert [c.text for c in chunks] == ["- Toner is ordered by the office manager.",
                                        "3. Empty cartridges go back. Then ring."]
    assert [[doc.text[a:b] for a, b in c.sentences] for c in chunks] == [
        ["Toner is ordered by the office manager."], ["Empty cartridges go back.", "Then ring."]]


def test_passages_are_numbered_within_their_section() -> None:
    doc = Document("b.md", "b", "# Alpha\n\nFirst alpha.\n\nSecond alpha.\n\n# Beta\n\nFirst beta.\n\n- a beta item\n")
    assert [c.location for c in chunk_document(doc)] == [
        "Alpha › paragraph 1", "Alpha › paragraph 2", "Beta › paragraph 1", "Beta › list item 1"]
