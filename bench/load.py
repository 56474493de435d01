"""Load test: concurrent users asking the `/chat` API of a real Citebot server, then a memory soak.

Starts `python -m bot serve` on a free port of 127.0.0.1 (over a copy-free temporary index of the
documents folder), then runs 1, 10 and 50 simultaneous users × 20 questions each, every user with its own
gradio_client session, and prints per scenario the errors, the explicit "busy, try again" refusals of the
bounded queue, and p50/p95/max latency. A soak of 1,000 more questions follows, with the server's RSS
(/proc/<pid>/status) sampled before, halfway and after. Last, on a second server in shared use (`--shared`),
10 browser sessions upload a file each and ask about it while 50 other questions arrive, all at once
(bench/ui_session.py drives the page's upload and question events over HTTP): errors, uploads lost (not
answered in their own session) and uploads leaked (seen elsewhere) must all be 0. Bounded and
self-stopping: a global deadline and a per-question timeout; the servers are always stopped. Exit status 0
only with zero errors, no upload lost or leaked, and memory growth within --max-growth-mb. It measures;
it does not tune anything.

    .venv/bin/python bench/load.py            # full run, bundled model (a few minutes)
    .venv/bin/python bench/load.py --quick    # short run with the fake embedder, as the test suite runs it
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.live_server import PROJECT_ROOT, LiveServer
from bench.ui_session import Busy, UiSession, ask_api, text_of

QUESTIONS = (
    "What prompted Vance to call the Indian prime minister?",
    "Which outlet reported that India downplayed US involvement?",
    "What did the US believe about communication between the two countries?",
    "Who is the White House chief of staff?",
    "What was Rubio trying to negotiate?",
    "Who did Rubio speak with?",
    "What is the capital of France?",
    "Why did the US get involved?",
)
TIMEOUT = 60.0  # seconds one question may take before it counts as an error
BUSY = "Queue is full! Please try again."  # gradio_client's wording of the server's 503; browsers show
# "This application is currently busy. Please try again."


@dataclass
class Scenario:
    name: str
    users: int
    questions: int  # per user
    latencies_ms: list[float] = field(default_factory=list)
    busy: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, object]:
        lat = sorted(self.latencies_ms)
        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))], 1) if lat else None
        return {"scenario": self.name, "users": self.users, "asked": self.users * self.questions, "ok": len(lat),
                "busy": self.busy, "errors": len(self.errors), "p50_ms": pct(0.50), "p95_ms": pct(0.95),
                "max_ms": round(lat[-1], 1) if lat else None,
                "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
                "per_second": round(len(lat) / self.seconds, 1) if self.seconds else 0.0,
                "first_errors": self.errors[:3]}


UserFn = Callable[[str, int, int, "Scenario", float, float], None]


def gradio_user(url: str, user: int, count: int, scenario: Scenario, deadline: float, timeout: float) -> None:
    """One user with its own gradio_client session, asking `count` questions one after another."""
    from gradio_client import Client
    from gradio_client.utils import QueueError

    client = Client(url, verbose=False)
    try:
        for question in _questions(user, count, scenario, deadline):
            started = time.perf_counter()
            try:
                reply = client.submit(question, api_name="/chat").result(timeout=timeout)
            except QueueError as err:
                if str(err) != BUSY:
                    raise
                scenario.busy += 1
                continue
            except FutureTimeout:
                scenario.errors.append(f"no reply within {timeout:.0f} s")
                continue
            _record(scenario, reply, started)
    finally:
        client.close()


def http_user(url: str, user: int, count: int, scenario: Scenario, deadline: float, timeout: float) -> None:
    """The same, through the plain two-step HTTP API (POST /call/chat, then read its event stream): a far
    lighter client, so on a small machine the figures measure the server rather than the load generator."""
    import httpx

    with httpx.Client(base_url=url, trust_env=False, timeout=timeout) as http:
        for question in _questions(user, count, scenario, deadline):
            started = time.perf_counter()
            try:
                reply = ask_api(http, question)
            except Busy:
                scenario.busy += 1
                continue
            except RuntimeError as err:
                scenario.errors.append(str(err)[:160])
                continue
            _record(scenario, reply, started)


UPLOADERS, ASKERS = 10, 50
KEEPERS = ("Ingrid Halvorsen", "Tomas Okafor", "Mirela Dutescu", "Sven Aaltonen", "Priya Raman", "Jonas Weber",
           "Aiko Tanabe", "Lucia Ferreira", "Omar Haddad", "Nora Lindqvist")


def uploads_with_questions(url: str, deadline: float) -> dict[str, object]:
    """10 browser sessions upload a file and ask about it while 50 questions arrive, all at once (shared
    use): errors, uploads lost (not answered in their session), uploads leaked (seen by another session)."""
    import httpx

    def keeper(k: int) -> tuple[str, str]:
        return f"harbour-{k}.txt", f"Harbour notes\n\nThe keeper of lighthouse pier {k} is {KEEPERS[k]}.\n"

    start = threading.Barrier(UPLOADERS + ASKERS)
    errors: list[str] = []
    lost: list[int] = []
    leaked: list[str] = []
    upload_ms: list[float] = []
    questions = Scenario(f"{ASKERS} questions during {UPLOADERS} uploads", ASKERS, 1)

    def uploader(k: int) -> None:
        name, text = keeper(k)
        with UiSession(url, timeout=TIMEOUT) as session:
            start.wait()
            started = time.perf_counter()
            status = session.upload([(name, text.encode())])
            upload_ms.append((time.perf_counter() - started) * 1000)
            answer = text_of(session.ask(f"Who is the keeper of lighthouse pier {k}?"))
        if "indexed for this session only" not in status or KEEPERS[k] not in answer:
            lost.append(k)

    def asker(n: int) -> None:
        question = QUESTIONS[n % len(QUESTIONS)] if n % 5 else f"Who is the keeper of lighthouse pier {n % 10}?"
        with httpx.Client(base_url=url, trust_env=False, timeout=TIMEOUT) as http:
            start.wait()
            started = time.perf_counter()
            reply = ask_api(http, question)
        leaked.extend(name for name in KEEPERS if name in json.dumps(reply))
        _record(questions, reply, started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=UPLOADERS + ASKERS) as pool:
        futures = [pool.submit(uploader, k) for k in range(UPLOADERS)] + [pool.submit(asker, n) for n in range(ASKERS)]
        for future in futures:
            try:
                err = future.exception(timeout=3 * TIMEOUT)  # an upload and a question, each within TIMEOUT
            except FutureTimeout:
                err = TimeoutError(f"no result within {3 * TIMEOUT:.0f} s")
            if err is not None:
                errors.append(f"{type(err).__name__}: {str(err)[:160]}")
    questions.seconds = time.perf_counter() - started
    upload_ms.sort()
    return {"uploads": UPLOADERS, "questions": ASKERS, "errors": len(errors) + len(questions.errors),
            "uploads_lost": len(lost), "uploads_leaked": len(leaked), "first_errors": (errors + questions.errors)[:3],
            "upload_p50_ms": round(upload_ms[len(upload_ms) // 2], 1) if upload_ms else None,
            "upload_max_ms": round(upload_ms[-1], 1) if upload_ms else None, "question_latency": questions.summary()}


def _questions(user: int, count: int, scenario: Scenario, deadline: float) -> list[str]:
    if time.monotonic() > deadline:
        scenario.errors.append("stopped: the run's deadline passed")
        return []
    return [QUESTIONS[(user + n) % len(QUESTIONS)] for n in range(count)]


def _record(scenario: Scenario, reply: object, started: float) -> None:
    elapsed = (time.perf_counter() - started) * 1000
    # The /chat API answers with the `ask --json` object (or {"question", "error"} for a user error).
    if not isinstance(reply, dict) or not isinstance(reply.get("answer"), str) or "Traceback" in str(reply):
        scenario.errors.append(f"bad reply: {str(reply)[:120]!r}")
    else:
        scenario.latencies_ms.append(elapsed)


def run_scenario(server: LiveServer, scenario: Scenario, deadline: float, user: UserFn) -> Scenario:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=scenario.users) as pool:
        futures: list[Future[None]] = [pool.submit(user, server.url, u, scenario.questions, scenario, deadline,
                                                   TIMEOUT) for u in range(scenario.users)]
        for future in futures:
            err = future.exception()  # anything a user's thread raised counts as an error, with its name
            if err is not None:
                scenario.errors.append(f"{type(err).__name__}: {str(err)[:160]}")
    scenario.seconds = time.perf_counter() - started
    return scenario


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run with the fake embedder (about 40 s)")
    parser.add_argument("--client", choices=("gradio", "http"), default="gradio",
                        help="gradio_client sessions (default) or the lighter plain-HTTP API")
    parser.add_argument("--model", help="bundled (default for a full run) or fake (default with --quick)")
    parser.add_argument("--docs", type=Path, default=PROJECT_ROOT / "seeds", help="documents folder (default: seeds/)")
    parser.add_argument("--soak", type=int, help="questions in the memory soak (default 1000; 300 with --quick)")
    parser.add_argument("--max-growth-mb", type=float, default=50.0, help="allowed RSS growth over the soak")
    parser.add_argument("--timeout", type=float, help="stop the whole run after this many seconds")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    model = args.model or ("fake" if args.quick else "bundled")
    per_user = 4 if args.quick else 20
    soak = args.soak or (200 if args.quick else 1000)
    user = gradio_user if args.client == "gradio" else http_user
    deadline = time.monotonic() + (args.timeout or (150 if args.quick else 1200))
    plan = [Scenario("1 user", 1, per_user), Scenario("10 users", 10, per_user), Scenario("50 users", 50, per_user)]

    with tempfile.TemporaryDirectory(prefix="citebot-load-") as tmp, \
            LiveServer(args.docs, Path(tmp) / "index", model=model) as server:
        run_scenario(server, Scenario("warm-up", 1, 5), deadline, user)
        results = [run_scenario(server, s, deadline, user) for s in plan]
        rss = {"before_soak": server.rss_mb()}
        first = run_scenario(server, Scenario("soak, first half", 10, soak // 20), deadline, user)
        rss["soak_halfway"] = server.rss_mb()
        second = run_scenario(server, Scenario("soak, second half", 10, soak // 20), deadline, user)
        rss["after_soak"] = server.rss_mb()
        alive = server.alive()

    with tempfile.TemporaryDirectory(prefix="citebot-load-shared-") as tmp, \
            LiveServer(args.docs, Path(tmp) / "index", model=model, args=("--shared",)) as shared:
        run_scenario(shared, Scenario("warm-up", 1, 5), deadline, user)
        mixed = uploads_with_questions(shared.url, deadline)
        alive = alive and shared.alive()

    growth = rss["after_soak"] - rss["before_soak"]
    report = {"model": model, "client": args.client, "docs": args.docs.name,
              "scenarios": [s.summary() for s in [*results, first, second]],
              "rss_mb": {k: round(v, 1) for k, v in rss.items()}, "soak_questions": soak,
              "soak_growth_mb": round(growth, 1),
              "soak_second_half_growth_mb": round(rss["after_soak"] - rss["soak_halfway"], 1), "server_survived": alive}
    report["uploads_with_questions"] = mixed
    errors = sum(len(s.errors) for s in [*results, first, second]) + mixed["errors"]
    ok = (errors == 0 and alive and growth <= args.max_growth_mb and not mixed["uploads_lost"]
          and not mixed["uploads_leaked"])
    report["verdict"] = "ok" if ok else "FAILED"
    if args.json:
        print(json.dumps(report, allow_nan=False))
    else:
        print(f"Citebot load test — model {model}, {args.client} client, documents {args.docs.name}/, "
              "server queue: 4 at a time, 64 waiting")
        print(f"{'scenario':<20}{'asked':>7}{'ok':>6}{'busy':>6}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
              f"{'q/s':>7}")
        for s in report["scenarios"]:
            p50, p95, top = (str(s[k] if s[k] is not None else "—") for k in ("p50_ms", "p95_ms", "max_ms"))
            print(f"{s['scenario']:<20}{s['asked']:>7}{s['ok']:>6}{s['busy']:>6}{s['errors']:>8}{p50:>9}"
                  f"{p95:>9}{top:>9}{s['per_second']:>7}")
            for line in s["first_errors"]:
                print(f"    error: {line}")
        print(f"server RSS: {rss['before_soak']:.1f} MB before the {soak}-question soak, {rss['soak_halfway']:.1f} MB "
              f"halfway, {rss['after_soak']:.1f} MB after: growth {growth:+.1f} MB (limit {args.max_growth_mb:.0f})")
        q = mixed["question_latency"]
        print(f"shared server, {UPLOADERS} uploads and {ASKERS} questions at once: {mixed['errors']} errors, "
              f"{mixed['uploads_lost']} uploads lost, {mixed['uploads_leaked']} leaked to other sessions; upload "
              f"p50 {mixed['upload_p50_ms']} ms, max {mixed['upload_max_ms']} ms; questions p50 {q['p50_ms']} ms, "
              f"p95 {q['p95_ms']} ms")
        for line in mixed["first_errors"]:
            print(f"    error: {line}")
        print(f"verdict: {report['verdict']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
