"""Measure the bot on a labelled question set: retrieval recall, answers, citations, abstention, latency.

Reads the two formats of `../shared/eval/README.md` (seed-style sets judged by answer strings and
evidence, and corpus + questions sets judged by gold document ids) into `EvalQuestion`s, asks each one,
and reduces the results to the metrics printed by `python -m bot eval`. Metric functions are pure and
tested on tiny hand-made sets; this module does not build indexes (the CLI does, via `Citebot`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.errors import BotError
from bot.types import Answer, Document


@dataclass(frozen=True)
class EvalQuestion:
    qid: str
    turns: tuple[str, ...]  # earlier user messages first; the last one is the question judged
    answerable: bool
    answers_any: tuple[str, ...] = ()
    answers_all: tuple[str, ...] = ()
    evidence_any: tuple[str, ...] = ()
    gold_doc_ids: tuple[str, ...] = ()
    about: tuple[str, ...] = ()  # documents the question was written from (gold, or SQuAD2's context paragraph)


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise BotError(f"Cannot read the question file '{path.name}'; check the path.") from err
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            turns = tuple(row["turns"]) if "turns" in row else (row["question"],)
        except (ValueError, KeyError, TypeError) as err:
            raise BotError(f"{path.name} line {number} is not a question object (see ../shared/eval/README.md).") \
                from err
        answerable = not row.get("unanswerable", False) and row.get("answerable", True)
        questions.append(EvalQuestion(
            qid=str(row.get("id", row.get("qid", number))), turns=turns, answerable=bool(answerable),
            answers_any=tuple(row.get("answers_any", row.get("answers", ()))),
            answers_all=tuple(row.get("answers_all", ())), evidence_any=tuple(row.get("evidence_any", ())),
            gold_doc_ids=tuple(row.get("gold_doc_ids", ())),
            about=tuple(row.get("gold_doc_ids") or ([row["meta"]["context_doc_id"]] if isinstance(
                row.get("meta"), dict) and row["meta"].get("context_doc_id") else []))))
    if not questions:
        raise BotError(f"{path.name} holds no questions.")
    return questions


def load_corpus(path: Path) -> list[Document]:
    """A corpus JSONL (`{doc_id, title, text}` per line) as documents."""
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [Document(doc_id=str(r["doc_id"]), title=str(r.get("title") or r["doc_id"]), text=r["text"],
                         source=str(r["doc_id"])) for r in rows]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise BotError(f"Cannot read the corpus '{path.name}'; each line must be a JSON object with doc_id and "
                       "text.") from err


def assign_folds(questions: Sequence[EvalQuestion], k: int, title_of: Mapping[str, str]) -> list[int]:
    """The fold (0..k-1) of each question, so that questions about the same article never sit on both sides.

    Questions are grouped by the titles of the documents they were written from (`title_of`: doc id →
    title; SQuAD2's paragraphs of one article share a title, HotpotQA's titles are its doc ids), joined
    when they share any title; a question about no document (the seed set, all about one article) is its
    own group. Groups go, largest first, to the fold holding fewest questions so far: deterministic and
    about even. Every fit and every held-out report uses this one function."""
    if k < 2:
        raise ValueError(f"folds must be at least 2, got {k}")
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keys = []
    for q in questions:
        names = [f"title:{title_of.get(d, d)}" for d in q.about] or [f"question:{q.qid}"]
        for other in names[1:]:
            parent[root(other)] = root(names[0])
        keys.append(names[0])
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(root(key), []).append(i)
    sizes = [0] * k
    fold = [0] * len(questions)
    for _, members in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
        target = sizes.index(min(sizes))
        sizes[target] += len(members)
        for i in members:
            fold[i] = target
    return fold


def contains_answer(text: str, q: EvalQuestion) -> bool:
    low = text.lower()
    if q.answers_all and not all(a.lower() in low for a in q.answers_all):
        return False
    return not q.answers_any or any(a.lower() in low for a in q.answers_any)


def is_relevant(doc_id: str, passage: str, q: EvalQuestion) -> bool:
    """A retrieved passage counts when it is from a gold document, or (without gold ids) holds the evidence."""
    if q.gold_doc_ids:
        return doc_id in q.gold_doc_ids
    return any(e in passage for e in q.evidence_any)


@dataclass(frozen=True)
class Outcome:
    """What happened to one question, reduced to the facts the metrics need."""

    answerable: bool
    ranked_relevant: tuple[bool, ...]  # per retrieved document (deduplicated), best first
    gold_found_at: tuple[int, ...]  # per gold doc, its 1-based document rank (0 = not retrieved)
    abstained: bool
    answer_correct: bool
    top_sentence_correct: bool
    citations_supported: tuple[bool, ...]
    evidence_cited: bool
    ms: float
    confidence: float
    labelled: bool = True  # the question names its gold documents or evidence, so retrieval can be judged


def judge(q: EvalQuestion, answer: Answer) -> Outcome:
    docs: list[str] = []
    relevant: list[bool] = []
    for hit in answer.retrieved:
        if not q.gold_doc_ids:  # passage-level relevance: every passage counts
            docs.append(f"{hit.chunk.doc_id}:{hit.chunk.start}")
            relevant.append(is_relevant(hit.chunk.doc_id, hit.chunk.text, q))
        elif hit.chunk.doc_id not in docs:
            docs.append(hit.chunk.doc_id)
            relevant.append(hit.chunk.doc_id in q.gold_doc_ids)
    gold_at = tuple(docs.index(g) + 1 if g in docs else 0 for g in q.gold_doc_ids)
    cites = answer.citations
    return Outcome(
        answerable=q.answerable, ranked_relevant=tuple(relevant), gold_found_at=gold_at,
        abstained=answer.abstained,
        answer_correct=not answer.abstained and contains_answer(answer.text, q),
        top_sentence_correct=bool(cites) and contains_answer(cites[0].sentence, q),
        citations_supported=tuple(contains_answer(c.chunk.text, q) or is_relevant(c.doc_id, c.chunk.text, q)
                                  for c in cites),
        evidence_cited=any(e in c.chunk.text for c in cites for e in q.evidence_any),
        ms=answer.timings_ms.get("total", 0.0), confidence=answer.confidence,
        labelled=bool(q.gold_doc_ids or q.evidence_any))


def recall_at(outcomes: Sequence[Outcome], k: int) -> float:
    """Share of labelled answerable questions with a relevant document among the first `k` (NaN without any:
    a question that names no gold document or evidence cannot be a retrieval miss)."""
    return _mean([any(o.ranked_relevant[:k]) for o in _retrieval_judged(outcomes)])


def complete_at(outcomes: Sequence[Outcome], k: int) -> float:
    """Share of answerable questions with *every* gold document among the first `k` (multi-hop sets)."""
    rows = [o for o in outcomes if o.answerable and o.gold_found_at]
    return _mean([all(0 < r <= k for r in o.gold_found_at) for o in rows])


def mrr(outcomes: Sequence[Outcome]) -> float:
    """Mean reciprocal rank of the first relevant document, over labelled answerable questions (as `recall_at`)."""
    return _mean([next((1.0 / (i + 1) for i, rel in enumerate(o.ranked_relevant) if rel), 0.0)
                  for o in _retrieval_judged(outcomes)])


def _retrieval_judged(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.answerable and o.labelled]


def summarize(outcomes: Sequence[Outcome], ks: Iterable[int]) -> dict[str, float]:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    answered = [o for o in answerable if not o.abstained]
    cites = [c for o in answered for c in o.citations_supported]
    ms = np.array([o.ms for o in outcomes]) if outcomes else np.zeros(1)
    out: dict[str, float] = {"questions": len(outcomes), "answerable": len(answerable),
                             "labelled": len(_retrieval_judged(outcomes))}
    for k in ks:
        out[f"recall@{k}"] = recall_at(outcomes, k)
        if any(o.gold_found_at and len(o.gold_found_at) > 1 for o in answerable):
            out[f"all_gold@{k}"] = complete_at(outcomes, k)
    out.update({
        "mrr": mrr(outcomes),
        "answer_contains_gold": _mean([o.answer_correct for o in answerable]),
        "top_sentence_contains_gold": _mean([o.top_sentence_correct for o in answerable]),
        "answered_when_answerable": _mean([not o.abstained for o in answerable]),
        "abstained_when_unanswerable": _mean([o.abstained for o in unanswerable]) if unanswerable else float("nan"),
        "citation_precision": _mean(cites) if cites else float("nan"),
        "p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
    })
    return out


def run(questions: Sequence[EvalQuestion], ask: Callable[[str, Sequence[str]], Answer],
        progress: Callable[[int], None] | None = None) -> list[Outcome]:
    outcomes = []
    for q in questions:
        outcomes.append(judge(q, ask(q.turns[-1], q.turns[:-1])))
        if progress:
            progress(1)
    return outcomes


def _mean(values: Sequence[bool] | Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else float("nan")
