"""Putting a file into the documents folder safely: a clean name, a free name, an atomic copy.

`safe_name` keeps only the last part of a name a browser sent and strips control characters and leading
dots, so nothing lands outside the folder or hidden in it. `save_copy` claims a free name (`tea.md`,
then `tea (2).md` …) with O_EXCL, writes a hidden temporary file in the same folder, fsyncs it and
`os.replace`s it into place, so a crash never leaves half a file under a real name. Deciding what to
upload and indexing it is `uploads`'s job.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from bot.errors import DocumentError

_MAX_NAME_BYTES = 200  # file systems allow 255; room is left for a " (12)" suffix


def safe_name(name: str) -> str:
    """`name` without directory parts, control characters or leading dots; `DocumentError` when nothing
    usable is left. `'../../etc/passwd.txt'` → `'passwd.txt'`."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(c).startswith("Z") else c for c in name
                   if not unicodedata.category(c).startswith("C"))  # Cc, Cf, Co, Cs, Cn: NUL, RTL tricks …
    name = " ".join(name.split()).lstrip(". ").rstrip(" ")
    stem, suffix = os.path.splitext(name)
    if len(suffix) > 16:  # not an extension anyone uses; keep it in the stem, where it is cut to size
        stem, suffix = name, ""
    budget = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")  # never splits a character in two
    if not stem.strip(". "):
        raise DocumentError("the file name has no usable characters; rename the file and upload it again")
    return stem.rstrip() + suffix


def save_copy(source: Path, folder: Path, name: str) -> tuple[str, bool]:
    """Copy `source` into `folder` under `name`, or `name (2)` … when taken; (stored name, was it there)."""
    folder.mkdir(parents=True, exist_ok=True)
    for candidate in numbered(name):
        target = folder / candidate
        try:
            # O_EXCL claims the name atomically (it also refuses a symlink planted under that name).
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            if target.is_file() and not target.is_symlink() and same_bytes(target, source):
                return candidate, True
            continue
        temporary = folder / f".upload-{os.getpid()}-{os.urandom(4).hex()}.tmp"  # hidden: syncs pass over it
        try:
            with open(source, "rb") as src, open(temporary, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(temporary, target)
        except OSError:
            temporary.unlink(missing_ok=True)
            target.unlink(missing_ok=True)
            raise
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return candidate, False
    raise OSError(0, "too many files with this name")


def numbered(name: str, limit: int = 1000) -> Iterable[str]:
    stem, suffix = os.path.splitext(name)
    yield name
    yield from (f"{stem} ({n}){suffix}" for n in range(2, limit))


def same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            block = fa.read(1 << 20)
            if block != fb.read(1 << 20):
                return False
            if not block:
                return True
