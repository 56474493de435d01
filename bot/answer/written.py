"""A `Writer`'s stream → checked sentences: cut the text into sentences as it arrives, verify each one as soon as
it is complete, and say what can be shown.

Yields a `Draft` (the text so far and the sentences checked so far) for every piece, then a `Written`: the
supported sentences (the answer), the dropped ones with their reasons, and — when nothing can be shown — why,
so the caller falls back to the extractive answer. A sentence is complete once the text after it has begun
(its `[n]` markers may follow its full stop, "…Modi. [1]"), at a line break, or at the end of the stream.
Reaching the model and choosing passages are others' jobs (`llm_writer`, the assistant).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bot.answer.prompt import says_no_answer
from bot.answer.verify import MARKER, Encode, check
from bot.answer.writer import Passage, Writer
from bot.ingest.chunking import split_sentences
from bot.types import Draft, Sentence

_MARKERS_AFTER_STOP = re.compile(r"([.!?…]+[\"'”’)]*)((?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])+)")
_OPEN_MARKER = re.compile(r"\[[\d,\s]*$")


@dataclass(frozen=True)
class Written:
    shown: tuple[Sentence, ...]
    dropped: tuple[Sentence, ...]
    best_sentence: dict[int, int] = field(default_factory=dict)  # passage n → its sentence that supports most
    fallback: str = ""  # why nothing can be shown ("" when something can)


class SentenceCutter:
    """Feed text pieces; get back each sentence once it is complete."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, piece: str) -> list[str]:
        self._buffer += piece
        text = self._buffer
        lines_end = text.rfind("\n") + 1
        done = [s for line in text[:lines_end].split("\n") for s in _sentences(line)]
        tail = _markers_first(text[lines_end:])
        spans = split_sentences(tail)
        # The last sentence may still grow, and the one before it may still get a marker ("…Modi. [").
        ready = len(spans) - 1
        if ready > 0 and tail[spans[-1][0]] == "[" and not MARKER.match(tail[spans[-1][0]:]):
            ready -= 1
        if ready > 0 and _OPEN_MARKER.search(tail):
            ready = min(ready, len(spans) - 2)
        done += [tail[a:b] for a, b in spans[:max(ready, 0)]]
        self._buffer = tail[spans[ready - 1][1]:] if ready > 0 else tail
        return done

    @property
    def pending(self) -> str:
        return self._buffer

    def close(self) -> list[str]:
        text, self._buffer = self._buffer, ""
        return [s for line in text.split("\n") for s in _sentences(line)]


def _markers_first(text: str) -> str:
    """"…Modi. [1]" → "…Modi [1].": the markers belong to the sentence before the full stop."""
    return _MARKERS_AFTER_STOP.sub(lambda m: " " + m.group(2).strip() + m.group(1), text)


def _sentences(line: str) -> list[str]:
    line = _markers_first(line)
    return [s for a, b in split_sentences(line) if (s := line[a:b].strip(" -*•\t")) and MARKER.sub("", s).strip()]


def write(writer: Writer, question: str, passages: Sequence[Passage], encode: Encode) -> Iterator[Draft | Written]:
    """Stream `writer`'s answer, checking each sentence; `WriterUnavailable` from the writer passes through."""
    by_n = {p.n: p for p in passages}
    cutter = SentenceCutter()
    text = ""
    checked: list[tuple[Sentence, dict[int, int]]] = []

    def verdict(sentence: str) -> tuple[Sentence, dict[int, int]]:
        if says_no_answer(sentence):
            return Sentence(sentence, (), False, "the model says the passages do not answer"), {}
        return check(sentence, by_n, encode)

    for piece in writer.stream(question, passages):
        text += piece
        checked += [verdict(s) for s in cutter.feed(piece)]
        yield Draft(text, tuple(s for s, _ in checked), cutter.pending)
    checked += [verdict(s) for s in cutter.close()]
    yield Draft(text, tuple(s for s, _ in checked))
    shown = tuple(s for s, _ in checked if s.supported)
    dropped = tuple(s for s, _ in checked if not s.supported)
    best: dict[int, int] = {}
    for _, matched in checked:
        for n, i in matched.items():
            best.setdefault(n, i)
    fallback = ""
    if not shown:
        if any(says_no_answer(s.text) for s in dropped):
            fallback = "The language model found no answer in the passages."
        elif dropped:
            fallback = (f"None of the language model's {len(dropped)} sentences is supported by the passage it "
                        "cites.")
        else:
            fallback = "The language model wrote nothing."
    yield Written(shown, dropped, best, fallback)
