"""Reader fuzzing: damaged files of every format beside good ones; `index` must never crash.

`FORMATS` is the table: one row per format (suffix, valid samples from bench/fuzz_samples.py, damages from
bench/fuzz_damage*.py). A row whose suffix is not in `SUPPORTED` is passed over, so a new reader is fuzzed
by one line here. Per format N damaged files go into one folder beside a good file per supported format;
then (1) each damaged file is read alone, in a fresh process per format (peak memory: RUSAGE_CHILDREN for
reader children, VmHWM in-process): read, or a `DocumentError`, anything else a crash; (2) `python -m bot
index` (fake embedder) over the folder: exit 0, each damaged file indexed or on one plain "skipped" line;
(3) every good file's question is answered from it. tests/test_reader_fuzz.py runs a sample in CI.

    .venv/bin/python bench/fuzz_readers.py              # 200 damaged files per format (long: see docs/notes/fuzz.md)
    .venv/bin/python bench/fuzz_readers.py --count 20 --formats .pdf,.docx --json
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fuzz_damage as damage
from bench import fuzz_damage_docs as docs
from bench import fuzz_samples as samples
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.errors import BotError, DocumentError
from bot.ingest.reading import SUPPORTED, Limits, read_file
from bot.store.faiss_store import load, read_manifest


@dataclass(frozen=True)
class Format:
    suffix: str
    makers: tuple[Callable[[list[str]], bytes], ...]  # valid samples; damaged copies take turns between them
    damages: tuple[damage.Damage, ...]


_ZIP = damage.BYTES + damage.ZIP
FORMATS: tuple[Format, ...] = (
    Format(".txt", (samples.txt,), damage.BYTES + docs.TEXT),
    Format(".md", (samples.md,), damage.BYTES + docs.TEXT),
    Format(".html", (samples.html,), damage.BYTES + docs.HTML + docs.TEXT),
    Format(".pdf", (samples.pdf, samples.pdf_object_stream), damage.BYTES + docs.PDF),
    Format(".docx", (samples.docx,), _ZIP),
    Format(".pptx", (samples.pptx,), _ZIP),
    Format(".xlsx", (samples.xlsx,), _ZIP),
    Format(".epub", (samples.epub,), _ZIP + docs.HTML),
    Format(".odt", (samples.odt,), _ZIP),
    Format(".eml", (samples.eml,), damage.BYTES + docs.MAIL),
    Format(".csv", (samples.csv_,), damage.BYTES + docs.CSV),
    Format(".rtf", (samples.rtf,), damage.BYTES + docs.RTF),
    Format(".png", (samples.png,), damage.BYTES + docs.IMAGE),
)
VICTIM = ["Harbour report", "The ferry to the island leaves at noon on Sundays.",
          "Gulls nest on the breakwater every spring, and the harbour master counts them in May."]
WORDS = ("amber", "basalt", "cobalt", "dolomite", "emerald", "feldspar", "garnet", "hematite", "indigo", "jasper",
         "kyanite", "lapis", "malachite", "nephrite", "obsidian", "peridot", "quartz", "rhodonite")
ENV = {"BOT_MODEL": "fake", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "LANG": "C.UTF-8"}


def supported() -> list[Format]:
    return [f for f in FORMATS if f.suffix in SUPPORTED]


def good_fact(n: int) -> tuple[list[str], str, str]:
    """(paragraphs, question, the word only its answer holds) of the n-th good file."""
    word = WORDS[n % len(WORDS)]
    return ([f"Lighthouse {word}", f"The keeper of lighthouse {word} is a {word} owl who counts ships at dusk."],
            f"Who is the keeper of lighthouse {word}?", word)


def damaged(fmt: Format, count: int, seed: int = 14,
            kinds: tuple[damage.Damage, ...] | None = None) -> list[tuple[str, bytes]]:
    """`count` damaged files of `fmt` (name, bytes): damages (all of the format's, or `kinds`) in turn,
    each with its own seeded generator."""
    originals = [make(VICTIM) for make in fmt.makers]
    kinds = kinds or fmt.damages
    out = []
    for i in range(count):
        hurt = kinds[i % len(kinds)]
        rng = random.Random(f"{seed}-{fmt.suffix}-{i}")
        original = originals[(i // len(fmt.damages)) % len(originals)]
        data = hurt(original, rng) or b"\0"
        if data == original:  # the damage found nothing of its kind to break in this sample (an xref table
            data = damage.bit_flips(original, rng)  # inside an object-stream PDF): flip bits instead
        out.append((f"fuzz{fmt.suffix[1:]}-{i:03d}-{hurt.__name__}{fmt.suffix}", data))
    return out


def one_of_each(formats: list[Format]) -> dict[str, tuple[damage.Damage, ...]]:
    """Every damage kind once, each given to the format (of those it applies to) that has the fewest so
    far: the CI sample, which covers every kind and every format in a few dozen files."""
    given: dict[str, list[damage.Damage]] = {f.suffix: [] for f in formats}
    for kind in dict.fromkeys(d for f in formats for d in f.damages):
        takers = [f.suffix for f in formats if kind in f.damages]
        given[min(takers, key=lambda suffix: len(given[suffix]))].append(kind)
    return {suffix: tuple(kinds) for suffix, kinds in given.items() if kinds}


def lay_out(folder: Path, formats: list[Format], count: int, seed: int = 14,
            kinds: dict[str, tuple[damage.Damage, ...]] | None = None) -> tuple[list[str], dict[str, str]]:
    """Write damaged files of `formats` (`count` each, or one per damage in `kinds[suffix]`) and one good
    file per supported format into `folder`; returns the damaged names and {good file name: its question}."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for fmt in formats:
        chosen = kinds.get(fmt.suffix, ()) if kinds is not None else None
        if chosen == ():
            continue
        for name, data in damaged(fmt, len(chosen) if chosen else count, seed, chosen):
            (folder / name).write_bytes(data)
            names.append(name)
    good = {}
    for n, fmt in enumerate(supported()):
        paragraphs, question, _ = good_fact(n)
        name = f"good-{n:02d}{fmt.suffix}"
        (folder / name).write_bytes(fmt.makers[0](paragraphs))
        good[name] = question
    return names, good


def read_each(folder: Path, names: list[str], settings: Settings) -> dict[str, object]:
    """Step 1 in this process: every file read alone; outcomes, times and peak memory."""
    limits = Limits.from_settings(settings)
    seconds, crashes, reasons, slowest = [], [], {}, {}
    read = 0
    for name in names:
        started = time.perf_counter()
        try:
            read_file(folder / name, name, limits=limits)
            read += 1
        except DocumentError as err:
            reasons[name] = str(err)
        except Exception as err:  # noqa: BLE001 - a crash is what this bench counts
            crashes.append(f"{name}: {type(err).__name__}: {str(err)[:200]}")
        seconds.append(time.perf_counter() - started)
        kind = name.split("-", 2)[2].rsplit(".", 1)[0]  # the damage's name
        slowest[kind] = max(slowest.get(kind, 0.0), round(seconds[-1], 2))
    return {"files": len(names), "read": read, "skipped": len(reasons), "crashes": crashes,
            "max_s": round(max(seconds, default=0), 2), "p50_s": round(statistics.median(seconds or [0]), 3),
            "total_s": round(sum(seconds), 1),
            "child_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
            "self_peak_mb": _peak_mb(), "reasons": dict(Counter(reasons.values()).most_common()),
            "slowest_s_by_damage": dict(sorted(slowest.items(), key=lambda kv: -kv[1]))}


def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM: unlike ru_maxrss it does not carry a parent's peak over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def index_and_ask(folder: Path, index: Path, names: list[str], good: dict[str, str],
                  env: dict[str, str] | None = None) -> dict[str, object]:
    """Steps 2 and 3 through the real CLI; the problems found, as lines (empty when all is well)."""
    env = {**ENV, **(env or {})}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "index", "--docs", str(folder), "--index", str(index)],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - started
    problems = []
    if done.returncode != 0 or "Traceback" in done.stderr:
        problems.append(f"index exited {done.returncode}: {done.stderr[-1500:]}")
    lines = done.stderr.replace("\r", "\n").splitlines()
    skips: dict[str, list[str]] = {}
    for line in lines:
        name, sep, reason = line.partition(": skipped, ")
        if sep:
            skips.setdefault(name, []).append(reason)
    manifest = _manifest(index)
    indexed = set(manifest.get("documents", {}))
    for name in names:
        if name in indexed:
            continue
        if len(skips.get(name, [])) != 1:
            problems.append(f"{name}: neither indexed nor skipped on one line ({skips.get(name)})")
        elif not _plain(skips[name][0]):
            problems.append(f"{name}: reason is not one plain line: {skips[name][0][:200]!r}")
    texts = _texts(index)
    leaked = [d for d in indexed if "root:x:0:0" in texts.get(d, "")]
    problems += [f"{d}: holds /etc/passwd (an external entity was resolved)" for d in leaked]
    asked = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--docs", str(folder), "--index",
                            str(index)], input="\n".join(good.values()) + "\n", cwd=PROJECT_ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    rows = [json.loads(line) for line in asked.stdout.splitlines() if line.strip()]
    answered = 0
    for (name, question), row in zip(good.items(), rows, strict=False):
        cited = [c["doc_id"] for c in row.get("citations", [])]
        if cited[:1] == [name]:
            answered += 1
        else:
            problems.append(f"good file {name} not answered for {question!r}: cited {cited[:3]}")
    return {"index_s": round(seconds, 1), "indexed": len(indexed & set(names)), "skipped": len(skips),
            "good_answered": f"{answered}/{len(good)}", "problems": problems}


