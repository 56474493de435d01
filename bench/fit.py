"""Fit every weight of the answer stage on training folds, report the held-out folds, write
bot/answer/tuned.json.

Labelled questions: SQuAD2 (answerable, and its adversarial unanswerable ones, reported only), HotpotQA,
the seed article's dev set plus bench/seed_extra.jsonl, and everyday out-of-scope questions
(bench/out_of_scope.txt); negatives for abstention are also questions asked of another corpus. Each set
is split into K folds by `bot.evaluate.assign_folds` (questions about one article share a fold; the seed
questions, all about one article, are split question by question, each file on its own, as `bot eval
FILE --folds K` splits it). For each fold, on the other folds:
  1. fusion weights (`retrieval`): grid, maximising SQuAD2 recall@1 + recall@5 + HotpotQA both-gold@10;
  2. sentence weights (`compose`, incl. the answer-type signal): grid, maximising the share of questions
     whose top sentence holds the answer (SQuAD2 and seed, 3:1);
  3. the abstention rule and the confidence: logistic regression of "the answer is right" (answerable, and
     its top citation holds the answer or is the gold passage) on the best sentence's signals less a share
     of the library's baseline; answer when that probability is at least 0.5 (the threshold moves, if it
     must, so that the seed dev questions of the training folds are right).
The same is done on all folds for the shipped weights. Candidates, features and scores are cached under
bench/results/fit/ by embedder, a hash of the scoring code and the questions, so a refit costs seconds.
Figures printed here are the held-out folds' (mean over folds); `python -m bot eval … --folds K` measures
the same weights through the real pipeline.

    nice .venv/bin/python -m bench.fit [--folds 5] [--no-type] [--no-agree] [--no-prior] [--tryouts] [--dry-run]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from bench.tryout import tryout_folds, tryout_questions
from bot.answer.abstention import FEATURES, null_questions, retrievers_agree, shrunk_coverage
from bot.answer.conversation import resolve
from bot.answer.question import normalize_question
from bot.answer.rescore import coverage, question_terms, score_sentences
from bot.answer.retrieval import rank
from bot.answer.tuning import TUNED_FILE, Tuning
from bot.answer.typos import correct
from bot.assistant import Citebot
from bot.config import load_settings
from bot.evaluate import EvalQuestion, assign_folds, contains_answer, is_relevant, load_questions
from bot.faces.eval_cli import corpus_bot
from bot.ingest.chunking import CHUNKING_VERSION
from bot.ingest.reading import READER_VERSION
from bot.store.base import Store
from bot.store.lexical import TOKENIZER

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
CACHE = ROOT / "bench" / "results" / "fit"
# what each cached stage depends on: a change to the sentence scoring keeps the (slow) fusion grid's cache
RETRIEVAL_CODE = ["bot/answer/retrieval.py", "bot/answer/typos.py", "bot/ingest/english.py", "bot/store/lexical.py",
                  "bot/store/spelling.py", "bot/store/numbers.py", "bot/store/links.py", "bot/store/folding.py",
                  "bot/answer/conversation.py", "bot/answer/question.py"]
SENTENCE_CODE = [*RETRIEVAL_CODE, "bot/answer/answer_type.py", "bot/answer/rescore.py", "bot/answer/abstention.py",
                 "bot/answer/specifics.py", "bot/answer/periods.py", "bot/answer/scopes.py", "bot/answer/absent.py"]
ROW_KEYS = ("dense", "cov", "passage", "kind", "pcov", "agree", "nterms", "gold", "relevant")  # per re-scored sentence
ROWS_VERSION = 6  # in the cache key of the sentence rows: "agree" added (2), as a cosine gap (3), by document (5),
# the question's term count "nterms" (6)
ABSTAIN_KEYS = ("dense", "cov", "pcov", "kind", "agree")  # in the order of abstention.FEATURES
assert len(ABSTAIN_KEYS) == len(FEATURES), "bench/fit.py's signals and abstention.FEATURES differ"
MAIN = Tuning(w_mean=0.3, w_bm25=0.5, w_coverage=0.5, w_passage=0.25, w_type=0.0,  # main's hand-chosen weights
              abstain_weights=(1.0, 0.2, 0.5, 0.0, 0.0), baseline_weight=0.5, threshold=0.56, slope=11.842)
FUSION_GRID = [(m, b) for m in (0.0, 0.15, 0.3, 0.45) for b in (0.3, 0.4, 0.5, 0.6, 0.7, 0.85, 1.0)]
COV_GRID = np.round(np.arange(0.0, 2.01, 0.1), 3)
PASSAGE_GRID = np.round(np.arange(0.0, 0.51, 0.05), 3)
TYPE_GRID = np.round(np.arange(0.0, 0.201, 0.02), 3)
PRIOR_GRID = (0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)  # pseudo-terms shrinking passage coverage (abstention)
# Everyday out-of-scope questions must be refused (≥ 0.9) and the seed article's questions right, though
# they are few beside 1,500 answerable SQuAD2/HotpotQA ones: they weigh more in the abstention fit.
# When the threshold moves to keep the training seed dev questions right, it stays this far (in score units;
# ≈ 0.05 of confidence) inside them: one exactly on the line flips with the embedder's rounding (torch vs
# int8 ONNX, another CPU's instructions).
SEED_MARGIN = 0.02
TRYOUT = "tryout "  # the prefix of the tryout libraries' groups
GROUP_WEIGHT = {"out-of-scope": 6.0, "seed answerable": 3.0, "seed unanswerable": 3.0}


class Corpus:
    """One library and the questions asked of it, with cached query vectors and memoised searches."""

    def __init__(self, name: str, bot: Citebot) -> None:
        self.name, self.bot = name, bot
        self.store = bot.store
        self.titles = {d.doc_id: d.title for d in self.store.documents.values()}
        self._vectors: dict[str, np.ndarray] = {}
        self._dense: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        self._lexical: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        dense, lexical = self.store.search, self.store.lexical.search

        def search(vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
            key = vector.tobytes() + k.to_bytes(4, "little")
            if key not in self._dense:
                self._dense[key] = dense(vector, k)
            return self._dense[key]

        def lexical_search(query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
            if (query, k) not in self._lexical:
                self._lexical[(query, k)] = lexical(query, k)
            return self._lexical[(query, k)]

        self.store.search = search  # type: ignore[method-assign]  # the grids re-rank the same candidates
        self.store.lexical.search = lexical_search  # type: ignore[method-assign]

    def vectors(self, queries: list[str]) -> np.ndarray:
        todo = [q for q in dict.fromkeys(queries) if q not in self._vectors]
        if todo:
            for q, v in zip(todo, self.bot.embedder.encode(todo), strict=True):
                self._vectors[q] = np.asarray(v, dtype=np.float32)
        return np.stack([self._vectors[q] for q in queries]) if queries else np.zeros((0, 1))

    def ranking(self, query: str, tuning: Tuning):  # noqa: ANN201
        vector = self.vectors([query])[0]
        return rank(self.store, query, vector, 10, self.bot.settings.dense_k, "hybrid", tuning)


def query_of(text: str, store: Store) -> str:
    """The query the bot searches for `text` asked alone (misspelt words corrected against `store`'s)."""
    return correct(store, resolve(normalize_question(text), ()).query)


def docs_ranked(hits: tuple) -> list[str]:
    return list(dict.fromkeys(h.chunk.doc_id for h in hits))


def retrieval_rows(corpus: Corpus, questions: list[EvalQuestion], tuning: Tuning) -> list[list[int]]:
    """Per question, the 1-based document rank of each gold document (0 = not in the top 10)."""
    out = []
    for q in questions:
        docs = docs_ranked(corpus.ranking(query_of(q.turns[-1], corpus.store), tuning).hits)
        out.append([docs.index(g) + 1 if g in docs else 0 for g in q.gold_doc_ids])
    return out


def sentence_rows(corpus: Corpus, questions: list[EvalQuestion], tuning: Tuning) -> list[dict[str, list]]:
    """Per question, every re-scored sentence's signals and whether it (and its passage) holds the answer."""
    store = corpus.store
    out = []
    for q in questions:
        query = query_of(q.turns[-1], corpus.store)
        ranking = corpus.ranking(query, tuning)
        scored = score_sentences(store, query, ranking, tuning)
        agree = retrievers_agree(ranking.hits)
        terms = question_terms(query)
        passage_cov: dict[int, float] = {}
        row: dict[str, list] = {k: [] for k in ROW_KEYS}
        for s in scored:
            _, start, end = (int(x) for x in store.sentences[s.row])
            text = store.documents[s.hit.chunk.doc_id].text[start:end]
            if s.hit.chunk_id not in passage_cov:
                passage_cov[s.hit.chunk_id] = coverage(store.lexical, terms, s.hit.chunk.text)
            answerable = q.answerable and bool(q.answers_any or q.answers_all or q.gold_doc_ids)
            row["dense"].append(s.dense)
            row["cov"].append(s.coverage)
            row["passage"].append(s.passage)
            row["kind"].append(float(s.kind))
            row["pcov"].append(passage_cov[s.hit.chunk_id])
            row["agree"].append(agree)
            row["nterms"].append(float(len(set(terms))))
            row["gold"].append(answerable and bool(q.answers_any or q.answers_all) and contains_answer(text, q))
            holds = bool(q.answers_any or q.answers_all) and contains_answer(s.hit.chunk.text, q)
            gold = bool(q.gold_doc_ids or q.evidence_any) and is_relevant(s.hit.chunk.doc_id, s.hit.chunk.text, q)
            row["relevant"].append(answerable and (holds or gold))
        out.append(row)
    return out


def code_key(corpus: Corpus, code: list[str]) -> str:
    """The cache key of a stage: the embedder, the tokenizer, the stage's code, the library's size and the
    reading and chunking versions (a passage's text can change without the sentence count changing)."""
    digest = hashlib.sha256("".join((ROOT / p).read_text() for p in code).encode()).hexdigest()[:12]
    rows = f"|{ROWS_VERSION}" if code is SENTENCE_CODE else ""
    return (f"{corpus.bot.embedder.name}|{TOKENIZER}|{digest}|{corpus.name}|{len(corpus.store.sentences)}"
            f"|{READER_VERSION}|{CHUNKING_VERSION}{rows}")


def cached(name: str, key: str, questions: list[EvalQuestion], compute):  # noqa: ANN001, ANN201
    """`compute()`, or its saved value for the same stage `key`, `name` and `questions` (their text, labels
    and answers: an edited question file must not be answered from the old one's rows)."""
    asked = hashlib.sha256(repr(questions).encode()).hexdigest()[:12]
    path = CACHE / f"{hashlib.sha256(f'{key}|{name}|{asked}'.encode()).hexdigest()[:20]}.json"
    if path.is_file():
        return json.loads(path.read_text())
    print(f"computing {name}", file=sys.stderr)
    value = compute()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value))
    tmp.replace(path)
    return value


