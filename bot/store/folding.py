"""What matching reads: text folded so that differences a reader cannot see do not hide a word.

BM25, the term-coverage signal and the embedder's input all go through `fold`: Unicode NFKC (full-width
letters and digits, ligatures, compatibility forms), no-break and other spaces made plain spaces, and
invisible format characters removed (soft hyphen, zero-width space and joiners, word joiner, BOM), as
`question.normalize_question` already removes them from questions. Citations never see folded text: they
show `Document.text` at the original offsets. A table row is matched by its `search_text` (its cells
with their column names), and every passage but a reference entry after its section heading; a reference
entry is scored and found by keywords after `REFERENCE_GLOSS`, the words people ask about a cited work with
("Who wrote the article in The Diplomat?" against "[3] Singh, Deepa. "…" The Diplomat, May 11, 2025."); a sentence
under no heading is embedded after its document's title when the title names a topic (`embedded_title`:
"Steam engine: It was an improvement …", the contextual header that says what "it" is; held out on
SQuAD2, the top cited sentence 0.792 → 0.805 and recall@1 0.885 → 0.898). `acronyms` says which upper-case
words stand as acronyms ("IT", "US"), so the tokenizer keeps them even when their lower case is a stop word;
`same_text` finds passages that repeat word for word. Tokenizing itself is `lexical`'s.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.types import Chunk, Document

_SPACES = re.compile(r"[^\S\n]")  # every horizontal white space, NBSP and the like included
# The format (Cf) characters of Unicode 14, as ranges: one regex pass instead of a category lookup per
# character (the question normaliser drops the same ones by category).
_FORMAT = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
                     "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
                     "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
                     "\U000e0020-\U000e007f]")
# Words of two characters or more, and single digits: "truck 7", "floor 2", "gate 5" tell rows apart.
_WORD = re.compile(r"(?u)\b(?:\w\w+|\d)\b")


def fold(text: str) -> str:
    """`text` as matching sees it; may differ from `text` in length, so never use it for offsets."""
    if text.isascii():
        return text  # nothing to fold; the common case stays cheap
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", _FORMAT.sub("", text)))


# A reference entry names a work by its parts (authors, title, outlet, date) and never says "wrote" or
# "published", which is how people ask about it. These words are matched with the entry (term coverage and
# BM25), never shown, and not embedded: embedded, they drew questions about any article to every entry
# ("Who wrote the New York Times article?" answered from The Economic Times' entry, confidence 0.58).
REFERENCE_GLOSS = ("author wrote written article report paper piece story title published publisher publication "
                   "outlet journal newspaper date")


def sentence_for_matching(doc_text: str, chunk: Chunk, start: int, end: int) -> str:
    """The text scored for the sentence `doc_text[start:end]` of `chunk` (term coverage, the number rules):
    after its section's heading, which is what a reader has in mind there ("Courier bag: Weight: 2.4 kg");
    a reference entry after `REFERENCE_GLOSS`."""
    return _glossed(chunk, _sentence_text(doc_text, chunk, start, end))


def own_words(doc_text: str, chunk: Chunk, start: int, end: int) -> str:
    """The sentence `doc_text[start:end]` of `chunk` in its own words, unfolded and without its heading: a
    whole table row as its cells with their column names (`search_text`: "Item: Reading folder; Price: donated
    by the PTA"), any other sentence as written."""
    whole_row = bool(chunk.search_text) and (start, end) == (chunk.start, chunk.end)
    return chunk.search_text if whole_row else doc_text[start:end]


def _sentence_text(doc_text: str, chunk: Chunk, start: int, end: int) -> str:
    return fold(_in_section(chunk, own_words(doc_text, chunk, start, end)))


def _glossed(chunk: Chunk, text: str) -> str:
    return f"{REFERENCE_GLOSS}: {text}" if chunk.kind == "reference" else text


TITLE_WORDS_MAX = 6  # a title of a few words names a topic; a longer one is a headline, a statement of its own


def embedded_title(doc: Document) -> str:
    """The title embedded before `doc`'s sentences that stand under no heading (see `sentence_for_embedding`),
    or "": a title of at most `TITLE_WORDS_MAX` words that is not just the file's name (a name is a label,
    and leaving it out keeps a renamed file's vectors)."""
    title = fold(doc.title).strip()
    return "" if doc.title_from_name or len(title.split()) > TITLE_WORDS_MAX else title


def sentence_for_embedding(title: str, doc_text: str, chunk: Chunk, start: int, end: int) -> str:
    """What is embedded for a sentence: `sentence_for_matching` without the reference gloss, after `title`
    (`embedded_title`) when no heading stands above it ("Steam engine: It was an improvement over Savery's
    pump."). A heading, where there is one, already says what the sentence is about; a reference entry is its
    own context."""
    text = _sentence_text(doc_text, chunk, start, end)  # `sentence_for_matching` without the reference gloss
    if not title or chunk.section or chunk.kind == "reference":
        return text
    return f"{title}: {text}"


def passage_for_matching(chunk: Chunk) -> str:
    return _glossed(chunk, fold(_in_section(chunk, chunk.search_text or chunk.text)))


def passage_for_keywords(title: str, chunk: Chunk) -> str:
    """What BM25 indexes for a passage: its document's `title`, then `passage_for_matching`, so a passage is
    found by its document's title and section heading too (a heading is not a passage)."""
    return f"{title}\n{passage_for_matching(chunk)}"


def _in_section(chunk: Chunk, text: str) -> str:
    # Reference entries are their own context (and "References" says nothing about them).
    return full_days(f"{chunk.section}: {text}" if chunk.section and chunk.kind != "reference" else text)


_DAY = r"(?:Mon|Tues?|Weds?|Thu(?:rs?)?|Fri|Sat|Sun)"
# A notice's weekday short forms, capitalised, in a run of days ("Mon.–Fri.", "Tues. and Thurs.", "Sat & Sun")
# or before a time ("Sun. 10am"); "the Sun.", "Sun Microsystems" and "Chicago Sun-Times" are left alone.
_DAY_RUN = re.compile(rf"\b{_DAY}\b\.?(?:\s*(?:[–—/&,-]|and|to)\s*{_DAY}\b\.?)+|\b{_DAY}\b\.?(?=\s*\d)")
_DAY_SHORT = re.compile(rf"\b({_DAY})\b\.?")
_DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "tues": "Tuesday", "wed": "Wednesday", "weds": "Wednesday",
              "thu": "Thursday", "thur": "Thursday", "thurs": "Thursday", "fri": "Friday", "sat": "Saturday",
              "sun": "Sunday"}


