"""Would a learned sentence re-scorer beat the fitted rule? (issue 13, item 6: ship one only if it wins on
held-out folds by a clear margin.)

The rule (`rescore.rescore`): cosine + w_coverage·coverage + w_passage·passage + w_type·kind, its
three weights chosen by grid on the training folds, as `bench/fit.py` does. The learned re-scorers see
those four signals and twelve more of every re-scored sentence (its passage's coverage and rank, its
position in the passage, its length and share of words the question lacks, its neighbours' coverage and
cosine, question bigrams it holds, digits, capitalised words) and are fitted on the same training folds:
  - pairwise logistic regression (gold sentence minus another sentence of the same question);
  - listwise: a conditional logit (softmax over one question's sentences, L2-regularised);
  - gradient-boosted trees (sklearn's HistGradientBoostingClassifier), pointwise.
Reported: the share of held-out questions whose top sentence holds the answer (SQuAD2 answerable questions,
folds by article; the seed article's dev + extra questions, folds question by question), with each
question ranked by the shipped fusion weights. Features are cached under bench/results/rescorer/.

    nice .venv/bin/python -m bench.rescorer [--folds 5]
"""

from __future__ import annotations

import argparse
import itertools
import json

import numpy as np
from scipy.optimize import minimize
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from bench.fit import COV_GRID, EVAL, PASSAGE_GRID, ROOT, TYPE_GRID, Corpus, query_of
from bot.answer.rescore import coverage, score_sentences
from bot.answer.tuning import load_tuning
from bot.config import load_settings
from bot.evaluate import EvalQuestion, assign_folds, contains_answer, load_questions
from bot.faces.eval_cli import corpus_bot
from bot.store.lexical import tokenize

CACHE = ROOT / "bench" / "results" / "rescorer"
RULE = ("dense", "cov", "passage", "kind")
LEARNED = (*RULE, "pcov", "inv_rank", "first", "relative_position", "log_tokens", "novel_share", "prev_cov",
           "next_cov", "prev_dense", "next_dense", "bigrams", "digits", "capitals")


def sentence_features(corpus: Corpus, q: EvalQuestion) -> tuple[np.ndarray, np.ndarray]:
    """(sentences, len(LEARNED)) features and (sentences,) "holds the answer" of one question."""
    store = corpus.store
    query = query_of(q.turns[-1], store)
    ranking = corpus.ranking(query, load_tuning())
    scored = score_sentences(store, query, ranking, load_tuning())
    terms = tokenize(query)
    bigrams = set(itertools.pairwise(terms))
    rank_of = {h.chunk_id: i for i, h in enumerate(ranking.hits)}
    by_row = {s.row: s for s in scored}
    rows, gold = [], []
    for s in scored:
        _, start, end = (int(x) for x in store.sentences[s.row])
        text = store.documents[s.hit.chunk.doc_id].text[start:end]
        tokens = tokenize(text)
        siblings = [int(r) for r in store.sentence_rows(s.hit.chunk_id)]
        pos = siblings.index(s.row)
        prev = by_row.get(siblings[pos - 1]) if pos else None
        nxt = by_row.get(siblings[pos + 1]) if pos + 1 < len(siblings) else None
        words = text.split()
        rows.append([s.dense, s.coverage, s.passage, float(s.kind),
                     coverage(store.lexical, terms, s.hit.chunk.text), 1 / (1 + rank_of.get(s.hit.chunk_id, 9)),
                     float(pos == 0), pos / len(siblings), np.log1p(len(tokens)),
                     sum(t not in terms for t in tokens) / max(1, len(tokens)),
                     prev.coverage if prev else 0.0, nxt.coverage if nxt else 0.0,
                     prev.dense if prev else 0.0, nxt.dense if nxt else 0.0,
                     len(bigrams & set(itertools.pairwise(tokens))) / len(bigrams) if bigrams else 0.0,
                     float(any(c.isdigit() for c in text)), sum(w[:1].isupper() for w in words) / max(1, len(words))])
        gold.append(contains_answer(text, q))
    return np.array(rows, dtype=np.float64).reshape(-1, len(LEARNED)), np.array(gold, dtype=bool)


