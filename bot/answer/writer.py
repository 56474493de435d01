"""What a language-model answer writer is: the `Writer` protocol, and the numbered `Passage`s it is given.

A writer takes the question and the passages retrieval chose, numbered `[1]..[n]`, and streams the text of an
answer whose sentences end with the `[n]` they rest on. It promises nothing about faithfulness: every sentence
it writes is checked by `verify` before anyone sees it as an answer (`written` does that). The extractive
answer (`compose`) is not a `Writer`: it quotes the documents, stays the default, and is the fallback when a
writer is down, slow or unsupported. Implementations: `llm_writer.ChatWriter` (any OpenAI-compatible chat
endpoint) and the scripted writers in the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from bot.ingest.chunking import split_sentences
from bot.store.base import Store
from bot.types import Hit


@dataclass(frozen=True)
class Passage:
    """Passage `[n]` as the writer and the verifier see it: its text, its sentences and their vectors."""

    n: int
    title: str
    text: str
    spans: tuple[tuple[int, int], ...]  # its sentences, as absolute offsets into the document
    vectors: np.ndarray = field(compare=False, repr=False)  # (len(spans), dim), unit length
    hit: Hit | None = None  # where retrieval found it (None for passages made from plain text)
    offset: int = 0  # absolute offset of `text[0]`

    def sentence(self, i: int) -> str:
        start, end = self.spans[i]
        return self.text[start - self.offset:end - self.offset]


class Writer(Protocol):
    """Streams an answer to `question` from `passages`, as text pieces; raises `WriterUnavailable` when the
    model cannot be reached or fails, so the caller can fall back."""

    name: str

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str]: ...


def passages_from_store(store: Store, hits: Sequence[Hit]) -> tuple[Passage, ...]:
    """The hits as passages `[1]..[n]`, in the given order, with their stored sentence vectors."""
    out = []
    for n, hit in enumerate(hits, 1):
        rows = store.sentence_rows(hit.chunk_id)
        spans = tuple((int(store.sentences[r][1]), int(store.sentences[r][2])) for r in rows)
        title = store.documents[hit.chunk.doc_id].title
        out.append(Passage(n, title, hit.chunk.text, spans, np.asarray(store.vectors[rows.start:rows.stop]),
                           hit, hit.chunk.start))
    return tuple(out)


def passage_from_text(n: int, text: str, vectors_of: Callable[[list[str]], np.ndarray], title: str = "") -> Passage:
    """A passage made from plain text (tests, benches): sentences split as the index splits them and embedded
    with `vectors_of(list_of_texts) -> (k, dim)` (an `Embedder.encode`)."""
    spans = tuple(split_sentences(text))
    vectors = np.asarray(vectors_of([text[a:b] for a, b in spans]), dtype=np.float32)
    return Passage(n, title, text, spans, vectors)
