"""Fit the abstention model (bot/abstention.json) from labelled questions, and report it on held-out ones.

Positives are answerable questions asked of their own corpus (the seed dev set plus bench/seed_extra.jsonl,
SQuAD2, HotpotQA); negatives
are questions the corpus cannot answer: the seed set's unanswerable questions, everyday out-of-scope
questions (bench/out_of_scope.txt) and questions from another corpus (SQuAD2/HotpotQA questions asked of
the seed article, seed questions asked of SQuAD2/HotpotQA). SQuAD2's own unanswerable questions are
adversarial (written to have a plausible answer in the very paragraph) and are *not* fitted: no retrieval
signal separates them; they are reported so the limit is visible. Even-numbered questions of each group
fit, odd-numbered ones test. Reads ../shared/eval/; run: .venv/bin/python bench/fit_abstention.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.abstention import FEATURES, WEIGHTS_FILE  # noqa: E402
from bot.assistant import Citebot  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.eval_cli import corpus_bot  # noqa: E402
from bot.evaluate import load_questions  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def features(bot: Citebot, questions: list[str]) -> np.ndarray:
    rows = [bot.evidence(q).features or (0.0, 0.0, 0.0) for q in questions]
    return np.array(rows, dtype=np.float64).reshape(-1, len(FEATURES))


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
    data = []
    for name, bot, qs, label in groups:
        print(f"features: {name} ({len(qs)})", file=sys.stderr)
        data.append((name, features(bot, qs), label))
    adversarial = features(squad, squad_adversarial)

    xs, ys, ws = [], [], []
    for _name, x, label in data:
        part = x[0::2]
        xs.append(part)
        ys += [label] * len(part)
        ws += [1.0 / len(part)] * len(part)  # every group weighs the same, however many questions it has
    weights = np.array(ws)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(np.vstack(xs), np.array(ys),
                                                          sample_weight=weights / weights.mean())

    def answers(x: np.ndarray) -> np.ndarray:
        return model.predict_proba(x)[:, 1] >= 0.5

    report = {}
    for name, x, label in data:
        held = x[1::2]
        report[name] = {"held_out": len(held), "correct": round(float((answers(held) == bool(label)).mean()), 3),
                        "correct_all": round(float((answers(x) == bool(label)).mean()), 3)}
    report["SQuAD2 unanswerable (adversarial, not fitted)"] = {
        "held_out": len(adversarial), "correct": round(float((~answers(adversarial)).mean()), 3)}
    for name, r in report.items():
        print(f"{name:48s} correct {r['correct']:.3f} of {r['held_out']} held out")
    out = {"features": list(FEATURES), "weights": [round(float(v), 4) for v in model.coef_[0]],
           "bias": round(float(model.intercept_[0]), 4), "threshold": 0.5,
           "fitted_on": "even-numbered questions of each group; 'correct' is on the odd-numbered ones",
           "script": "bench/fit_abstention.py", "groups": report, "seconds": round(time.time() - started, 1)}
    WEIGHTS_FILE.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}: weights {out['weights']}, bias {out['bias']}")


if __name__ == "__main__":
    main()
