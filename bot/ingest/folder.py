"""A folder on disk → the files to read (with size and modification time) and `Document`s.

`scan_folder` finds supported files and says, one `Skipped` line each, why any other candidate is left
out: a link leading outside the folder, a broken link, a link to a file that is indexed already, a file
over the size limit. Reading is per file and never stops the rest. Hidden files and folders (a leading
dot) and unsupported extensions are passed over quietly: a documents folder may hold anything. Paths in
messages and ids are relative to the folder. Deciding what to re-read is `sync`'s job; formats are `readers`'.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.errors import BotError, DocumentError
from bot.ingest.reading import MB, SUPPORTED, Limits, read_file
from bot.types import Document

FOLDER_UNREADABLE = "the folder could not be opened"  # a Skipped whose source ends in "/" is a folder


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: skipped, {self.reason}"


@dataclass(frozen=True)
class FoundFile:
    """A file to read: its id (the path relative to the folder), where it is, and what `stat` said."""

    source: str
    path: Path
    size: int
    mtime_ns: int


def require_folder(folder: Path) -> None:
    """Raise the one line a user sees when the documents folder is not there."""
    if not folder.is_dir():
        raise BotError(f"The documents folder '{folder.name}' does not exist; create it or pass --docs DIR.")


def scan_folder(folder: Path, max_bytes: int = 50 * MB) -> tuple[list[FoundFile], list[Skipped]]:
    """Supported files under `folder` in sorted order, and a line for each one left out."""
    require_folder(folder)
    root = folder.resolve()
    candidates: list[tuple[str, Path]] = []
    skipped: list[Skipped] = []

    def unreadable(err: OSError) -> None:  # os.walk would pass over it silently: its files would look deleted
        if err.filename is not None and Path(err.filename) != folder:
            skipped.append(Skipped(Path(err.filename).relative_to(folder).as_posix() + "/",
                                   f"{FOLDER_UNREADABLE} ({err.strerror or 'input/output error'})"))
    for current, dirs, files in os.walk(folder, onerror=unreadable):  # does not descend into linked folders
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            if (here / name).is_symlink() and not (here / name).resolve().is_relative_to(root):
                skipped.append(Skipped((here / name).relative_to(folder).as_posix(),
                                       "the link points outside the documents folder"))
        candidates.extend(((here / f).relative_to(folder).as_posix(), here / f) for f in files
                          if not f.startswith(".") and Path(f).suffix.lower() in SUPPORTED)
    candidates.sort()
    real_files = {path.resolve() for _, path in candidates if not path.is_symlink()}
    found: list[FoundFile] = []
    for source, path in candidates:
        reason = _link_problem(path, root, real_files) if path.is_symlink() else ""
        if not reason:
            try:
                stat = path.stat()
            except OSError as err:
                reason = f"the file could not be opened ({err.strerror or 'input/output error'})"
            else:
                if stat.st_size > max_bytes:
                    reason = f"the file is larger than the {max_bytes // MB} MB limit"
                else:
                    found.append(FoundFile(source, path, stat.st_size, stat.st_mtime_ns))
        if reason:
            skipped.append(Skipped(source, reason))
    return found, sorted(skipped, key=lambda s: s.source)


def _link_problem(path: Path, root: Path, real_files: set[Path]) -> str:
    target = path.resolve()
    if not target.is_relative_to(root):
        return "the link points outside the documents folder"
    if not target.is_file():
        return "the link points to a file that does not exist"
    if target in real_files:
        return f"it links to {target.relative_to(root).as_posix()}, which is indexed already"
    return ""


def read_folder(folder: Path, limits: Limits | None = None) -> tuple[list[Document], list[Skipped]]:
    """Every readable document under `folder` (no index involved), and a line for each file skipped."""
    limits = limits or Limits()
    found, skipped = scan_folder(folder, limits.max_bytes)
    documents: list[Document] = []
    for item in found:
        try:
            documents.append(read_file(item.path, item.source, limits=limits))
        except DocumentError as err:
            skipped.append(Skipped(item.source, str(err)))
    return documents, sorted(skipped, key=lambda s: s.source)
