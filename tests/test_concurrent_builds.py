"""Several processes on one index folder: builds are serialised by the lock, readers never see half an index.

Two `python -m bot index` processes started together both succeed and leave one consistent index; when
the documents changed, exactly one of them builds and the other, having waited for the lock, loads what
it built. A reader process loading in a loop while builds switch versions underneath it only ever gets a
complete index of one library or the other.
"""

from __future__ import annotations

import json
import subprocess
import sys
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


@pytest.fixture
def libraries(tmp_path: Path) -> dict[str, Path]:
    return {name: write_library(tmp_path / name, name, documents=40) for name in ("alpha", "beta")}


def start_index(docs: Path, index: Path, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([*index_command(docs, index), *flags], env=bot_env(), cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err.strip().splitlines()[-1]


def test_two_forced_rebuilds_at_once_both_succeed(libraries, tmp_path) -> None:
    index = tmp_path / "index"
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    procs = [start_index(libraries["alpha"], index, "--rebuild") for _ in range(2)]
    results = [finish(p) for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    assert all(line.startswith("Built the index") for _, line in results), results
    assert check_complete(index, libraries, hashes) == "alpha"
    assert debris(index) == []


def test_after_a_change_one_process_builds_and_the_other_waits_and_loads(libraries, tmp_path) -> None:
    index = tmp_path / "index"
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    build_in_process(libraries["alpha"], index)
    procs = [start_index(libraries["beta"], index) for _ in range(2)]
    results = [finish(p) for p in procs]
    assert [code for code, _ in results] == [0, 0], results
    # Without the lock both would see alpha's index, both would build, and one build would be wasted.
    assert sorted(line.split(" (")[0].split(":")[0] for _, line in results) == ["Built the index",
                                                                                 "The index is up to date"], results
    assert check_complete(index, libraries, hashes) == "beta"
    assert debris(index) == []


READER = """
import json, sys, time
from pathlib import Path
from bot.store import faiss_store as store
from bot.errors import IndexError_
index, stop, expected = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
loads, seen, failures = 0, {}, []
store.load(index)
print("ready", flush=True)
while not stop.exists():
    try:
        s = store.load(index)
    except IndexError_ as err:
        failures.append(str(err))
        continue
    name = next((n for n, h in expected.items() if s.manifest["documents"] == h), None)
    whole = (len(s.chunks), s.size) == (s.manifest["counts"]["chunks"], s.manifest["counts"]["sentences"])
    if name is None or not whole:
        failures.append(f"partial index: {name} {whole}")
    seen[name] = seen.get(name, 0) + 1
    loads += 1
print(json.dumps({"loads": loads, "seen": seen, "failures": failures[:5], "failed": len(failures)}))
"""


def test_a_reader_never_sees_a_half_built_index(libraries, tmp_path) -> None:
    index, stop = tmp_path / "index", tmp_path / "stop"
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    build_in_process(libraries["alpha"], index)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(index), str(stop), json.dumps(hashes)],
                              env=bot_env(), cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    assert reader.stdout.readline().strip() == "ready"  # imported and loading
    builds = 0
    for name in ["beta", "alpha"] * 5:
        assert build_in_process(libraries[name], index) == "built"
        builds += 1
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    result = json.loads(out)
    print(f"\n{builds} builds while the reader loaded {result['loads']} times: {result}")
    assert result["failed"] == 0, result["failures"]
    assert result["loads"] >= 10 and set(result["seen"]) == {"alpha", "beta"}, result