def full_days(text: str) -> str:
    """`text` with a notice's weekday short forms written out, so "open on Sunday" matches "Sun. 10am to 1pm"
    ("Mon.–Fri. 9am" → "Monday–Friday 9am"); for matching only."""
    return _DAY_RUN.sub(lambda run: _DAY_SHORT.sub(lambda d: _DAY_NAMES[d.group(1).lower()], run.group(0)), text)


def same_text(chunks: Sequence[Chunk]) -> dict[int, tuple[int, ...]]:
    """Chunk index → the indexes of every chunk with the same matching text, for texts that repeat."""
    groups: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        groups.setdefault(chunk.search_text or chunk.text, []).append(i)
    return {i: tuple(ids) for ids in groups.values() if len(ids) > 1 for i in ids}


def acronyms(words: list[str]) -> set[int]:
    """Positions of the words written in capitals (two letters or more) amid words that are not: 'IT' in
    'What does IT do?'. In an all-capitals line ('CONTACT US') no word stands out, so none counts."""
    upper = [len(w) > 1 and w.isupper() for w in words]
    return {i for i, up in enumerate(upper)
            if up and not ((i == 0 or upper[i - 1]) and (i + 1 == len(words) or upper[i + 1]))}


def words(text: str) -> tuple[list[str], set[int]]:
    """The words of folded `text` as written, and the positions of those that stand as acronyms."""
    found = _WORD.findall(fold(text))
    return found, acronyms(found)
