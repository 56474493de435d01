"""The load test's short version, as CI runs it: `bench/load.py --quick` (fake embedder, gradio_client).

1, 10 and 50 simultaneous users and a 200-question soak against a real server on 127.0.0.1: every
question answered (or explicitly refused as busy), and the server's memory growth over the soak within
50 MB; then 10 uploads and 50 questions at once on a shared server: no error, no upload lost or leaked.
Latency figures are printed, not asserted; the full run is `.venv/bin/python bench/load.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT


@pytest.mark.slow
def test_quick_load_run_has_no_errors_and_bounded_memory() -> None:
    done = subprocess.run([sys.executable, "bench/load.py", "--quick", "--json"], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=420)
    assert done.stdout.strip(), done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for s in report["scenarios"]:
        print(f"\n{s['scenario']:<18} asked {s['asked']:>4} ok {s['ok']:>4} busy {s['busy']:>3} errors {s['errors']} "
              f"p50 {s['p50_ms']} ms p95 {s['p95_ms']} ms", end="")
    print(f"\nRSS {report['rss_mb']} → growth {report['soak_growth_mb']} MB")
    assert [s["errors"] for s in report["scenarios"]] == [0] * len(report["scenarios"]), report["scenarios"]
    assert all(s["ok"] + s["busy"] == s["asked"] for s in report["scenarios"])
    assert report["server_survived"] and report["soak_growth_mb"] <= 50
    mixed = report["uploads_with_questions"]  # 10 uploads and 50 questions at once on a shared server
    print(f"\nuploads with questions: {mixed}")
    assert (mixed["errors"], mixed["uploads_lost"], mixed["uploads_leaked"]) == (0, 0, 0), mixed
    assert mixed["question_latency"]["ok"] == 50
    assert done.returncode == 0 and report["verdict"] == "ok"
