"""Run every benchmark, one fresh process each, then print the headline figures beside their goals.

Each bench writes `bench/results/<name>.json`; this script reads them back into one table and writes
`bench/results/summary.json`. `--quick` asks each bench for its small version (minutes, not an hour);
`--only latency,million` picks some. Run it from the project root:

    .venv/bin/python bench/run.py [--quick] [--only NAMES]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCHES = ("build_throughput", "latency", "warm_start", "million", "peer", "doc_fidelity")


def _get(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


# (bench file, figure path, label, goal text)
HEADLINES = (
    ("build_throughput", "indexer_torch_vs_raw_torch", "indexer(torch) / raw torch encode", "≥ 0.9"),
    ("build_throughput", "indexer_onnx_vs_raw_torch", "indexer(onnx int8) / raw torch encode", "≥ 1.8"),
    ("build_throughput", "runs.indexer_onnx.chunks_per_s", "indexer(onnx) chunks/s", ""),
    ("latency", "mixed10k.onnx.p50_ms", "10k-chunk index, p50 ms (onnx)", "≤ 30"),
    ("latency", "mixed10k.onnx.p95_ms", "10k-chunk index, p95 ms (onnx)", "≤ 60"),
    ("latency", "mixed10k.torch.p50_ms", "10k-chunk index, p50 ms (torch)", ""),
    ("latency", "squad2.onnx.p50_ms", "SQuAD2 index, p50 ms (onnx)", ""),
    ("latency", "seed.onnx.p50_ms", "seed index, p50 ms (onnx)", ""),
    ("warm_start", "seed-onnx.wall_s", "warm start to first answer, s (onnx)", "≤ 8"),
    ("warm_start", "seed-torch.wall_s", "warm start to first answer, s (torch)", ""),
    ("warm_start", "mixed10k-onnx.wall_s", "warm start, 10k index, s (onnx)", "≤ 8"),
    ("warm_start", "ui-seed-onnx.ui_ready_s", "web server start to chat page, s (onnx)", "≤ 8"),
    ("warm_start", "ui-seed-torch.ui_ready_s", "web server start to chat page, s (torch)", ""),
    ("million", "build_s", "million bench (200k if --quick): HNSW build, s", ""),
    ("million", "search_p50_ms", "million bench (200k if --quick): search p50, ms", "≤ 10"),
    ("million", "recall_at_10", "million bench (200k if --quick): recall@10 vs exact", "≥ 0.95"),
    ("million", "load.load_s", "million bench (200k if --quick): mmap load, s", ""),
    ("peer", "citebot.onnx.build_s", "SQuAD2 build, s: Citebot onnx", ""),
    ("peer", "citebot.torch.build_s", "SQuAD2 build, s: Citebot torch", ""),
    ("peer", "peer.build_s", "SQuAD2 build, s: LlamaIndex", ""),
    ("peer", "citebot.onnx.recall_at_5_documents", "SQuAD2 recall@5: Citebot onnx", ""),
    ("peer", "citebot.torch.recall_at_5_documents", "SQuAD2 recall@5: Citebot torch", ""),
    ("peer", "peer.recall_at_5_documents", "SQuAD2 recall@5: LlamaIndex", ""),
    ("doc_fidelity", "formats.pdf.boundary_f1", "generated PDFs: paragraph-boundary F1", "≥ 0.97"),
    ("doc_fidelity", "formats.pdf.sentences_exact", "generated PDFs: sentences rebuilt exactly", ""),
    ("doc_fidelity", "table_questions.accuracy", "generated tables: row question accuracy", "≥ 0.95"),
    ("doc_fidelity", "pdf_speed.ratio", "PDF reader pages/s ÷ pypdf extract_text", ""),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated, of: {', '.join(BENCHES)}")
    args = parser.parse_args()
    chosen = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"unknown bench: {', '.join(sorted(unknown))}")
    failed = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"bench.{name}", *(["--quick"] if args.quick else [])],
                               cwd=ROOT)
        print(f"=== {name}: {'ok' if code == 0 else f'failed ({code})'} in {time.perf_counter() - started:.0f} s")
        if code:
            failed.append(name)
    summary = []
    for bench, path, label, goal in HEADLINES:
        file = RESULTS / f"{bench}{'_quick' if bench == 'million' and args.quick else ''}.json"
        data = json.loads(file.read_text()) if file.is_file() else {}
        summary.append({"figure": label, "value": _get(data, path), "goal": goal})
    print("\nfigure".ljust(54) + "value".rjust(10) + "  goal")
    for row in summary:
        print(f"{row['figure']:<53}{row['value'] if row['value'] is not None else '—':>10}  {row['goal']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "summary.json").write_text(json.dumps({"quick": args.quick, "rows": summary}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