def fusion_key(t: Tuning) -> str:
    return f"fusion {t.w_mean} {t.w_bm25}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-type", action="store_true", help="fit without the answer-type signal (w_type = 0)")
    parser.add_argument("--no-agree", action="store_true",
                        help="fit the abstention rule without the retrievers' agreement (its weight 0)")
    parser.add_argument("--no-prior", action="store_true",
                        help="fit the abstention rule on the passage coverage itself (coverage prior 0)")
    parser.add_argument("--tryouts", action="store_true",
                        help="fit and report the abstention rule on the tryout libraries too (bench/tryout_*)")
    parser.add_argument("--dry-run", action="store_true", help="report, but do not write tuned.json")
    parser.add_argument("--keep-fusion", action="store_true",
                        help="keep tuned.json's fusion weights per fold (skip their grid); refit the rest")
    args = parser.parse_args()
    started = time.time()
    k = args.folds
    settings = load_settings()
    corpora = {"seed": Corpus("seed", corpus_bot(settings, None)),
               "squad": Corpus("squad", corpus_bot(settings, EVAL / "squad2" / "corpus.jsonl")),
               "hotpot": Corpus("hotpot", corpus_bot(settings, EVAL / "hotpotqa" / "corpus.jsonl"))}
    # the newcomers' small libraries (bench/tryout_*), with --tryouts: what a user's own folder looks like
    tryouts: dict[str, list[EvalQuestion]] = {}
    for folder, q in tryout_questions() if args.tryouts else []:
        library = q.about[0]
        if library not in corpora:
            corpora[library] = Corpus(library, corpus_bot(settings.with_(docs_dir=folder / "docs"), None))
        tryouts.setdefault(library, []).append(q)
    squad_all = load_questions(EVAL / "squad2" / "questions_dev.jsonl")
    squad_fold = dict(zip((q.qid for q in squad_all), assign_folds(squad_all, k, corpora["squad"].titles),
                          strict=True))
    hotpot = load_questions(EVAL / "hotpotqa" / "questions.jsonl")
    hotpot_fold = dict(zip((q.qid for q in hotpot), assign_folds(hotpot, k, corpora["hotpot"].titles), strict=True))
    seed_dev = load_questions(EVAL / "seed_dev.jsonl")
    seed_extra = load_questions(ROOT / "bench" / "seed_extra.jsonl")
    seed = seed_dev + seed_extra
    # each file split on its own, so that `bot eval FILE --folds K` finds the same folds
    seed_fold = dict(zip((q.qid for q in seed), assign_folds(seed_dev, k, {}) + assign_folds(seed_extra, k, {}),
                         strict=True))
    oos_lines = [line.strip() for line in (ROOT / "bench" / "out_of_scope.txt").read_text().splitlines()
                 if line.strip()]
    oos = [EvalQuestion(f"oos{i}", (text,), False) for i, text in enumerate(oos_lines)]
    oos_fold = dict(zip((q.qid for q in oos), assign_folds(oos, k, {}), strict=True))
    folds = {**squad_fold, **hotpot_fold, **seed_fold, **oos_fold, **(tryout_folds(k) if args.tryouts else {})}
    squad = [q for q in squad_all if q.answerable]
    adversarial = [q for q in squad_all if not q.answerable][:300]

    def negative(qs: list[EvalQuestion]) -> list[EvalQuestion]:  # asked of another corpus: nothing to find
        return [replace(q, answerable=False, answers_any=(), answers_all=(), evidence_any=(), gold_doc_ids=())
                for q in qs]

    nulls = [EvalQuestion(f"null{i}", (t,), False) for i, t in enumerate(null_questions())]
    # (group, corpus, questions, 1 = answerable); the abstention rule is fitted over these groups
    groups = [
        ("seed answerable", "seed", [q for q in seed if q.answerable], 1),
        ("seed unanswerable", "seed", [q for q in seed if not q.answerable], 0),
        ("out-of-scope → seed", "seed", oos, 0),
        ("SQuAD2 questions → seed", "seed", negative(squad[:200]), 0),
        ("HotpotQA questions → seed", "seed", negative(hotpot[:200]), 0),
        ("SQuAD2 answerable", "squad", squad, 1),
        ("out-of-scope → SQuAD2", "squad", oos, 0),
        ("seed questions → SQuAD2", "squad", negative(seed_dev), 0),
        ("HotpotQA answerable", "hotpot", hotpot, 1),
        ("out-of-scope → HotpotQA", "hotpot", oos, 0),
        ("seed questions → HotpotQA", "hotpot", negative(seed_dev), 0),
    ]
    for library, qs in tryouts.items():  # one group per library and label; reported pooled (`family`)
        groups += [(f"{TRYOUT}{kind}: {library}", library, chosen, label)
                   for kind, label in (("answerable", 1), ("unanswerable", 0))
                   if (chosen := [q for q in qs if q.answerable == bool(label)])]
    extra = [("SQuAD2 unanswerable (adversarial, not fitted)", "squad", adversarial, 0)]

    # 1. fusion: every grid point's gold ranks, computed once; folds choose among them
    retrieval = {}
    kept: dict[int | None, tuple[float, float]] = {}
    if args.keep_fusion:
        old = json.loads(TUNED_FILE.read_text(encoding="utf-8"))
        for f, t in [*enumerate(old["per_fold"]), (None, old["all"])]:
            kept[f] = (float(t["w_mean"]), float(t["w_bm25"]))
    points = list(dict.fromkeys([*kept.values(), (MAIN.w_mean, MAIN.w_bm25)])) if kept else FUSION_GRID
    for w_mean, w_bm25 in points:
        t = replace(MAIN, w_mean=w_mean, w_bm25=w_bm25)
        retrieval[(w_mean, w_bm25)] = tuple(
            cached(fusion_key(t), code_key(corpora[c], RETRIEVAL_CODE), qs,
                   lambda t=t, c=c, qs=qs: retrieval_rows(corpora[c], qs, t))
            for c, qs in (("squad", squad), ("hotpot", hotpot)))
    sq_fold = np.array([folds[q.qid] for q in squad])
    hp_fold = np.array([folds[q.qid] for q in hotpot])

    def retrieval_figures(point: tuple[float, float], sq: np.ndarray, hp: np.ndarray) -> dict[str, float]:
        s_rows, h_rows = retrieval[point]
        s = np.array([r[0] for r in s_rows])[sq]
        h = np.array(h_rows)[hp]
        return {"squad_recall@1": float(((s > 0) & (s <= 1)).mean()),
                "squad_recall@5": float(((s > 0) & (s <= 5)).mean()),
                "squad_recall@10": float((s > 0).mean()),
                "hotpot_all_gold@10": float(((h > 0).all(axis=1)).mean())}

    def fit_fusion(train: int | None) -> tuple[float, float]:
        sq, hp = sq_fold != train, hp_fold != train
        return max(FUSION_GRID, key=lambda p: (sum(v for n, v in retrieval_figures(p, sq, hp).items()
                                                   if n != "squad_recall@10"), -abs(p[0] - 0.3) - abs(p[1] - 0.5)))

    fusion = kept or {f: fit_fusion(f) for f in [*range(k), None]}

    # 2. sentences: signals of every re-scored sentence under each fold's fusion weights
    population = groups + extra + [(f"null → {c}", c, nulls, 0) for c in corpora]
    sentences: dict[tuple[float, float], dict[str, list]] = {}
    for point in dict.fromkeys(fusion.values()):
        t = replace(MAIN, w_mean=point[0], w_bm25=point[1])
        sentences[point] = {name: cached(f"sentences {name} {fusion_key(t)}", code_key(corpora[c], SENTENCE_CODE), qs,
                                         lambda c=c, qs=qs, t=t: sentence_rows(corpora[c], qs, t))
                            for name, c, qs, _ in population}

    def flat(rows: list[dict[str, list]]) -> dict[str, np.ndarray]:
        """All sentences of `rows` in one array per signal, with `start` marking each question's first."""
        lengths = np.array([len(r["dense"]) for r in rows], dtype=np.int64)
        out = {key: np.concatenate([np.asarray(r[key], dtype=np.float64) for r in rows]) if len(rows) else
               np.zeros(0) for key in ROW_KEYS}
        out["start"] = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        out["segment"] = np.repeat(np.arange(len(rows)), lengths)
        return out

    def best_index(x: dict[str, np.ndarray], w: tuple[float, float, float]) -> np.ndarray:
        """Per question, the index of its best sentence under sentence weights `w` (first of equals)."""
        score = x["dense"] + w[0] * x["cov"] + w[1] * x["passage"] + w[2] * x["kind"]
        if not len(score):
            return np.zeros(0, dtype=np.int64)
        best = np.maximum.reduceat(score, x["start"])
        reaching = np.flatnonzero(score >= best[x["segment"]] - 1e-12)
        _, first = np.unique(x["segment"][reaching], return_index=True)  # the first sentence reaching the max
        return reaching[first]

    def sentence_data(point: tuple[float, float], name: str, mask_fold: int | None, keep: bool) -> dict:
        """The sentences of group `name`'s questions in fold `mask_fold` (keep) or outside it (not keep)."""
        qs = next(qs for n, _, qs, _ in population if n == name)
        rows = sentences[point][name]
        chosen = [(q, r) for q, r in zip(qs, rows, strict=True) if r["dense"] and (
            mask_fold is None or (folds.get(q.qid, -1) == mask_fold) == keep)]
        x = flat([r for _, r in chosen])
        x["qids"] = [q.qid for q, _ in chosen]
        return x

    type_grid = [0.0] if args.no_type else TYPE_GRID

    def fit_sentences(point: tuple[float, float], train: int | None) -> tuple[float, float, float]:
        sets = [(sentence_data(point, "SQuAD2 answerable", train, False), 0.75),
                (sentence_data(point, "seed answerable", train, False), 0.25)]
        best, best_value = (0.5, 0.25, 0.0), -1.0
        for w in itertools.product(COV_GRID, PASSAGE_GRID, type_grid):
            value = sum(share * float(x["gold"][best_index(x, w)].mean()) for x, share in sets)
            if value > best_value + 1e-9:
                best, best_value = tuple(float(v) for v in w), value
        return best

    sentence_w = {f: fit_sentences(fusion[f], f) for f in fusion}

    # 3. abstention: the best sentence's signals, per group, under each fold's weights
    def signals(f: int | None, name: str, mask_fold: int | None, keep: bool) -> tuple[np.ndarray, np.ndarray, list]:
        x = sentence_data(fusion[f], name, mask_fold, keep)
        if not len(x["start"]):
            return np.zeros((0, len(ABSTAIN_KEYS) + 1)), np.zeros(0), []
        i = best_index(x, sentence_w[f])
        return np.stack([x[key][i] for key in (*ABSTAIN_KEYS, "nterms")], axis=1), x["relevant"][i], x["qids"]

    def baseline(f: int | None, corpus: str) -> np.ndarray:
        return signals(f, f"null → {corpus}", None, True)[0]  # every null question's; shrunk, then averaged

    def group_scores(f: int | None, train: int | None, keep: bool) -> list[tuple]:
        out = []
        for name, corpus, _, label in groups:
            x, right, qids = signals(f, name, train, keep)
            base = baseline(f, corpus)
            left_out = [i for i, off in ((3, args.no_type), (4, args.no_agree)) if off]
            if left_out:  # the answer-type signal left out of abstention too; the agreement signal left out
                x, base = x.copy(), base.copy()
                x[:, left_out], base[:, left_out] = 0.0, 0.0
            out.append((name, corpus, x, base, label, right, qids))
        return out

    def fit_abstention(f: int | None) -> tuple[tuple[float, ...], float, float, float, float]:
        """Logistic regression of "the answer would be right" on the signals less a share of the library's
        baseline: its 0.5 point is the threshold, so the bot answers when an answer is more likely right
        than wrong, and its slope is the confidence's. The threshold then moves, if it must and can, so that
        every seed dev question of the training folds is right, `SEED_MARGIN` inside; the share and the
        coverage prior are the pair with the lowest training log-loss after that move."""
        data = group_scores(f, f, False)
        y = np.concatenate([right if label else np.zeros(len(x)) for _, _, x, _, label, right, _ in data])
        weight = np.concatenate([np.full(len(x), GROUP_WEIGHT.get(name.split(" →")[0], 1.0))
                                 for name, _, x, _, _, _, _ in data])
        dev_ids = {q.qid for q in seed_dev}
        dev = np.concatenate([[name in ("seed answerable", "seed unanswerable") and qid in dev_ids for qid in qids]
                              for name, _, _, _, _, _, qids in data]).astype(bool)
        dev_label = np.concatenate([np.full(len(x), label) for _, _, x, _, label, _, _ in data])[dev]
        best = None
        for prior, lam in itertools.product((0.0,) if args.no_prior else PRIOR_GRID, (0.0, 0.25, 0.5, 0.75, 1.0)):
            z = np.concatenate([shrunk(x, prior) - lam * shrunk(base, prior).mean(axis=0)
                                for _, _, x, base, _, _, _ in data])
            model = LogisticRegression(C=10.0, max_iter=1000).fit(z, y, sample_weight=weight)
            slope = float(model.coef_[0][0])
            if slope <= 0:
                continue
            weights = model.coef_[0] / slope
            score = z @ weights
            threshold = -float(model.intercept_[0]) / slope
            low = max(score[dev][dev_label == 0], default=-np.inf)
            high = min(score[dev][dev_label == 1], default=np.inf)
            margin = min(SEED_MARGIN, (high - low) / 2)
            if low < high and not low + margin <= threshold <= high - margin:
                threshold = min(max(threshold, low + margin), high - margin)
            p = np.clip(1 / (1 + np.exp(-slope * (score - threshold))), 1e-9, 1 - 1e-9)
            loss = float(-np.average(y * np.log(p) + (1 - y) * np.log(1 - p), weights=weight))
            dev_right = bool(((score[dev] >= threshold) == (dev_label == 1)).all())
            if best is None or (dev_right, -loss) > (best[0], -best[1]):
                best = (dev_right, loss, lam, weights, threshold, slope, prior)
        if best is None:
            raise SystemExit(f"fold {f}: the sentence cosine never got a positive weight; the signals changed meaning")
        dev_right, _, lam, weights, threshold, slope, prior = best
        if not dev_right:
            print(f"fold {f}: no threshold gets every training seed dev question right", file=sys.stderr)
        return (tuple(round(float(w), 4) for w in weights), float(lam), round(float(threshold), 4), round(slope, 3),
                prior)

    tunings: dict[int | None, Tuning] = {}
    for f in fusion:
        weights, lam, t, slope, prior = fit_abstention(f)
        tunings[f] = Tuning(w_mean=fusion[f][0], w_bm25=fusion[f][1], w_coverage=sentence_w[f][0],
                            w_passage=sentence_w[f][1], w_type=sentence_w[f][2], abstain_weights=weights,
                            baseline_weight=lam, threshold=t, slope=slope, coverage_prior=prior)
        print(f"fold {f}: {tunings[f]}", file=sys.stderr)

    # held-out report: each fold with the weights fitted without it, pooled over folds
    def held_out(tune_of, point_of, sent_of) -> dict[str, float]:  # noqa: ANN001
        figures: dict[str, list[float]] = {}
        conf, right = [], []
        margins: dict[str, list[np.ndarray]] = {}  # score − threshold, per group, every fold
        tallies: dict[str, list[int]] = {}  # the tryout libraries' groups, pooled: [right, asked]
        for f in range(k):
            tune = tune_of(f)
            for name, v in retrieval_figures(point_of(f), sq_fold == f, hp_fold == f).items():
                figures.setdefault(name, []).append(v)
            for name in ("SQuAD2 answerable", "seed answerable", "HotpotQA answerable"):
                x = sentence_data(point_of(f), name, f, True)
                figures.setdefault(f"top sentence holds the answer: {name}", []).append(
                    float(x["gold"][best_index(x, sent_of(f))].mean()))
                figures.setdefault(f"first citation's passage is right: {name}", []).append(
                    float(x["relevant"][best_index(x, sent_of(f))].mean()))
            for name, corpus, qs, label in groups + extra:
                x, rel = signals_with(f, point_of, sent_of, name, corpus)
                x = shrunk(x, tune.coverage_prior)
                w = np.array(tune.abstain_weights)
                base = shrunk(signals_with(f, point_of, sent_of, f"null → {corpus}", corpus, everything=True)[0],
                              tune.coverage_prior).mean(axis=0)
                s = x @ w - tune.baseline_weight * float(base @ w)
                margins.setdefault(family(name), []).append(s - tune.threshold)
                if family(name) != name:
                    for what, hit in ((f"{'answered' if label else 'abstained'}: {family(name)}",
                                       (s >= tune.threshold) == bool(label)),
                                      *([(f"answered, passage right: {family(name)}",
                                          (s >= tune.threshold) & (rel > 0))] if label else [])):
                        tally = tallies.setdefault(what, [0, 0])
                        tally[0], tally[1] = tally[0] + int(hit.sum()), tally[1] + len(hit)
                    continue
                # a question a rule refuses (no sentence scored: an absent name, a qualified number …) has no
                # signals, but it was asked: it counts as abstained
                asked = sum(1 for q in qs if folds.get(q.qid) == f)
                hits = int(((s >= tune.threshold) == bool(label)).sum()) + (0 if label else asked - len(s))
                figures.setdefault(f"{'answered' if label else 'abstained'}: {name}", []).append(
                    hits / asked if asked else float("nan"))
                if "adversarial" not in name:
                    conf.append(1 / (1 + np.exp(-tune.slope * (s - tune.threshold))))
                    right.append(rel if label else np.zeros(len(s)))
        out = {name: round(float(np.nanmean(v)), 3) for name, v in figures.items()}
        out.update({name: round(right / asked, 3) for name, (right, asked) in tallies.items()})
        c, r = np.concatenate(conf), np.concatenate(right)
        out["ECE (10 bins, pooled)"] = round(ece(c, r), 3)
        # threshold-free: how well the score separates a library's answerable questions from everyday ones
        # (a new signal that only moves the operating point leaves it unchanged)
        for corpus, negatives in (("SQuAD2", "everyday"), ("HotpotQA", "everyday"),
                                  *([(TRYOUT.strip(), "unanswerable")] if tryouts else [])):
            yes, no = (np.concatenate(margins[n]) for n in (
                f"{corpus} answerable", f"out-of-scope → {corpus}" if negatives == "everyday"
                else f"{corpus} unanswerable"))
            out[f"ROC AUC, {corpus} answerable vs {negatives} (pooled)"] = round(float(roc_auc_score(
                np.r_[np.ones(len(yes)), np.zeros(len(no))], np.r_[yes, no])), 3)
        return out

    def signals_with(f: int, point_of, sent_of, name: str, corpus: str,  # noqa: ANN001
                     everything: bool = False) -> tuple[np.ndarray, np.ndarray]:
        x = sentence_data(point_of(f), name, None if everything else f, True)
        if not len(x["start"]):
            return np.zeros((0, len(ABSTAIN_KEYS) + 1)), np.zeros(0)
        i = best_index(x, sent_of(f))
        return np.stack([x[key][i] for key in (*ABSTAIN_KEYS, "nterms")], axis=1), x["relevant"][i]

    main_point = (MAIN.w_mean, MAIN.w_bm25)
    if main_point not in sentences:
        sentences[main_point] = {name: cached(f"sentences {name} {fusion_key(MAIN)}",
                                              code_key(corpora[c], SENTENCE_CODE), qs,
                                              lambda c=c, qs=qs: sentence_rows(corpora[c], qs, MAIN))
                                 for name, c, qs, _ in population}
    report = {
        "hand-chosen weights of main (before)": held_out(
            lambda f: MAIN, lambda f: main_point, lambda f: (MAIN.w_coverage, MAIN.w_passage, MAIN.w_type)),
        "fitted on the other folds": held_out(
            lambda f: tunings[f], lambda f: fusion[f], lambda f: sentence_w[f]),
    }
    names = list(report["fitted on the other folds"])
    print(f"{'held-out folds (mean over ' + str(k) + ')':60s}{'before':>10}{'fitted':>10}")
    for name in names:
        print(f"{name:60s}{report['hand-chosen weights of main (before)'].get(name, float('nan')):>10.3f}"
              f"{report['fitted on the other folds'][name]:>10.3f}")
    out = {"folds": k, "all": _plain(tunings[None]), "per_fold": [_plain(tunings[f]) for f in range(k)],
           "fitted_on": "every weight on all folds but one (per_fold[i] without fold i; 'all' on every fold); "
                        "folds from bot.evaluate.assign_folds over SQuAD2, HotpotQA, the seed dev + extra "
                        "questions and bench/out_of_scope.txt",
           "answer_type": not args.no_type, "retrievers_agree": not args.no_agree,
           "coverage_prior": not args.no_prior, "tryouts": args.tryouts, "script": "bench/fit.py",
           "held_out": report,
           "seconds": round(time.time() - started, 1)}
    if not args.dry_run:
        TUNED_FILE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {TUNED_FILE.relative_to(ROOT)}", file=sys.stderr)


def family(group: str) -> str:
    """A tryout library's group ("tryout answerable: tryout_cases/01-…") → its family ("tryout answerable");
    any other group is its own."""
    return group.split(":")[0] if group.startswith(TRYOUT) else group


def shrunk(x: np.ndarray, prior: float) -> np.ndarray:
    """The abstention signals (ABSTAIN_KEYS) of rows holding them and the question's term count, last: the
    passage coverage shrunk by `prior` pseudo-terms with the bot's own `abstention.shrunk_coverage`."""
    out = x[:, :len(ABSTAIN_KEYS)].copy()
    column = ABSTAIN_KEYS.index("pcov")
    out[:, column] = [shrunk_coverage(c, int(n), prior) for c, n in zip(x[:, column], x[:, -1], strict=True)]
    return out


def ece(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the mean |accuracy − confidence| over equal-width bins, weighted by size."""
    edges = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        inside = edges == b
        if inside.any():
            total += inside.mean() * abs(float(correct[inside].mean()) - float(confidence[inside].mean()))
    return total


def _plain(t: Tuning) -> dict[str, object]:
    data = asdict(t)
    return {k: (list(v) if isinstance(v, tuple) else round(v, 4)) for k, v in data.items()}


if __name__ == "__main__":
    main()
