"""The bot as one object: settings, the embedder and the index in; `Answer`s out.

`Citebot.open` loads or (re)builds the index for the documents folder; `Citebot.ask` runs
question → normalise → embed → rank → re-score sentences → abstain or compose, timing each stage.
Both faces (CLI and UI) and the evaluator talk to this class only; it holds no presentation.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from bot.abstention import confidence
from bot.answer import NOT_FOUND, compose, score_sentences
from bot.config import Settings
from bot.conversation import retrieval_query
from bot.documents import Skipped, read_folder
from bot.embedding import Embedder, make_embedder
from bot.indexer import BuildReport, StageProgress, ensure_index
from bot.question import normalize_question
from bot.retrieval import rank
from bot.store import Store
from bot.types import Answer, Document


class Citebot:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: Store | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.model, settings.backend, settings.index_dir / "onnx")
        self.store = store
        self.skipped: list[Skipped] = []

    def open(self, progress: StageProgress | None = None, documents: Sequence[Document] | None = None,
             force: bool = False) -> BuildReport:
        """Make the index match the documents folder (or the given documents); says what it did."""
        if documents is None:
            documents, self.skipped = read_folder(self.settings.docs_dir)
        self.store, report = ensure_index(documents, self.embedder, self.settings, progress, force)
        return report

    def ask(self, question: object, history: Sequence[str] = (), mode: str = "hybrid") -> Answer:
        """Answer `question`; `history` holds the user's earlier messages in this conversation, oldest first."""
        if self.store is None:
            self.open()
        assert self.store is not None
        clock = _Clock()
        text = normalize_question(question, self.settings.max_question_chars)
        query = retrieval_query(text, history, self.settings.max_question_chars)
        vector = self.embedder.encode([query])[0]
        clock.lap("embed")
        ranking = rank(self.store, query, vector, max(self.settings.top_k, 5), self.settings.dense_k, mode)
        clock.lap("retrieve")
        scored = score_sentences(self.store, query, ranking)
        clock.lap("rescore")
        best = scored[0] if scored else None
        conf = confidence(best.dense, best.coverage, best.hit.dense) if best else 0.0
        if best is None or conf < self.settings.min_confidence:
            answer_text, citations = NOT_FOUND, ()
        else:
            answer_text, citations = compose(self.store, scored, self.settings.answer_sentences)
        clock.lap("compose")
        return Answer(question=text, text=answer_text, abstained=not citations, confidence=round(conf, 4),
                      citations=citations, retrieved=ranking.hits[:self.settings.top_k], query=query,
                      timings_ms=clock.laps)


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._start = self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round((now - self._last) * 1000, 2)
        self.laps["total"] = round((now - self._start) * 1000, 2)
        self._last = now
