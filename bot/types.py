"""The shared vocabulary of the pipeline: frozen dataclasses and nothing else.

Every stage takes and returns these, so a reader can follow the data from `Document` to `Answer`.
Offsets are character offsets into `Document.text` (Python string indices), half-open `[start, end)`,
so `doc.text[c.start:c.end] == c.text` always holds. No behaviour lives here beyond trivial properties.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field, replace

# Mean tesseract confidence of a cited sentence's words under which the citation says the reading is doubtful;
# words read right on the generated scans of tests/test_ocr.py score 88–97.
LOW_OCR_CONFIDENCE = 80.0


@dataclass(frozen=True)
class WordBox:
    """Where the word `Document.text[start:end]` sits on its page, for showing a citation on the page.

    `page` is 1-based; (x0, y0) is the word's top-left and (x1, y1) its bottom-right corner, in PDF points
    (1/72 inch) from the top-left corner of the page as it is shown (after any /Rotate), y growing down:
    pdfplumber's (x0, top, x1, bottom). For an image file, points are pixels × 72 / its dpi (1 px = 1 pt
    when the image does not say). `confidence` is OCR's (0–100); None for a PDF's own text layer.
    """

    start: int
    end: int
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float | None = None


@dataclass(frozen=True)
class Document:
    """One source document, already turned into plain text by a reader."""

    doc_id: str  # stable id: the path relative to the documents folder, or a corpus id
    title: str
    text: str
    source: str = ""  # what the user calls it (relative path or upload name); never absolute
    pages: tuple[int, ...] = ()  # start offset of each page, for formats that have pages
    encoding: str = ""  # how a text file's bytes were decoded when not plain UTF-8 ("Windows-1252"), for reports
    # (start offset, label) of each location mark, in text order: where a reader finds the text in the
    # format's own words ("slide 3", "slide 3, notes", "sheet Inventory, row 18", "chapter 2: The Storm").
    marks: tuple[tuple[int, str], ...] = ()
    boxes: tuple[WordBox, ...] = ()  # word boxes in text order, for PDFs and images (see `WordBox`)
    notes: tuple[str, ...] = ()  # what the reader left out and why: "page 3: OCR is off (BOT_OCR=0); …"
    title_from_name: bool = False  # the file had no title of its own (title line, heading, metadata): its name

    @property
    def content_hash(self) -> str:
        key = f"{self.title}\0{self.text}"
        if self.marks:  # only then, so documents without marks keep the hashes their indexes recorded
            key += "".join(f"\0{start}\0{label}" for start, label in self.marks)
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    def page_at(self, offset: int) -> int | None:
        """1-based page holding `offset`, or None for formats without pages."""
        if not self.pages:
            return None
        page = 0
        for i, start in enumerate(self.pages):
            if start <= offset:
                page = i
        return page + 1

    def mark_at(self, offset: int) -> str:
        """The label of the last location mark at or before `offset`; "" before the first or without marks."""
        i = bisect_right(self.marks, offset, key=lambda mark: mark[0])
        return self.marks[i - 1][1] if i else ""

    def boxes_in(self, start: int, end: int) -> tuple[WordBox, ...]:
        """The word boxes of the words overlapping `text[start:end]`."""
        return tuple(b for b in self.boxes if b.start < end and b.end > start)


@dataclass(frozen=True)
class Chunk:
    """A passage: a paragraph, a list item, a reference entry, a table row; the unit that gets cited."""

    doc_id: str
    start: int
    end: int
    text: str
    kind: str  # "paragraph" | "bullet" | "reference" | "row"; "title"/"heading" only in a document of nothing else
    section: str  # nearest heading above it ("" when the document has none)
    ordinal: int  # 1-based position among chunks of the same kind in its section (in its document if none)
    sentences: tuple[tuple[int, int], ...]  # absolute spans of its sentences, in order
    page: int | None = None
    # What matching (BM25, embeddings, coverage) reads instead of `text` when set: a table row with its column
    # names, "Part: P-045; Warehouse: Leeds". The citation still shows `text`, the row as written.
    search_text: str = ""
    mark: str = ""  # the document's location mark holding its start ("slide 3"), "" when it has none

    @property
    def location(self) -> str:
        """Where a reader finds it, in words: 'paragraph 4', 'reference [2]', 'page 3, paragraph 2'; the
        location mark alone for formats that have them ('slide 3', 'sheet Inventory, row 18')."""
        if self.mark:  # the format's own words are what the user can look up; ordinals would only add noise
            return self.mark
        if self.kind == "reference":
            where = f"reference entry {self.ordinal}"
        elif self.kind == "bullet":
            where = f"list item {self.ordinal}"
        elif self.kind == "row":
            where = f"table row {self.ordinal}"
        else:
            where = f"{self.kind} {self.ordinal}"
        if self.section:
            where = f"{self.section} › {where}"
        if self.page is not None:
            where = f"page {self.page}, {where}"
        return where


@dataclass(frozen=True)
class Hit:
    """A retrieved passage and why it ranked where it did."""

    chunk_id: int
    chunk: Chunk
    score: float  # fused score used for ranking
    dense: float  # best cosine similarity of one of its sentences to the question
    lexical: float  # BM25 score of the passage (0 when BM25 did not return it)
    rank: int  # 1-based
    also_in: tuple[str, ...] = ()  # other documents holding a passage with the same text (counted once)


@dataclass(frozen=True)
class Citation:
    """`[n]` in an answer: the passage it points to and the sentence inside it that supports the claim."""

    n: int
    doc_id: str
    title: str
    source: str
    chunk: Chunk
    sentence_start: int
    sentence_end: int
    sentence: str
    score: float
    also_in: tuple[str, ...] = ()  # other documents where the same passage appears word for word
    header: str = ""  # for a table row: its table's header line as written, shown above the row
    boxes: tuple[WordBox, ...] = ()  # the sentence's words on the page (empty for formats without pages)
    page: int | None = None  # page of the cited sentence: a passage may run over a page break

    @property
    def location(self) -> str:
        """The passage's location in words, naming the page the cited sentence starts on."""
        if self.page is None or self.page == self.chunk.page:
            return self.chunk.location
        return replace(self.chunk, page=self.page).location

    @property
    def ocr_confidence(self) -> float | None:
        """The mean OCR confidence (0–100) of the sentence's words, None when none of it was OCR'd."""
        scores = [b.confidence for b in self.boxes if b.confidence is not None]
        return sum(scores) / len(scores) if scores else None

    @property
    def ocr_note(self) -> str:
        """What a reader should know about the sentence's text: "" when the file holds it as text, "OCR text"
        when it was read from an image, "OCR text, low confidence" when that reading is doubtful."""
        confidence = self.ocr_confidence
        if confidence is None:
            return ""
        return "OCR text, low confidence" if confidence < LOW_OCR_CONFIDENCE else "OCR text"


