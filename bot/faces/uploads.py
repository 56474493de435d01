"""Files a user uploads → checked, named safely, and indexed; one status line per file.

Two policies. Local use (`settings.shared` False): a valid upload is copied into the documents folder
atomically (a hidden temporary file in that folder, then `os.replace`), so it survives a restart, and the
folder is synced. Shared use (`settings.shared` True): nothing is written anywhere; the uploads become a
`PrivateLibrary` — the main documents plus this session's — held in memory by the caller for that
session alone. The web UI calls `receive_uploads` (and `session_bot` to ask the private library); this
module draws nothing and never trusts the browser's file name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.base import Embedder
from bot.errors import DocumentError
from bot.ingest.docs_folder import numbered, safe_name, save_copy
from bot.ingest.reading import SUPPORTED, Limits, read_file, unsupported_reason
from bot.store.base import Store
from bot.store.indexer import StageProgress, build
from bot.types import Document


@dataclass(frozen=True)
class Upload:
    path: Path  # where the web server put the bytes (a temporary file)
    name: str  # the file name the browser sent: untrusted


@dataclass(frozen=True)
class UploadStatus:
    name: str  # the name it is known by in the library (or a cleaned-up form of the name it came with)
    ok: bool
    message: str  # "indexed, 12 passages" | "skipped: the file is empty"

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


@dataclass(frozen=True)
class PrivateLibrary:
    """One session's uploads in shared use, and the in-memory index of the main documents plus them."""

    documents: tuple[Document, ...]
    store: Store


def receive_uploads(bot: Citebot, files: Sequence[Upload], private: PrivateLibrary | None = None,
                    progress: StageProgress | None = None) -> tuple[list[UploadStatus], PrivateLibrary | None]:
    """Check and index `files` by the deployment's policy: statuses in upload order, and (shared use only)
    the session's updated private library, to keep for the next upload and to answer from."""
    if bot.settings.shared:
        return add_private_uploads(bot, files, private, progress)
    return add_uploads(bot, files, progress), None


def add_uploads(bot: Citebot, files: Sequence[Upload], progress: StageProgress | None = None) -> list[UploadStatus]:
    """Local use: copy valid files into the documents folder, sync the index, say what became of each."""
    settings = bot.settings
    statuses: list[UploadStatus] = []
    saved: list[tuple[int, str, str]] = []  # (position, stored name, note for the user)
    for upload, name, problem in _checked(files, settings):
        if not problem:
            try:  # read before anything is written, so a file that cannot be indexed never lands in the folder
                read_file(upload.path, name, limits=Limits.from_settings(settings), progress=progress)
                stored, existed = save_copy(upload.path, settings.docs_dir, name)
            except DocumentError as err:
                problem = str(err)
            except OSError as err:
                problem = f"it could not be saved in the documents folder ({err.strerror or 'input/output error'})"
            else:
                note = " (the same file was there already)" if existed else (
                    f" (saved as {stored}: {name} exists)" if stored != name else "")
                saved.append((len(statuses), stored, note))  # its status is written after the sync
        statuses.append(UploadStatus(name, False, f"skipped: {problem}"))
    if not saved:
        return statuses
    bot.open(progress=progress)
    assert bot.store is not None
    reasons = {s.source: s.reason for s in bot.skipped}
    for i, stored, note in saved:
        if stored in bot.store.documents:
            statuses[i] = UploadStatus(stored, True, f"indexed, {_passages(bot.store, stored)}{note}")
        else:
            why = reasons.get(stored) or bot.held or "it was not indexed"  # held: the index kept, not synced
            statuses[i] = UploadStatus(stored, False, f"skipped: {why}")
    return statuses


def add_private_uploads(bot: Citebot, files: Sequence[Upload], private: PrivateLibrary | None = None,
                        progress: StageProgress | None = None) -> tuple[list[UploadStatus], PrivateLibrary | None]:
    """Shared use: read valid files into memory only and index them with the main documents for this
    session; the documents folder and the index on disk are never touched."""
    settings = bot.settings
    if bot.store is None:
        bot.open()
    assert bot.store is not None
    earlier = private.documents if private is not None else ()
    taken = set(bot.store.documents) | {d.doc_id for d in earlier}
    statuses: list[UploadStatus] = []
    added: list[Document] = []
    for upload, name, problem in _checked(files, settings, already=len(earlier)):
        if not problem:
            doc_id = next(n for n in numbered(name) if n not in taken)  # never shadows a library document
            try:
                added.append(read_file(upload.path, doc_id, limits=Limits.from_settings(settings),
                                       progress=progress))
            except DocumentError as err:
                problem = str(err)
            else:
                taken.add(doc_id)
                statuses.append(UploadStatus(doc_id, True, ""))
                continue
        statuses.append(UploadStatus(name, False, f"skipped: {problem}"))
    if not added:
        return statuses, private
    documents = (*earlier, *added)
    previous = private.store if private is not None else bot.store  # holds the earlier uploads' vectors too
    library = PrivateLibrary(documents, session_store(bot.store, documents, bot.embedder, settings, previous,
                                                      progress))
    return [UploadStatus(s.name, True, f"indexed for this session only, {_passages(library.store, s.name)}")
            if s.ok else s for s in statuses], library


def session_store(main: Store, uploads: Sequence[Document], embedder: Embedder, settings: Settings,
                  previous: Store | None = None, progress: StageProgress | None = None) -> Store:
    """An in-memory index of the main documents plus `uploads`. Vectors come from `previous` (default: the
    main index) wherever the text is the same, so only new uploads are embedded; nothing is written."""
    store, _ = build([*main.documents.values(), *uploads], embedder, settings, previous or main, progress)
    return store


def session_bot(bot: Citebot, private: PrivateLibrary | None) -> Citebot:
    """The bot to ask in one session: the shared one, or one over that session's private library."""
    return bot if private is None else Citebot(bot.settings, embedder=bot.embedder, store=private.store)


def _checked(files: Sequence[Upload], settings: Settings, already: int = 0) -> Iterable[tuple[Upload, str, str]]:
    """(upload, safe name, problem) per file from its name and count alone; the problem is "" when the
    file may be read. `already` counts the uploads a shared session holds from earlier batches."""
    limit = settings.max_upload_files
    for i, upload in enumerate(files):
        try:
            name = safe_name(upload.name)
        except DocumentError as err:
            yield upload, _printable(upload.name), str(err)
            continue
        if i >= limit:
            yield upload, name, f"at most {limit} files can be added at a time; add this one in another batch"
        elif already + i >= limit:
            yield upload, name, f"this session holds {limit} uploaded files, the most it may; start a new session"
        elif Path(name).suffix.lower() not in SUPPORTED:
            yield upload, name, unsupported_reason(name)
        else:
            yield upload, name, ""


def _passages(store: Store, doc_id: str) -> str:
    n = len(store.doc_chunks.get(doc_id, ()))
    return f"{n} passage" if n == 1 else f"{n} passages"


def _printable(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[-80:] or "(unnamed file)"
