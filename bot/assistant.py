"""The bot as one object: settings, the embedder and the index in; `Answer`s out.

`Citebot.open` loads or (re)builds the index for the documents folder; `Citebot.ask` runs
question → normalise → resolve follow-ups → embed → rank → re-score sentences → abstain or compose, timing
each stage. With the language-model writer switched on (`llm`), a confident question's passages go to the
model instead and `Citebot.stream` yields `Draft`s as its checked sentences arrive (`answer.llm_answer`);
abstention still comes first (the model is not asked), and a model that is down, slow or unsupported by its
passages gives the extractive answer with a note saying so. An earlier turn given as plain text (the
evaluator, the `/chat` API) has its evidence recalled by answering it again, from a small cache, so every face
resolves follow-ups alike. Both faces (CLI and UI) and the evaluator talk to this class only; it holds no
presentation.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.answer.abstention import Signals, confidence, null_means, null_questions, retrievers_agree, shrunk_coverage
from bot.answer.compose import NOT_FOUND, antecedent, compose
from bot.answer.conversation import Turn, resolve, turn_of
from bot.answer.llm_answer import llm_answer
from bot.answer.question import normalize_question
from bot.answer.rescore import Scored, by_best_sentence, coverage, question_terms, rescore
from bot.answer.retrieval import Ranking, rank
from bot.answer.tuning import Tuning, load_tuning
from bot.answer.typos import correct
from bot.answer.writer import Writer
from bot.config import Settings
from bot.embed.base import Embedder
from bot.embed.choose import make_embedder
from bot.errors import BotError, IndexError_, QuestionError
from bot.ingest.folder import Skipped
from bot.store.base import Store
from bot.store.folding import fold, passage_for_matching
from bot.store.following import Follower
from bot.store.indexer import BuildReport, StageProgress, ensure_index
from bot.store.sync import SyncPlan, check_folder, sync_folder
from bot.types import Answer, Document, Draft, Sentence

History = Sequence[Turn | str]  # earlier turns, oldest first; plain text when their answers are not at hand
MAX_TURNS = 6  # earlier turns considered; a follow-up reaches back at most `conversation.MAX_CHAIN` of them
RECALL_CACHE = 512
_QUOTED = re.compile(r".+?\[\d+\]\)?(?=\s|$)")  # one sentence of an extractive answer, its marker included
NO_LLM = ("The language-model writer needs BOT_LLM_URL, an OpenAI-compatible endpoint such as "
          "http://127.0.0.1:8080/v1 (llama.cpp) or http://127.0.0.1:11434/v1 (Ollama); set it, or leave --llm off.")


class Citebot:
    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: Store | None = None,
                 tuning: Tuning | None = None, writer: Writer | None = None) -> None:
        self.settings = settings
        self.tuning = tuning or load_tuning()  # fitted weights; `bot eval --folds` swaps in a fold's
        self.writer = writer  # the language-model writer; made from the settings when first needed
        if settings.llm and writer is None and not settings.llm_url:
            raise BotError(NO_LLM)
        self._given, self._embedder = embedder, None  # made on first use: see `embedder`
        self.store = store
        self.skipped: list[Skipped] = []
        self.plan: SyncPlan | None = None  # what the last folder sync found changed
        self.notices: list[str] = []  # lines the last sync wants shown (following another folder)
        self.held = ""  # why the last sync kept the index instead of following the folder ("" when it did not)
        self._recalled: OrderedDict[tuple[str, tuple[Turn, ...], str], Turn] = OrderedDict()
        self._lock = threading.Lock()
        self._follower: Follower | None = None  # set by `open`: a store handed in is the caller's to replace

    @property
    def embedder(self) -> Embedder:
        """The embedder given, or the one the settings name, made when first needed: loading a model takes a
        second or more (a first ONNX export many), so `open` can say first that the folder is missing."""
        if self._embedder is None:
            s = self.settings
            embedder = self._given or make_embedder(s.model, s.backend, s.onnx_cache)
            if s.ray_address:
                from bot.store.ray_embed import RayEmbedder  # only when asked: the default never imports ray
                embedder = RayEmbedder(embedder, s)
            self._embedder = embedder
        return self._embedder

    def open(self, progress: StageProgress | None = None, documents: Sequence[Document] | None = None,
             force: bool = False) -> BuildReport:
        """Make the index match the documents folder (or the given documents); says what it did.

        A folder sync reads only new and changed files; `skipped` and `plan` say what it found. A folder
        that is missing, or that would empty the index, keeps the index: the report's action is "kept"."""
        if documents is not None:
            self.store, report = ensure_index(documents, self.embedder, self.settings, progress, force)
        else:
            check_folder(self.settings)  # a mistyped --docs is said before the model loads (or is first exported)
            result = sync_folder(self.settings, self.embedder, progress, force)
            self.store, self.skipped, self.plan = result.store, list(result.skipped), result.plan
            self.notices = list(result.notices)
            report = result.report
        self.held = report.reason if report.action == "kept" else ""
        self._follower = Follower(self.settings)  # another process's later builds are picked up (`following`)
        with self._lock:
            self._recalled.clear()  # recalled answers came from the previous index
        return report

    def current_store(self) -> Store:
        """The index the next answer uses: opened if needed, a newer live build loaded first (`following`)."""
        if self.store is None:
            self.open()
        self._follow()
        assert self.store is not None
        return self.store

    def turns(self, history: History, mode: str = "hybrid") -> tuple[Turn, ...]:
        """The last `MAX_TURNS` of `history` as `Turn`s; a plain-text turn is answered again (cached) for its
        evidence. An earlier message that is not a question (empty, too long) carries no context."""
        turns: list[Turn] = []
        for item in list(history)[-MAX_TURNS:]:
            if isinstance(item, Turn):
                turns.append(item)
                continue
            try:
                text = normalize_question(item, self.settings.max_question_chars)
            except QuestionError:
                continue
            key = (text, tuple(turns), mode)
            with self._lock:
                known = self._recalled.get(key)
            turns.append(known or turn_of(self.ask(text, turns, mode)))  # `ask` caches it
        return tuple(turns)

    def evidence(self, question: object, history: History = (), mode: str = "hybrid",
                 clock: _Clock | None = None, store: Store | None = None) -> Evidence:
        """Everything an answer is decided from: the query used, ranked passages, re-scored sentences."""
        store = store if store is not None else self.current_store()  # taken once: an upload may swap it meanwhile
        clock = clock or _Clock()
        text = normalize_question(question, self.settings.max_question_chars)
        turns = self.turns(history, mode)
        if history:
            clock.lap("context")  # recalling earlier turns' evidence, when they came as plain text
        resolved = resolve(text, turns, self.settings.max_question_chars)
        query, focus = correct(store, resolved.query), correct(store, resolved.focus)  # misspelt words
        vector = self.embedder.encode([fold(query)])[0]
        clock.lap("embed")
        ranking = rank(store, query, vector, max(self.settings.top_k, 5), self.settings.dense_k, mode, self.tuning)
        clock.lap("retrieve")
        rescored = rescore(store, focus, ranking, self.tuning)
        scored = rescored.sentences
        ranking = by_best_sentence(ranking, scored)
        clock.lap("rescore")
        best = scored[0] if scored else None
        features = None
        if best:
            terms = question_terms(focus)
            passage = shrunk_coverage(coverage(store.lexical, terms, passage_for_matching(best.hit.chunk)),
                                      len(set(terms)), self.tuning.coverage_prior)
            dense = best.dense
            if best.score < max(s.score for s in scored):  # a narrow question's lead (`rescore.NARROW_LEAD`) is
                before = antecedent(store, scored, best)  # judged with the sentence it is shown after, as its
                dense = max(dense, before.dense) if before else dense  # coverage is ("It costs £29.99.")
            features = (dense, best.coverage, passage, float(best.kind), retrievers_agree(ranking.hits))
        return Evidence(store, text, query, ranking, scored, features, turns, focus, rescored.why)

    def _follow(self) -> None:
        """Answer from the version another process's build made live, once `Follower` sees it."""
        if self._follower is None or self.store is None:
            return
        newer = self._follower.newer(self.store)
        if newer is not None:
            self.store = newer
            with self._lock:
                self._recalled.clear()
        if self.store.manifest.get("model") != self.embedder.name:  # rebuilt with another model meanwhile
            raise IndexError_(f"The index was rebuilt with the model {self.store.manifest.get('model')} since this bot "
                              f"opened it with {self.embedder.name}; restart it with BOT_MODEL set to that model.")

    def use_tuning(self, tuning: Tuning) -> None:
        """Answer with other fitted weights from now on (the evaluator's held-out folds)."""
        self.tuning = tuning
        if self.store is not None:
            self.store.baseline = None  # it depends on the weights
        with self._lock:
            self._recalled.clear()

    def baseline(self, store: Store) -> Signals:
        """What unrelated questions score in `store` (see `abstention`); computed once per index."""
        if store.baseline is None:  # a race computes it twice, to the same value
            evidence = (self.evidence(q, store=store) for q in null_questions())
            store.baseline = null_means([ev.features for ev in evidence if ev.features])
        return store.baseline

    def ask(self, question: object, history: History = (), mode: str = "hybrid", llm: bool | None = None) -> Answer:
        """Answer `question`; `history` holds the earlier turns of this conversation, oldest first; `llm` (default
        `Settings.llm`) has the language model write it."""
        answer = None
        for answer in self.stream(question, history, mode, llm):  # noqa: B007 (the last item is the answer)
            pass
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: object, history: History = (), mode: str = "hybrid",
               llm: bool | None = None) -> Iterator[Draft | Answer]:
        """`ask`, as it happens: `Draft`s while the language model writes, then the `Answer`."""
        use_llm = self.settings.llm if llm is None else llm
        writer = self.llm_writer() if use_llm else None
        clock = _Clock()
        ev = self.evidence(question, history, mode, clock)
        text, query, ranking, scored = ev.question, ev.query, ev.ranking, ev.scored
        conf = confidence(ev.features, self.baseline(ev.store), self.tuning) if ev.features else 0.0
        if not scored or conf < self.settings.min_confidence:
            answer_text, citations = NOT_FOUND, ()
        else:
            answer_text, citations = compose(ev.store, scored, self.settings.answer_sentences)
        clock.lap("compose")
        answer = Answer(question=text, text=answer_text, abstained=not citations, confidence=round(conf, 4),
                        citations=citations, retrieved=ranking.hits[:self.settings.top_k], query=query,
                        timings_ms=clock.laps, sentences=_quoted(answer_text) if citations else (),
                        note=ev.why)
        if writer is not None and citations:  # abstention comes first: the model is not asked
            answer = yield from llm_answer(writer, ev.store, ev.question, ev.scored, self.settings.llm_passages,
                                           self.embedder.encode, answer, clock)
        self._remember((text, ev.turns, mode), turn_of(answer))
        yield answer

    def llm_writer(self) -> Writer:
        if self.writer is None:
            if not self.settings.llm_url:
                raise BotError(NO_LLM)
            from bot.answer.llm_writer import ChatWriter  # the HTTP client loads only when the writer is used

            self.writer = ChatWriter.from_settings(self.settings)
        return self.writer

    def _remember(self, key: tuple[str, tuple[Turn, ...], str], turn: Turn) -> None:
        with self._lock:
            self._recalled[key] = turn
            self._recalled.move_to_end(key)
            while len(self._recalled) > RECALL_CACHE:
                self._recalled.popitem(last=False)


@dataclass(frozen=True)
class Evidence:
    store: Store  # the index the evidence came from, so the answer is composed from the same one
    question: str  # normalised
    query: str
    ranking: Ranking
    scored: list[Scored]
    features: Signals | None  # the abstention model's inputs (see `abstention`)
    turns: tuple[Turn, ...] = ()  # the earlier turns the query was resolved against
    focus: str = ""  # what the answer's sentences were scored against (`conversation.resolve`)
    why: str = ""  # why no sentence could answer, when the documents cannot say (`rescore.Rescored`)


def _quoted(text: str) -> tuple[Sentence, ...]:
    """An extractive answer's sentences: the documents' own words, nothing to verify."""
    return tuple(Sentence(s.strip(), tuple(int(n) for n in re.findall(r"\[(\d+)\]", s)), True)
                 for s in _QUOTED.findall(text))


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self.start = self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round((now - self._last) * 1000, 2)
        self.laps["total"] = round((now - self.start) * 1000, 2)
        self._last = now
