"""The fusion and abstention rules, on hand-made inputs with worked-out answers."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.answer import abstention as abstention
from bot.answer.retrieval import rank
from bot.answer.tuning import TUNED_FILE
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.store.indexer import build
from bot.types import Chunk, Document, Hit


def test_confidence_is_one_half_exactly_at_the_fitted_threshold() -> None:
    rule = json.loads(TUNED_FILE.read_text())["all"]
    w, lam, t = rule["abstain_weights"], rule["baseline_weight"], rule["threshold"]
    baseline = (0.1, 0.05, 0.05, 0.2, 0.3)
    # choose a sentence cosine that puts the score exactly on the threshold
    cos = t + lam * sum(wi * bi for wi, bi in zip(w, baseline, strict=True)) - w[1] * 0.5 - w[2] * 0.5 - w[3] - w[4]
    assert abstention.confidence((cos, 0.5, 0.5, 1.0, 1.0), baseline) == pytest.approx(0.5)
    assert abstention.confidence((cos + 0.05, 0.5, 0.5, 1.0, 1.0), baseline) > 0.5 > abstention.confidence(
        (cos - 0.05, 0.5, 0.5, 1.0, 1.0), baseline)


def test_a_library_where_everything_scores_high_needs_more_evidence() -> None:
    signals = (0.6, 0.5, 0.5, 1.0, 1.0)
    assert abstention.confidence(signals, (0.1, 0.0, 0.0, 0.0, 0.0)) > abstention.confidence(
        signals, (0.5, 0.5, 0.5, 0.5, 0.5))


def test_the_retrievers_agree_when_the_closest_passage_and_bm25s_best_share_a_document() -> None:
    def hit(chunk_id: int, doc_id: str, dense: float, lexical: float) -> Hit:
        chunk = Chunk(doc_id=doc_id, start=0, end=4, text="text", kind="paragraph", section="", ordinal=chunk_id + 1,
                      sentences=((0, 4),))
        return Hit(chunk_id=chunk_id, chunk=chunk, score=0.0, dense=dense, lexical=lexical, rank=chunk_id + 1)

    assert abstention.retrievers_agree([hit(0, "a", 0.4, 3.0), hit(1, "b", 0.7, 9.0), hit(2, "c", 0.5, 0.0)]) == 1.0
    assert abstention.retrievers_agree([hit(0, "a", 0.8, 3.0), hit(1, "b", 0.7, 9.0)]) == 0.0  # each its own
    # two passages of one document: dense search's pick and BM25's agree on the document
    assert abstention.retrievers_agree([hit(0, "a", 0.8, 3.0), hit(1, "a", 0.7, 9.0)]) == 1.0
    assert abstention.retrievers_agree([hit(0, "a", 0.8, 0.0), hit(1, "a", 0.7, 0.0)]) == 0.0  # BM25 found nothing
    # only the first five passages count: a sixth with the best BM25 score changes nothing
    head = [hit(i, f"d{i}", 0.9 - i / 10, 5.0 - i) for i in range(5)]
    assert abstention.retrievers_agree([*head, hit(5, "d5", 0.95, 99.0)]) == 1.0
    assert abstention.retrievers_agree(()) == 0.0


def store_of(texts: dict[str, str]):
    docs = [Document(doc_id, doc_id, text) for doc_id, text in texts.items()]
    return build(docs, FakeEmbedder(), Settings())[0]


def order(store, query: str, mode: str) -> list[str]:
    vector = FakeEmbedder().encode([query])[0]
    return [h.chunk.doc_id for h in rank(store, query, vector, 10, 200, mode).hits]


def test_hybrid_ranks_the_passage_both_signals_agree_on_first() -> None:
    store = store_of({"a": "Otters hold hands while they sleep.", "b": "Sea otters float in kelp forests.",
                      "c": "Kelp grows quickly in cold water."})
    assert order(store, "Why do otters hold hands?", "hybrid")[0] == "a"
    assert set(order(store, "kelp", "bm25")) == {"b", "c"}  # BM25 alone only sees shared words


def test_a_document_named_in_the_top_passage_is_brought_in() -> None:
    texts = {
        "Kiss and Tell": "Kiss and Tell is a 1945 film starring Shirley Temple as Corliss Archer.",
        "Shirley Temple": "Shirley Temple. She later served as Chief of Protocol of the United States.",
    }
    texts.update({f"Other {n}": f"Another film {n} starred someone; the film was a film." for n in range(5)})
    store = store_of(texts)
    plain = order(store, "Which film starred Corliss Archer", "dense")
    assert plain.index("Shirley Temple") > 3  # nothing in the question points at her page...
    ranked = order(store, "Which film starred Corliss Archer", "hybrid")
    assert ranked[0] == "Kiss and Tell" and ranked[3] == "Shirley Temple"  # ...but the top passage names it


def test_an_unknown_mode_is_refused() -> None:
    store = store_of({"a": "Some text here."})
    with pytest.raises(ValueError, match="mode must be hybrid, dense or bm25, got 'sparse'"):
        rank(store, "q", FakeEmbedder().encode(["q"])[0], 5, 10, "sparse")


def test_a_short_question_fully_covered_is_weaker_evidence_than_a_long_one() -> None:
    # "How do I meditate?" (one term, found) against six terms, all found, with the fitted prior of 16
    assert abstention.shrunk_coverage(1.0, 1, 16.0) == pytest.approx(1 / 17)
    assert abstention.shrunk_coverage(1.0, 6, 16.0) == pytest.approx(6 / 22)
    assert abstention.shrunk_coverage(0.5, 4, 0.0) == 0.5  # no prior: the share itself
    assert abstention.shrunk_coverage(0.0, 0, 0.0) == 0.0  # a question of stop words only


def test_the_fit_shrinks_passage_coverage_exactly_as_the_bot_does() -> None:
    import numpy as np

    from bench.fit import ABSTAIN_KEYS, shrunk

    rows = np.array([[0.6, 0.5, 1.0, 1.0, 1.0, 1.0], [0.4, 0.2, 0.5, 0.0, 0.0, 6.0], [0.3, 0.0, 0.0, 0.0, 0.0, 0.0]])
    out = shrunk(rows, 16.0)
    column = ABSTAIN_KEYS.index("pcov")
    assert out.shape == (3, len(ABSTAIN_KEYS))
    assert list(out[:, column]) == pytest.approx([abstention.shrunk_coverage(r[column], int(r[-1]), 16.0)
                                                  for r in rows])
    assert np.array_equal(np.delete(out, column, axis=1), np.delete(rows[:, :-1], column, axis=1))


def test_the_fit_cache_is_keyed_by_the_questions_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bench.fit as fit
    from bot.evaluate import EvalQuestion

    monkeypatch.setattr(fit, "CACHE", tmp_path)
    asked = [EvalQuestion("oos0", ("How far is the Moon?",), False)]
    edited = [EvalQuestion("oos0", ("How far is the Sun?",), False)]
    computed = []

    def compute(value: int) -> Callable[[], list[int]]:
        return lambda: computed.append(value) or [value]

    assert fit.cached("rows", "key", asked, compute(1)) == [1]
    assert fit.cached("rows", "key", asked, compute(2)) == [1]  # read back, not recomputed
    assert fit.cached("rows", "key", edited, compute(3)) == [3]  # same id and count, new text: recomputed
    assert computed == [1, 3]
