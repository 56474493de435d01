"""Kill the index build (SIGKILL, as a power cut or the OOM killer would) and check nothing is lost.

A build of library beta runs over a good index of library alpha and is killed either at each named step
of `store.save` (the BOT_TEST_CRASH_AT hook) or, in the slow test, at 50 random moments. After every kill
the index that loads is complete — all of alpha or all of beta, every checksum right, and it answers the
marker question correctly — and the next build removes whatever the killed one left behind.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from stress_corpus import (
    bot_env,
    build_in_process,
    check_complete,
    debris,
    document_hashes,
    index_command,
    write_library,
)

from bot.config import PROJECT_ROOT
from bot.store import faiss_store as store_mod

CRASH_POINTS = ("tmp-created", "vectors-written", "before-manifest", "before-rename", "after-rename",
                "after-current")


@pytest.fixture
def libraries(tmp_path: Path) -> dict[str, Path]:
    return {name: write_library(tmp_path / name, name, documents=20) for name in ("alpha", "beta")}


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_kill_at_each_step_of_a_save_leaves_a_complete_index(point, libraries, tmp_path) -> None:
    index = tmp_path / "index"
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    build_in_process(libraries["alpha"], index)

    killed = subprocess.run(index_command(libraries["beta"], index), env=bot_env(BOT_TEST_CRASH_AT=point),
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = debris(index)
    assert left, f"a kill at {point} should leave something behind for the next build to clean"
    # Until CURRENT is replaced the old index is the live one; from then on, the new one.
    assert check_complete(index, libraries, hashes) == ("beta" if point == "after-current" else "alpha")
    assert build_in_process(libraries["beta"], index) == ("loaded" if point == "after-current" else "built")
    assert debris(index) == []
    assert check_complete(index, libraries, hashes) == "beta"


def test_debris_is_removed_even_when_the_next_run_only_loads(libraries, tmp_path) -> None:
    index = tmp_path / "index"
    build_in_process(libraries["alpha"], index)
    (index / ".tmp-v20250101T000000-abcdef" / "bm25").mkdir(parents=True)
    (index / ".CURRENT.12345.tmp").write_text('{"vers', encoding="utf-8")
    (index / "v20250101T000000-abcdef").mkdir()
    (index / "README.md").write_text("not ours to delete", encoding="utf-8")
    (index / "vacation-photos").mkdir()

    assert build_in_process(libraries["alpha"], index) == "loaded"

    assert debris(index) == []
    assert (index / "README.md").is_file() and (index / "vacation-photos").is_dir()  # not ours: kept


def test_a_killed_first_build_is_reported_as_no_index_then_rebuilt(libraries, tmp_path) -> None:
    index = tmp_path / "index"
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    killed = subprocess.run(index_command(libraries["alpha"], index), env=bot_env(BOT_TEST_CRASH_AT="after-rename"),
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    with pytest.raises(store_mod.IndexError_, match=r"^There is no index yet"):
        store_mod.load(index)
    assert build_in_process(libraries["alpha"], index) == "built"
    assert check_complete(index, libraries, hashes) == "alpha"
    assert [p.name for p in index.iterdir() if p.is_dir()] == [json.loads((index / "CURRENT").read_text())["version"]]


# ---- 50 kills at random moments -------------------------------------------------------------------------

RANDOM_KILLS = 50
LANES = 2  # two independent index folders killed in parallel, one per core


def _classify(index: Path, before: str, returncode: int) -> str:
    after = json.loads((index / "CURRENT").read_text())["version"]
    tmp = [p for p in index.iterdir() if p.name.startswith(".tmp-")]
    versions = [p for p in index.iterdir() if p.is_dir() and p.name.startswith("v")]
    if returncode == 0:
        return "finished before the kill"
    if tmp:
        return ("killed with the new folder written, before its rename" if (tmp[0] / "manifest.json").exists()
                else "killed while writing the new folder's files")
    if after == before:
        return "killed between rename and switch" if len(versions) > 1 else "killed before the save began"
    return "killed after the switch, before cleanup" if len(versions) > 1 else "killed after cleanup, at exit"


def _calibrate(libraries: dict[str, Path], index: Path) -> tuple[float, float]:
    """A full build's length, and how long its save lasts (from the `.tmp-` folder to the switch)."""
    before = (index / "CURRENT").read_text()
    started = time.perf_counter()
    proc = subprocess.Popen(index_command(libraries["beta"], index), env=bot_env(), cwd=PROJECT_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    save_at = switch_at = None
    while proc.poll() is None:
        now = time.perf_counter() - started
        if save_at is None and any(p.name.startswith(".tmp-") for p in index.iterdir()):
            save_at = now
        if switch_at is None and (index / "CURRENT").read_text() != before:
            switch_at = now
        time.sleep(0.001)
    total = time.perf_counter() - started
    assert proc.returncode == 0
    return total, max((switch_at or total) - (save_at or total), 0.01)


def _wait_for_save(index: Path, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.perf_counter() + timeout
    while proc.poll() is None and time.perf_counter() < deadline:
        if any(p.name.startswith(".tmp-") for p in index.iterdir()):
            return
        time.sleep(0.001)


def _lane(index: Path, libraries: dict[str, Path], hashes: dict[str, dict[str, str]], kills: int, seed: int,
          outcomes: list[str], failures: list[str]) -> None:
    rng = random.Random(seed)
    build_in_process(libraries["alpha"], index)
    total, save_length = _calibrate(libraries, index)  # leaves beta built
    live = "beta"
    done = 0
    for n in range(2 * kills):  # a run that ends before its kill lands does not count; give up at twice
        if done == kills:
            return
        other = "alpha" if live == "beta" else "beta"
        before = json.loads((index / "CURRENT").read_text())["version"]
        proc = subprocess.Popen(index_command(libraries[other], index), env=bot_env(), cwd=PROJECT_ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Half the kills at any moment of the run; half timed from the start of the save, which is short
        # (a tenth of the run) but where every interesting on-disk state lives.
        if n % 2 == 0:
            delay = rng.uniform(0, total * 0.9)
        else:
            _wait_for_save(index, proc)
            delay = rng.uniform(0, save_length)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        outcomes.append(_classify(index, before, proc.returncode))
        done += proc.returncode == -signal.SIGKILL
        try:
            live = check_complete(index, libraries, hashes)
        except (AssertionError, store_mod.IndexError_) as err:
            failures.append(f"kill {n} ({outcomes[-1]}): {err}")
            return


@pytest.mark.slow
def test_fifty_random_kills_never_leave_a_partial_index(tmp_path) -> None:
    libraries = {name: write_library(tmp_path / name, name, documents=80, paragraphs=8) for name in ("alpha", "beta")}
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    outcomes: list[str] = []
    failures: list[str] = []
    lanes = [threading.Thread(target=_lane, args=(tmp_path / f"index-{lane}", libraries, hashes,
                                                  RANDOM_KILLS // LANES, lane, outcomes, failures))
             for lane in range(LANES)]
    for lane in lanes:
        lane.start()
    for lane in lanes:
        lane.join()

    summary = Counter(outcomes)
    kills = len(outcomes) - summary["finished before the kill"]
    print(f"\n{len(outcomes)} runs, {kills} killed by SIGKILL, {len(failures)} partial or failed loads:")
    for outcome, count in summary.most_common():
        print(f"  {count:3d}  {outcome}")
    assert failures == []
    assert kills == RANDOM_KILLS
    inside_save = sum(count for outcome, count in summary.items() if "rename" in outcome or "writing" in outcome)
    assert inside_save >= 5, "too few kills landed inside the save for this test to mean much"
    for lane in range(LANES):
        index = tmp_path / f"index-{lane}"
        build_in_process(libraries["alpha"], index)
        assert debris(index) == []
