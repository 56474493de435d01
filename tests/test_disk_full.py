"""A full disk fails the build with a one-line BotError, keeps the old index and leaves no half-written files.

The real test mounts a 2 MB tmpfs (root only; skipped with the reason otherwise), builds a small index,
then fills the disk with a ballast file so that each file of the next save in turn is the one that does
not fit, in-process and once through `python -m bot index`. Other tests inject ENOSPC and EACCES into
one write, so the behaviour is also checked on machines where mounting is not allowed.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
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
from bot.errors import BotError
from bot.store import faiss_store as store_mod

NO_SPACE = (r"^Not enough disk space to save the index; the previous index is still in use\. Free some space on "
            r"the disk that holds the index folder 'index', then run: python -m bot index$")


# The order in which `store.save` writes its files (bm25s writes its arrays, then the vocabulary and params).
SAVE_ORDER = ("index.faiss", "vectors.npy", "sentences.npy", "chunks.jsonl", "documents.jsonl",
              "bm25/data.csc.index.npy", "bm25/indices.csc.index.npy", "bm25/indptr.csc.index.npy",
              "bm25/vocab.index.json", "bm25/params.index.json", "bm25/df.json", "manifest.json", "CURRENT")
PAGE = 4096  # tmpfs hands out whole pages


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 2 MB tmpfs, mounted for this module only."""
    if os.geteuid() != 0:
        pytest.skip("mounting a 2 MB tmpfs to fill needs root; the injected-ENOSPC test covers the logic")
    mount = tmp_path_factory.mktemp("small-disk")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"this machine does not allow mounting a tmpfs: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.fixture(scope="module")
def libraries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("libraries")
    return {"alpha": write_library(root / "alpha", "alpha", documents=3),
            "beta": write_library(root / "beta", "beta", documents=20)}


@pytest.fixture(scope="module")
def beta_sizes(libraries: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Bytes each file of beta's index takes on tmpfs, measured by building it on the ordinary disk."""
    index = tmp_path_factory.mktemp("beta-index")
    build_in_process(libraries["beta"], index)
    version = next(p for p in index.iterdir() if p.is_dir())
    sizes = {name: (version / name).stat().st_size for name in SAVE_ORDER[:-1]}
    sizes["CURRENT"] = (index / "CURRENT").stat().st_size
    return {name: -(-size // PAGE) * PAGE for name, size in sizes.items()}


@pytest.mark.parametrize("failing", SAVE_ORDER)
def test_a_full_disk_fails_cleanly_and_keeps_the_old_index(failing, small_disk, libraries, beta_sizes) -> None:
    index = small_disk / "index"
    shutil.rmtree(index, ignore_errors=True)
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    build_in_process(libraries["alpha"], index)
    # Fill the disk so that beta's files up to `failing` fit and `failing` itself does not.
    before = SAVE_ORDER[:SAVE_ORDER.index(failing)]
    room = sum(beta_sizes[name] for name in before) + beta_sizes[failing] // 2 // PAGE * PAGE
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"")
    with open(ballast, "wb") as handle:
        handle.write(b"\0" * max(shutil.disk_usage(small_disk).free - room, 0))
    used = shutil.disk_usage(small_disk).used
    try:
        with pytest.raises(BotError, match=NO_SPACE):
            build_in_process(libraries["beta"], index)
        assert check_complete(index, libraries, hashes) == "alpha"
        assert debris(index) == [] and shutil.disk_usage(small_disk).used == used  # nothing half-written left

        if failing == "index.faiss":  # once through the CLI: one line, no traceback, exit 1
            cli = subprocess.run(index_command(libraries["beta"], index), env=bot_env(), cwd=PROJECT_ROOT,
                                 capture_output=True, text=True, timeout=120)
            assert cli.returncode == 1
            assert cli.stderr.strip().splitlines()[-1] == "error: " + NO_SPACE[1:-1].replace("\\", "")
            assert "Traceback" not in cli.stderr and str(small_disk) not in cli.stderr
            assert check_complete(index, libraries, hashes) == "alpha"
    finally:
        ballast.unlink()
    assert build_in_process(libraries["beta"], index) == "built"  # with the space back, the build goes through
    assert check_complete(index, libraries, hashes) == "beta"


def test_an_injected_enospc_fails_cleanly_and_keeps_the_old_index(tmp_path, monkeypatch) -> None:
    index = tmp_path / "index"
    libraries = {name: write_library(tmp_path / name, name, documents=5) for name in ("alpha", "beta")}
    hashes = {name: document_hashes(folder) for name, folder in libraries.items()}
    build_in_process(libraries["alpha"], index)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_mod.np, "save", no_space)
    with pytest.raises(BotError, match=NO_SPACE):
        build_in_process(libraries["beta"], index)
    monkeypatch.undo()
    assert check_complete(index, libraries, hashes) == "alpha"
    assert debris(index) == []


def test_an_unwritable_index_folder_is_a_clean_message(tmp_path, monkeypatch) -> None:
    libraries = {"alpha": write_library(tmp_path / "alpha", "alpha", documents=2)}
    index = tmp_path / "index"

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(store_mod.Path, "mkdir", denied)  # root ignores chmod, so refuse at the call
    with pytest.raises(BotError, match=r"^The index folder 'index' cannot be written; .* pass --index DIR\.$"):
        build_in_process(libraries["alpha"], index)
