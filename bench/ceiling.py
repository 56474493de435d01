"""Where SQuAD2's recall@5 and top-sentence misses come from: retrieval variants measured side by side, and
the misses sorted by kind. A measurement of what did *not* help (issue 13), not a fit: nothing is written.

In-sample on all 1,000 answerable SQuAD2 questions (`../shared/eval/squad2/`), with the shipped weights
(`tuned.json` "all"), every passage scored (not only the candidates), document recall@1/5/10:
- fusion: the shipped rule (best sentence cosine + w_mean × whole-passage cosine + w × BM25 / the query's best
  BM25; BM25 over words and word pairs, `lexical.keyword_terms`), BM25 from its top 100
  or exact for every candidate, reciprocal-rank fusion, z-scored fusion, cosine scaled by its best;
- BM25's k1 and b (bm25s Lucene variant; shipped 1.5 / 0.75) under the shipped fusion;
- signals beside the shipped fusion (`_other_signals`): BM25 without word pairs or with them apart, the
  second-best sentence, a passage vector embedded whole, the question without stop words, RM3-like expansion;
- sentence vectors embedded with their previous sentence (instead of the article's title), or without the
  title (instead, max or mean with the shipped titled sentence vector);
then, for the questions answered whose top sentence misses the answer, where the sentence holding it was.

    nice .venv/bin/python -m bench.ceiling
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import bm25s
import numpy as np

from bench.fit import EVAL, Corpus, query_of
from bot.answer.rescore import score_sentences
from bot.answer.tuning import load_tuning
from bot.config import load_settings
from bot.evaluate import contains_answer, load_questions
from bot.faces.eval_cli import corpus_bot
from bot.store.base import Store
from bot.store.folding import passage_for_keywords, sentence_for_matching
from bot.store.lexical import QUESTION_STOP, keyword_terms, tokenize, word_pairs


def recall(score: np.ndarray, gold: np.ndarray, ks: tuple[int, ...] = (1, 5, 10)) -> str:
    """Share of questions whose best gold passage ranks within k (ties count against it)."""
    ranks = np.array([int(np.sum(s > s[g].max())) + 1 for s, g in zip(score, gold, strict=True)])
    return " / ".join(f"{float(np.mean(ranks <= k)):.3f}" for k in ks)


def bm25_matrix(model: bm25s.BM25, queries: list[list[str]], n: int) -> np.ndarray:
    vocab = model.vocab_dict
    out = np.zeros((len(queries), n), dtype=np.float32)
    for i, q in enumerate(queries):
        terms = [t for t in q if t in vocab]
        if terms:
            out[i] = model.get_scores(terms)
    return out


def main() -> None:
    corpus = Corpus("squad", corpus_bot(load_settings(), EVAL / "squad2" / "corpus.jsonl"))
    store, tuning = corpus.store, load_tuning()
    questions = [q for q in load_questions(EVAL / "squad2" / "questions_dev.jsonl") if q.answerable]
    queries = [query_of(q.turns[-1], store) for q in questions]
    vectors = corpus.vectors(queries)
    starts = store.chunk_rows[:-1]
    docs = np.array([c.doc_id for c in store.chunks])
    gold = np.stack([np.isin(docs, q.gold_doc_ids) for q in questions])
    sentence_vectors = np.asarray(store.vectors, dtype=np.float32)
    best = np.maximum.reduceat(vectors @ sentence_vectors.T, starts, axis=1)
    sums = np.add.reduceat(sentence_vectors, starts, axis=0)  # whole-passage (mean-vector) cosine, as `retrieval`
    wm = tuning.w_mean * (vectors @ (sums / np.linalg.norm(sums, axis=1, keepdims=True)).T)

    titles = {d.doc_id: d.title for d in store.documents.values()}
    tokens = [keyword_terms(passage_for_keywords(titles[c.doc_id], c)) for c in store.chunks]
    query_tokens = [keyword_terms(q) for q in queries]
    shipped = bm25s.BM25()
    shipped.index(tokens, show_progress=False)
    bm25 = bm25_matrix(shipped, query_tokens, len(tokens))
    top = np.where(bm25.max(1, keepdims=True) > 0, bm25.max(1, keepdims=True), 1.0)
    rank_bm25 = np.argsort(np.argsort(-bm25, 1), 1)
    top100 = np.where(rank_bm25 < 100, bm25 / top, 0.0)
    w = tuning.w_bm25

    def show(label: str, score: np.ndarray) -> None:
        print(f"  {label:58s} {recall(score, gold)}")
    print(f"document recall@1 / @5 / @10, SQuAD2 answerable (n={len(questions)}), in-sample")
    show(f"shipped: cosine + {tuning.w_mean} × mean + {w} × BM25 (its top 100)", best + wm + w * top100)
    show("BM25 exact for every passage", best + wm + w * bm25 / top)
    rank_dense = np.argsort(np.argsort(-best, 1), 1)
    for k in (10, 60):
        show(f"reciprocal-rank fusion, k={k}", 1 / (k + rank_dense) + 1 / (k + rank_bm25))

    def z(x: np.ndarray) -> np.ndarray:
        return (x - x.mean(1, keepdims=True)) / (x.std(1, keepdims=True) + 1e-9)
    show("z-scored fusion", z(best) + z(bm25))
    show(f"cosine / its best + {w} × BM25", best / best.max(1, keepdims=True) + wm + w * bm25 / top)
    for k1 in (0.9, 1.2, 1.5, 2.0):
        for b in (0.5, 0.75, 0.9):
            model = bm25s.BM25(k1=k1, b=b)
            model.index(tokens, show_progress=False)
            other = bm25_matrix(model, query_tokens, len(tokens))
            top_other = np.where(other.max(1, keepdims=True) > 0, other.max(1, keepdims=True), 1.0)
            show(f"BM25 k1={k1} b={b}: BM25 alone", other)
            show(f"BM25 k1={k1} b={b}: fused", best + wm + w * other / top_other)

    words_only = [tokenize(passage_for_keywords(titles[c.doc_id], c)) for c in store.chunks]
    _other_signals(show, corpus, queries, store, best, wm, w, top100, words_only)

    texts, paired = [], []  # the shipped vectors hold the article's title (`folding.embedded_title`)
    for row, (chunk_id, start, end) in enumerate(store.sentences):
        chunk = store.chunks[int(chunk_id)]
        doc = store.documents[chunk.doc_id]
        texts.append(sentence_for_matching(doc.text, chunk, int(start), int(end)))
        same = row > 0 and store.sentences[row - 1][0] == chunk_id
        paired.append(f"{texts[row - 1]} {texts[row]}" if same else texts[row])
    for label, context in (("with the previous sentence", paired), ("without the article's title", texts)):
        cos = np.maximum.reduceat(vectors @ np.asarray(corpus.bot.embedder.encode(context), dtype=np.float32).T,
                                  starts, axis=1)
        for how, dense in (("instead", cos), ("max with plain", np.maximum(best, cos)),
                           ("mean with plain", (best + cos) / 2)):
            show(f"sentences {label}, {how}", dense + wm + w * bm25 / top)

    kinds: Counter[str] = Counter()
    for q, query in zip(questions, queries, strict=True):
        scored = score_sentences(store, query, corpus.ranking(query, tuning), tuning)

        def holds(i: int, scored: list = scored, q=q) -> bool:  # noqa: ANN001
            _, start, end = (int(x) for x in store.sentences[scored[i].row])
            return contains_answer(store.documents[scored[i].hit.chunk.doc_id].text[start:end], q)
        first = next((i for i in range(len(scored)) if holds(i)), None)
        if first == 0:
            continue
        if first is None:
            kinds["no sentence of the five passages holds it"] += 1
            continue
        right, chosen = scored[first], scored[0]
        if right.hit.chunk_id != chosen.hit.chunk_id:
            kinds["held by a sentence of another passage"] += 1
        elif abs(right.row - chosen.row) == 1:
            kinds["held by the sentence next to it, same passage"] += 1
        else:
            kinds["held by another sentence of the same passage"] += 1
    print(f"top sentence misses the answer ({sum(kinds.values())} of {len(questions)}, abstention not applied):")
    for kind, n in kinds.most_common():
        print(f"  {kind:50s} {n}")


def _other_signals(show: Callable[[str, np.ndarray], None], corpus: Corpus, queries: list[str], store: Store,
                   best: np.ndarray, wm: np.ndarray, w: float, top100: np.ndarray, words_only: list[list[str]]) -> None:
    """Signals tried beside the shipped fusion (README, *Quality*): BM25 without word pairs, or with them in
    an index of their own; the second-best sentence; a passage vector embedded whole; the question without
    its stop words embedded too; BM25's query grown by the top passages' terms (RM3-like)."""
    n = len(words_only)

    def scaled(model_tokens: list[list[str]], query_tokens: list[list[str]], top_k: int = 100) -> np.ndarray:
        model = bm25s.BM25()
        model.index(model_tokens, show_progress=False)
        raw = bm25_matrix(model, query_tokens, n)
        top = np.where(raw.max(1, keepdims=True) > 0, raw.max(1, keepdims=True), 1.0)
        return np.where(np.argsort(np.argsort(-raw, 1), 1) < top_k, raw / top, 0.0)
    query_words = [tokenize(q) for q in queries]
    show(f"BM25 over words only (before word pairs), {w}", best + wm + w * scaled(words_only, query_words))
    pairs = scaled([word_pairs(t) for t in words_only], [word_pairs(t) for t in query_words])
    for mu in (0.05, 0.1, 0.2):
        show(f"words-only BM25 + {mu} × pairs in an index of their own", best + wm + w * scaled(words_only, query_words)
             + mu * pairs)
    vectors = corpus.vectors(queries)
    cosines = vectors @ np.asarray(store.vectors, dtype=np.float32).T
    starts = store.chunk_rows[:-1]
    second = np.stack([np.sort(cosines[:, a:b], axis=1)[:, -2] if b - a > 1 else cosines[:, a]
                       for a, b in zip(starts, store.chunk_rows[1:], strict=True)], axis=1)
    for lam in (0.1, 0.3, 0.5):
        show(f"+ {lam} × second-best sentence", best + lam * second + wm + w * top100)
    whole = np.asarray(corpus.bot.embedder.encode([f"{corpus.titles[c.doc_id]}. {c.text}" for c in store.chunks]),
                       dtype=np.float32)
    for lam in (0.1, 0.2, 0.5):
        show(f"+ {lam} × passage embedded whole", best + lam * (vectors @ whole.T) + wm + w * top100)
    stripped = corpus.vectors([" ".join(tokenize(q, QUESTION_STOP)) or q for q in queries])
    plain = np.maximum.reduceat(stripped @ np.asarray(store.vectors, dtype=np.float32).T, starts, axis=1)
    show("mean with the question's stop words left out, embedded", (best + plain) / 2 + wm + w * top100)
    fused = best + wm + w * top100
    df = Counter(t for doc in words_only for t in set(doc))
    grown = []
    for i, q in enumerate(query_words):  # the five most telling words of the three best passages, not asked
        weight: dict[str, float] = {}
        for c in np.argsort(-fused[i])[:3]:
            for t in words_only[c]:
                weight[t] = weight.get(t, 0.0) + np.log(n / df[t]) / len(words_only[c])
        grown.append([t for t in sorted(weight, key=lambda t: -weight[t]) if t not in q][:5])
    for mu in (0.05, 0.1):
        show(f"+ {mu} × BM25 of five words from the top 3 passages (RM3-like)", fused + mu * scaled(words_only, grown,
                                                                                                   n))


if __name__ == "__main__":
    main()