@dataclass(frozen=True)
class Support:
    """The measured signals behind a written sentence's verdict, against the best passage it cites (see
    `bot.answer.verify`)."""

    passage: int  # the `[n]` the signals were measured on (0 when the sentence cites nothing usable)
    word_share: float  # share of the sentence's content words (stemmed) found in that passage, 0..1
    cosine: float  # embedder cosine between the sentence and the passage's best-matching sentence
    missing: tuple[str, ...]  # numbers, dates and names of the sentence that the passage does not hold


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer and whether its citation is checked: `supported` sentences are shown,
    the others are listed apart with `reason`. An extractive sentence is the passage's own words
    (`support` None: nothing to measure)."""

    text: str  # as written, `[n]` markers included
    cites: tuple[int, ...]
    supported: bool
    reason: str = ""  # why it is not shown; "" when supported
    support: Support | None = None


@dataclass(frozen=True)
class Draft:
    """An answer being written: the text streamed so far and the sentences already checked. Faces show
    it while the final `Answer` is on its way."""

    text: str
    sentences: tuple[Sentence, ...]
    pending: str = ""  # the end of `text` that is not a complete sentence yet


@dataclass(frozen=True)
class Answer:
    """What the bot says to one question, with everything needed to check it."""

    question: str
    text: str  # the answer with [n] markers, or the abstention message
    abstained: bool
    confidence: float  # 0..1, the fitted probability that the documents answer the question
    citations: tuple[Citation, ...]
    retrieved: tuple[Hit, ...]
    query: str  # the retrieval query actually used (differs from `question` for follow-ups)
    timings_ms: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    writer: str = "extractive"  # who wrote `text`: "extractive" (the documents' sentences) or "llm"
    sentences: tuple[Sentence, ...] = ()  # the shown sentences; for "llm" each was verified
    dropped: tuple[Sentence, ...] = ()  # sentences the language model wrote that are not shown, with why
    note: str = ""  # why the answer is not the one asked for (the language model was down, slow, unsupported)