def load_set(name: str, corpus: Corpus, questions: list[EvalQuestion], folds: list[int]) -> list[dict]:
    path = CACHE / f"{name}-{corpus.bot.embedder.name.replace('/', '_')}.json"
    if not path.is_file():
        out = []
        for q, f in zip(questions, folds, strict=True):
            if q.answerable and (q.answers_any or q.answers_all):
                x, g = sentence_features(corpus, q)
                out.append({"fold": f, "x": x.tolist(), "gold": g.tolist()})
        CACHE.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".tmp").write_text(json.dumps(out))
        path.with_suffix(".tmp").replace(path)
    return [{"fold": d["fold"], "x": np.array(d["x"]).reshape(-1, len(LEARNED)), "gold": np.array(d["gold"], bool)}
            for d in json.loads(path.read_text())]


def rule_weights(train: list[dict]) -> np.ndarray:
    """The grid `bench/fit.py` searches: the weights whose top sentence holds the answer most often."""
    best, best_value = None, -1.0
    for w in itertools.product(COV_GRID, PASSAGE_GRID, TYPE_GRID):
        v = np.array([1.0, *w, *[0.0] * (len(LEARNED) - 4)])
        value = top_share(train, lambda x, v=v: x @ v)
        if value > best_value + 1e-9:
            best, best_value = v, value
    assert best is not None
    return best


def top_share(data: list[dict], score) -> float:  # noqa: ANN001
    return float(np.mean([d["gold"][int(np.argmax(score(d["x"])))] if len(d["x"]) else False for d in data]))


def pairwise(train: list[dict]) -> np.ndarray:
    diffs = [d["x"][i] - d["x"][j] for d in train for i in np.flatnonzero(d["gold"])
             for j in np.flatnonzero(~d["gold"])]
    x = np.array(diffs)
    scale = x.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=2000).fit(
        np.vstack([x, -x]) / scale, np.r_[np.ones(len(x)), np.zeros(len(x))])
    return model.coef_[0] / scale


def listwise(train: list[dict], l2: float = 1.0) -> np.ndarray:
    useful = [d for d in train if d["gold"].any() and (~d["gold"]).any()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for d in useful:
            s = d["x"] @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            held = p[d["gold"]].sum()
            total -= np.log(held + 1e-12)
            grad -= (p[d["gold"]] @ d["x"][d["gold"]]) / (held + 1e-12) - p @ d["x"]
        return total + l2 * float(w @ w), grad + 2 * l2 * w

    start = np.zeros(len(LEARNED))
    start[0] = 1.0
    return minimize(loss, start, jac=True, method="L-BFGS-B").x


def linear(fit):  # noqa: ANN001, ANN201
    def fitted(train: list[dict]):  # noqa: ANN202
        w = fit(train)
        return lambda z: z @ w
    return fitted


def trees(train: list[dict]):  # noqa: ANN201
    x = np.vstack([d["x"] for d in train])
    y = np.concatenate([d["gold"] for d in train])
    model = HistGradientBoostingClassifier(max_depth=3, max_iter=200, learning_rate=0.05, random_state=0).fit(x, y)
    return lambda z: model.predict_proba(z)[:, 1] if len(z) else np.zeros(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    k = parser.parse_args().folds
    settings = load_settings()
    squad_corpus = Corpus("squad", corpus_bot(settings, EVAL / "squad2" / "corpus.jsonl"))
    seed_corpus = Corpus("seed", corpus_bot(settings, None))
    squad = load_questions(EVAL / "squad2" / "questions_dev.jsonl")
    dev, extra = load_questions(EVAL / "seed_dev.jsonl"), load_questions(ROOT / "bench" / "seed_extra.jsonl")
    sets = {"SQuAD2": load_set("squad", squad_corpus, squad, assign_folds(
                squad, k, {d.doc_id: d.title for d in squad_corpus.store.documents.values()})),
            "seed": load_set("seed", seed_corpus, dev + extra, assign_folds(dev, k, {}) + assign_folds(extra, k, {}))}
    methods = {"rule (grid, 4 signals)": linear(rule_weights), "pairwise logistic regression": linear(pairwise),
               "listwise conditional logit": linear(listwise), "gradient-boosted trees": trees}
    print(f"{'held-out top sentence holds the answer':40s}" + "".join(f"{n:>10s}" for n in sets))
    for method, fit in methods.items():
        right = dict.fromkeys(sets, 0.0)
        for f in range(k):
            score = fit([d for data in sets.values() for d in data if d["fold"] != f])
            for name, data in sets.items():
                test = [d for d in data if d["fold"] == f]
                right[name] += top_share(test, score) * len(test) if test else 0.0
        print(f"{method:40s}" + "".join(f"{right[n] / len(sets[n]):>10.3f}" for n in sets))


if __name__ == "__main__":
    main()
