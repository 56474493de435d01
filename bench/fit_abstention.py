"""Fit the abstention model (bot/answer/abstention.json) from labelled questions, and report it on held-out ones.

Positives are answerable questions asked of their own corpus (the seed dev set plus bench/seed_extra.jsonl,
SQuAD2, HotpotQA); negatives
are questions the corpus cannot answer: the seed set's unanswerable questions, everyday out-of-scope
questions (bench/out_of_scope.txt) and questions from another corpus (SQuAD2/HotpotQA questions asked of
the seed article, seed questions asked of SQuAD2/HotpotQA). SQuAD2's own unanswerable questions are
adversarial (written to have a plausible answer in the very paragraph) and are *not* fitted: no retrieval
signal separates them; they are reported so the limit is visible. Even-numbered questions of each group
fit, odd-numbered ones test; the rule must get the seed dev set (the shipped article's questions) right.
Reads ../shared/eval/; run: .venv/bin/python bench/fit_abstention.py
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answer.abstention import FEATURES, WEIGHTS_FILE  # noqa: E402
from bot.assistant import Citebot  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.evaluate import load_questions  # noqa: E402
from bot.faces.eval_cli import corpus_bot  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


CACHE = ROOT / "bench" / "results" / "abstention_features.json"


def features(bot: Citebot, name: str, questions: list[str], cache: dict[str, list]) -> np.ndarray:
    """Each question's abstention signals, cached by embedder, group and questions (delete CACHE after
    changing how signals are computed)."""
    key = f"{bot.embedder.name}|{name}|{hashlib.sha256(json.dumps(questions).encode()).hexdigest()[:16]}"
    if key not in cache:
        print(f"features: {name} ({len(questions)})", file=sys.stderr)
        cache[key] = [list(bot.evidence(q).features or (0.0, 0.0, 0.0)) for q in questions]
    return np.array(cache[key], dtype=np.float64).reshape(-1, len(FEATURES))


def main() -> None:
    started = time.time()
    settings = load_settings()
    seed = corpus_bot(settings, None)
    squad = corpus_bot(settings, EVAL / "squad2" / "corpus.jsonl")
    hotpot = corpus_bot(settings, EVAL / "hotpotqa" / "corpus.jsonl")
    seed_q = load_questions(EVAL / "seed_dev.jsonl") + load_questions(ROOT / "bench" / "seed_extra.jsonl")
    squad_q = load_questions(EVAL / "squad2" / "questions_dev.jsonl")
    hotpot_q = [q.turns[-1] for q in load_questions(EVAL / "hotpotqa" / "questions.jsonl")[:400]]
    oos = [line.strip() for line in (ROOT / "bench" / "out_of_scope.txt").read_text().splitlines() if line.strip()]
    squad_ans = [q.turns[-1] for q in squad_q if q.answerable][:600]
    squad_adversarial = [q.turns[-1] for q in squad_q if not q.answerable][:300]
    seed_all = [q.turns[-1] for q in seed_q][:16]  # the dev set's own questions

    bots = {"seed": seed, "SQuAD2": squad, "HotpotQA": hotpot}
    groups = [  # (name, bot, questions, 1 = answerable)
        ("seed answerable", seed, [q.turns[-1] for q in seed_q if q.answerable], 1),
        ("seed unanswerable", seed, [q.turns[-1] for q in seed_q if not q.answerable], 0),
        ("out-of-scope → seed", seed, oos, 0),
        ("SQuAD2 questions → seed", seed, squad_ans[:200], 0),
        ("HotpotQA questions → seed", seed, hotpot_q[:200], 0),
        ("SQuAD2 answerable", squad, squad_ans, 1),
        ("out-of-scope → SQuAD2", squad, oos, 0),
        ("seed questions → SQuAD2", squad, seed_all, 0),
        ("HotpotQA answerable", hotpot, hotpot_q, 1),
        ("out-of-scope → HotpotQA", hotpot, oos, 0),
        ("seed questions → HotpotQA", hotpot, seed_all, 0),
    ]
    cache = json.loads(CACHE.read_text()) if CACHE.is_file() else {}
    baselines = {}
    for corpus, bot in bots.items():  # what unrelated questions score in each library (see bot/answer/abstention.py)
        key = f"{bot.embedder.name}|baseline {corpus}"
        if key not in cache:
            cache[key] = list(bot.baseline(bot.store))
        baselines[id(bot)] = np.array(cache[key])
    data = [(name, features(bot, name, qs, cache), baselines[id(bot)], label) for name, bot, qs, label in groups]
    adversarial = (features(squad, "SQuAD2 unanswerable", squad_adversarial, cache), baselines[id(squad)])
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(cache), encoding="utf-8")

    def scores(x: np.ndarray, base: np.ndarray, a: float, b: float, lam: float) -> np.ndarray:
        w = np.array([1.0, a, b])
        return x @ w - lam * float(base @ w)

    def accuracy(rule: tuple[float, float, float, float], half: int) -> dict[str, float]:
        a, b, lam, t = rule
        return {name: float(((scores(x[half::2], base, a, b, lam) >= t) == bool(label)).mean())
                for name, x, base, label in data}

    dev = [(x[:n], base, label) for (name, x, base, label), n in zip(data[:2], (12, 4), strict=True)]

    def dev_right(rule: tuple[float, float, float, float]) -> bool:
        a, b, lam, t = rule
        return all(((scores(x, base, a, b, lam) >= t) == bool(label)).all() for x, base, label in dev)

    grid = [(a, b, lam, t) for a in np.arange(0, 1.01, 0.1) for b in np.arange(0, 1.01, 0.1)
            for lam in (0.0, 0.25, 0.5, 0.75, 1.0) for t in np.arange(0.0, 1.2, 0.02)]
    # The shipped seed's dev set must be fully right (the product promise); among those rules, the best
    # worst-group accuracy on the training halves, then the best mean.
    ranked = sorted(((min(r.values()), float(np.mean(list(r.values()))), rule)
                     for rule in grid if dev_right(rule) for r in [accuracy(rule, 0)]), reverse=True)
    if not ranked:
        raise SystemExit("no rule gets the seed dev set right")
    rule = tuple(round(float(v), 4) for v in ranked[0][2])
    a, b, lam, t = rule
    margins = np.concatenate([scores(x[0::2], base, a, b, lam) - t for _, x, base, _ in data])
    labels = np.concatenate([[label] * len(x[0::2]) for _, x, _, label in data])
    slope = float(LogisticRegression(fit_intercept=False, C=10.0).fit(margins.reshape(-1, 1), labels).coef_[0][0])

    held = accuracy(rule, 1)
    report = {name: {"held_out": len(x[1::2]), "correct": round(held[name], 3)} for name, x, _, _ in data}
    x, base = adversarial
    report["SQuAD2 unanswerable (adversarial, not fitted)"] = {
        "held_out": len(x), "correct": round(float((scores(x, base, a, b, lam) < t).mean()), 3)}
    for name, r in report.items():
        print(f"{name:48s} correct {r['correct']:.3f} of {r['held_out']} held out")
    out = {"features": list(FEATURES), "weights": [1.0, a, b], "baseline_weight": lam, "threshold": t,
           "slope": round(slope, 3),
           "rule": "answer when w·signals − baseline_weight·(w·baseline) ≥ threshold; confidence = "
                   "sigmoid(slope·(score − threshold))",
           "fitted_on": "even-numbered questions of each group (grid search: every seed dev question right, "
                        "then best worst-group and mean accuracy); 'correct' is on the odd-numbered ones",
           "script": "bench/fit_abstention.py", "groups": report, "seconds": round(time.time() - started, 1)}
    WEIGHTS_FILE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}: rule {rule}, slope {out['slope']}")


if __name__ == "__main__":
    main()
