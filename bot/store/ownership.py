"""An index belongs to the documents folder it was built from; nothing replaces or empties it by accident.

The manifest records that folder (`sources.folder`, an absolute path) and when the index last changed
(`built_at`), in whichever backend holds the index (`backend.read_manifest`: FAISS files or Milvus rows).
From them this module decides three things a sync must not get wrong: which folder a command means when it
names only the index (`recorded_folder`; a damaged index that no longer says is refused, never rebuilt from
the default folder), whether the folder can be trusted at all (`folder_problem`: a missing or unreadable
folder is not "every file deleted"), and whether a plan would empty the index (`empties_index`: that needs
`--rebuild`, or a confirmation in the UI). It only decides and words; `sync` acts on it, and the faces show
the lines.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.errors import IndexError_
from bot.ingest.folder import Skipped
from bot.ingest.reading import SUPPORTED
from bot.store import backend


def folder_key(folder: Path) -> str:
    """The folder as the manifest records it: absolute and normalised, links not followed (a link to an
    unmounted drive keeps the name the user knows)."""
    return os.path.normpath(folder.expanduser().absolute())


def shown(folder: Path | str) -> str:
    """A folder as users see it: relative to the working directory when inside it, else `~/…`, else
    absolute. `'/home/ann/notes'` → `'~/notes'`."""
    path = Path(folder_key(Path(folder)))
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        if path.is_relative_to(base) and path != base and base != Path(base.anchor):
            return prefix + path.relative_to(base).as_posix()
    return path.as_posix()


def recorded_folder(settings: Settings) -> Path | None:
    """The documents folder the index was last synced with, or None (no index yet, an index built before
    folders were recorded, or built from a corpus), read from the live manifest wherever the backend keeps it
    (FAISS files, or Milvus's records collection). A damaged index (its live manifest unreadable) still names
    its folder in an older version's manifest when one parses (only the folder is read from it, never the
    index); when none does, `IndexError_`: rebuilding it from the default folder would replace the user's index."""
    try:
        return manifest_folder(backend.read_manifest(settings))
    except IndexError_ as err:
        damaged = "no index" not in str(err)
    for manifest in backend.older_manifests(settings):
        if (folder := manifest_folder(manifest)) is not None:
            return folder
    if damaged:
        where = f"in Milvus ('{settings.milvus_collection}')" if settings.store == "milvus" else \
            f"in '{shown(settings.index_dir)}'"
        raise IndexError_(f"The index {where} is damaged and no longer says which documents folder it was built "
                          "from; pass --docs DIR (that folder) to rebuild it.")
    return None


def manifest_folder(manifest: dict[str, Any]) -> Path | None:
    folder = manifest.get("sources", {}).get("folder")
    return Path(folder) if isinstance(folder, str) and folder else None


def folder_problem(folder: Path) -> str:
    """Why `folder` cannot be listed ("was not found", "could not be opened (Permission denied)"), or ""."""
    try:
        with os.scandir(folder) as entries:
            next(entries, None)
    except FileNotFoundError:
        return "was not found"
    except NotADirectoryError:
        return "is not a folder"
    except OSError as err:  # strerror holds no path
        return f"could not be opened ({err.strerror or 'input/output error'})"
    return ""


def empties_index(documents: dict[str, Any], removed: tuple[str, ...]) -> bool:
    """True when a sync would remove every document the index holds (and it holds some)."""
    return bool(documents) and set(documents) <= set(removed)


def since(manifest: dict[str, Any]) -> str:
    """" (unchanged since 2026-11-29 15:40 UTC)" from the manifest's `built_at`, or "" when unknown."""
    stamp = manifest.get("built_at")
    return f" (unchanged since {stamp})" if isinstance(stamp, str) and stamp else ""


def now_stamp() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def kept_line(folder: Path, problem: str, manifest: dict[str, Any], documents: int) -> str:
    """The one line a sync prints when it keeps the index because the folder cannot be read."""
    return (f"The documents folder '{shown(folder)}' {problem}; the index is kept and answers come from its "
            f"{documents} documents{since(manifest)}.")


REBUILD_HINT = "run: python -m bot index --rebuild"  # the UI offers a button instead


def emptying_line(folder: Path, manifest: dict[str, Any], documents: int) -> str:
    """The one line a sync prints when the folder holds none of the index's documents any more."""
    return (f"The documents folder '{shown(folder)}' holds none of the index's {documents} documents (is a drive "
            f"unmounted?); the index is kept and answers come from it{since(manifest)}. To remove them all, "
            f"{REBUILD_HINT}")


def switch_line(recorded: Path, folder: Path, removed: int, documents: int, planned: bool = False) -> str:
    """The line a sync prints when it follows another folder than the one the index was built from (`planned`:
    the line of a dry run, which changes nothing)."""
    if planned:
        return (f"The index was built from '{shown(recorded)}'; indexing '{shown(folder)}' instead would remove "
                f"{removed} of its {documents} documents.")
    return (f"The index was built from '{shown(recorded)}'; it now follows '{shown(folder)}' as asked, which "
            f"removes {removed} of its {documents} documents.")


def unchanged_line(manifest: dict[str, Any], documents: int) -> str:
    """Said after a refusal that leaves an index as it was, so the user knows what still answers."""
    recorded = manifest_folder(manifest)
    plural = 's' if documents != 1 else ''
    return f" The index ({documents} document{plural}{f' from {shown(recorded)!r}' if recorded else ''}) is unchanged."


def follow_index(settings: Settings, folder_named: bool) -> tuple[Settings, str]:
    """`settings` with the documents folder the index was built from, unless one was named (`--docs`,
    `BOT_DOCS_DIR`): `ask --index ~/idx` answers from ~/idx's own documents, never syncs it with `seeds/`.
    Also the line that says so, when that folder is not the one the settings held ("" otherwise)."""
    recorded = None if folder_named else recorded_folder(settings)
    if recorded is None or folder_key(recorded) == folder_key(settings.docs_dir):
        return settings, ""
    return settings.with_(docs_dir=recorded), (f"Documents: '{shown(recorded)}', the folder this index was built "
                                               "from (pass --docs DIR for another).")


def no_documents_line(skipped: Sequence[Skipped]) -> str:
    """Why a sync found nothing to index: the files it skipped and why (not "no documents" beside a folder of
    files), or which files it reads."""
    if not skipped:
        return (f"There are no readable documents to index; add {', '.join(sorted(SUPPORTED))} files to the "
                "documents folder or pass --docs DIR.")
    reasons = "; ".join(str(s) for s in sorted(skipped, key=lambda s: s.source)[:3])
    return (f"There are no readable documents to index: {len(skipped)} file(s) were skipped ({reasons}"
            f"{'; …' if len(skipped) > 3 else ''}).")