def _plain(reason: str) -> bool:
    return (0 < len(reason) <= 400 and "\n" not in reason and "Traceback" not in reason and "/tmp/" not in reason
            and not any(word in reason for word in ("Error:", "Exception", "errno")))


def _manifest(index: Path) -> dict[str, object]:
    try:
        return read_manifest(index)
    except BotError:  # no index at all: the exit status has said so
        return {}


def _texts(index: Path) -> dict[str, str]:
    try:
        return {doc_id: d.text for doc_id, d in load(index, verify=False).documents.items()}
    except BotError:
        return {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="damaged files per format (default 200)")
    parser.add_argument("--formats", help="comma-separated suffixes (default: every supported one)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--read-each", nargs=2, metavar=("FOLDER", "SUFFIX"), help=argparse.SUPPRESS)
    parser.add_argument("--lay-out", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    wanted = set(args.formats.split(",")) if args.formats else None
    formats = [f for f in supported() if wanted is None or f.suffix in wanted]
    if args.lay_out:  # in its own process: building a bomb peaks at ~1 GB, which children would inherit as
        names, good = lay_out(Path(args.lay_out), formats, args.count, args.seed)  # their ru_maxrss
        print(json.dumps({"names": names, "good": good}))
        return 0
    if args.read_each:  # step 1 for one format, in its own process (see the module docstring)
        folder, suffix = Path(args.read_each[0]), args.read_each[1]
        names = sorted(p.name for p in folder.iterdir() if p.name.startswith(f"fuzz{suffix[1:]}-"))
        print(json.dumps(read_each(folder, names, load_settings())))
        return 0
    passed_over = [f.suffix for f in FORMATS if f.suffix not in SUPPORTED]
    report: dict[str, object] = {"count": args.count, "seed": args.seed, "not_supported_yet": passed_over,
                                 "formats": {}}
    with tempfile.TemporaryDirectory(prefix="citebot-fuzz-") as tmp:
        folder = Path(tmp) / "docs"
        laid = json.loads(subprocess.run([sys.executable, __file__, "--lay-out", str(folder), "--count",
                                          str(args.count), "--seed", str(args.seed), *(["--formats", args.formats]
                                          if args.formats else [])], cwd=PROJECT_ROOT, env=ENV, check=True,
                                         capture_output=True, text=True).stdout)
        names, good = laid["names"], laid["good"]
        for fmt in formats:
            done = subprocess.run([sys.executable, __file__, "--read-each", str(folder), fmt.suffix],
                                  cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True, timeout=7200)
            report["formats"][fmt.suffix] = json.loads(done.stdout) if done.returncode == 0 else {
                "crashes": [f"reader pass exited {done.returncode}: {done.stderr[-800:]}"]}
            _say(args.json, fmt.suffix, report["formats"][fmt.suffix])
        report["index"] = index_and_ask(folder, Path(tmp) / "index", names, good)
    crashes = sum(len(r.get("crashes", [])) for r in report["formats"].values())
    ok = crashes == 0 and not report["index"]["problems"]
    report["verdict"] = "ok" if ok else "FAILED"
    if args.json:
        print(json.dumps(report, allow_nan=False))
    else:
        print(f"index: {report['index']['index_s']} s for {len(names) + len(good)} files, "
              f"{report['index']['indexed']} damaged files indexed, {report['index']['skipped']} skipped, "
              f"good files answered {report['index']['good_answered']}")
        for line in report["index"]["problems"][:20]:
            print(f"  PROBLEM {line}")
        print(f"not supported yet (passed over): {', '.join(passed_over) or 'none'}")
        print(f"verdict: {report['verdict']}")
    return 0 if ok else 1


def _say(quiet: bool, suffix: str, row: dict[str, object]) -> None:
    if quiet:
        return
    print(f"{suffix:<6} {row.get('files', 0):>4} files: {row.get('read', 0):>4} read, {row.get('skipped', 0):>4} "
          f"skipped, {len(row.get('crashes', [])):>2} crashes; per file p50 {row.get('p50_s')} s, max "
          f"{row.get('max_s')} s; peak memory: reader children {row.get('child_peak_mb')} MB, in-process "
          f"{row.get('self_peak_mb')} MB", flush=True)
    for line in row.get("crashes", [])[:5]:
        print(f"    CRASH {line}")
    for reason, n in list(row.get("reasons", {}).items())[:8]:
        print(f"    {n:>4} × {reason[:150]}")
    slow = ", ".join(f"{k} {v} s" for k, v in list(row.get("slowest_s_by_damage", {}).items())[:6])
    print(f"    slowest per damage: {slow}")


if __name__ == "__main__":
    sys.exit(main())
