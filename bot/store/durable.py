"""Files that survive a crash and say when they are damaged: atomic writes, fsync, SHA-256, JSONL.

The on-disk habits the index relies on, kept apart from what the index holds: a text file replaced
atomically (write a temp file, fsync, rename, fsync the folder), a folder fsynced whole before it is
renamed into place, checksums and sizes to tell a damaged file, and a failed write turned into a message
the user can act on (a full disk, a read-only folder). `crash_point` is the test hook that kills the
process between two steps. What to write and in which order is `store`'s job.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import BotError

_NEARLY_FULL = 1 << 20  # bytes free below which an errno-less failed write is taken for a full disk


def write_error(err: OSError, index_dir: Path) -> BotError | None:
    """What to tell the user about an OSError met while writing the index; None when it is not theirs to fix.

    Called before the half-written folder is removed, so a full disk still looks full.
    """
    if err.errno in (errno.ENOSPC, errno.EDQUOT) or (err.errno is None and _nearly_full(index_dir)):
        return BotError("Not enough disk space to save the index; the previous index is still in use. Free some "
                        f"space on the disk that holds the index folder '{index_dir.name}', then run: "
                        "python -m bot index")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BotError(f"The index folder '{index_dir.name}' cannot be written; the previous index is still in "
                        "use. Check its permissions or pass --index DIR.")
    return None


def _nearly_full(index_dir: Path) -> bool:
    # numpy writes arrays with `tofile`, which reports a full disk as "N requested and M written" with no
    # errno; the free space left at that moment tells it apart.
    try:
        return shutil.disk_usage(index_dir).free < _NEARLY_FULL
    except OSError:
        return False


def crash_point(name: str) -> None:
    """Test hook: with BOT_TEST_CRASH_AT=<name> the process SIGKILLs itself here, as a power cut or the OOM
    killer would, so tests/test_crash_safety.py can prove every step of `save` leaves a loadable index.
    Points, in order: tmp-created, vectors-written, before-manifest, before-rename, after-rename,
    after-current. Unset (always, outside that test), it does nothing."""
    if os.environ.get("BOT_TEST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def intact(path: Path, digest: str, size: int | None, verify: bool, hash_max: int) -> bool:
    """Present, of the recorded size, and (when `verify`, for files up to `hash_max` bytes) of the recorded
    SHA-256. Without a recorded size (older manifests) a verified file is always hashed. A file that
    vanishes while it is checked (a build removed an old version) is not intact."""
    try:
        actual = path.stat().st_size
        if size is not None and actual != size:
            return False
        if not verify or (size is not None and actual > hash_max):
            return True
        return sha256(path) == digest
    except OSError:
        return False


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def write_bytes(path: Path, data: np.ndarray) -> None:
    with open(path, "wb") as handle:
        handle.write(memoryview(np.ascontiguousarray(data)))


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # left only when writing failed (a full disk)
    fsync_dir(path.parent)


def fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
