"""Keep the index in step with a documents folder, reading only what changed since the last sync.

The index manifest records, per file, its size, `mtime_ns` and SHA-256 (and the reason, when it could not
be read). A sync compares the folder with those records: a file with the same size and time is not opened
at all and its stored `Document` is re-used; a file with new bytes is read again; a new file whose bytes
match a vanished one is a rename. `plan_sync` only decides and is what `index --dry-run` prints;
`sync_folder` reads and hands the documents to `indexer`, which embeds only text it has not seen.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.embed.base import Embedder
from bot.errors import BotError, DocumentError, IndexError_
from bot.ingest.folder import FoundFile, Skipped, scan_folder
from bot.ingest.reading import READER_VERSION, Limits, read_file
from bot.ingest.scanned import OcrOptions
from bot.store import backend
from bot.store.base import Store
from bot.store.indexer import BuildReport, StageProgress, load_previous, settings_reason, update_index
from bot.types import Document

Record = dict[str, Any]  # {"size", "mtime_ns", "sha256"} and "skipped" (the reason) when it was unreadable


@dataclass(frozen=True)
class SyncPlan:
    """What a sync will do with each file, by name (relative to the documents folder)."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (old name, new name)
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()  # known to be unreadable without opening them again
    reread: str = ""  # why every file is read again ("" when unchanged files are re-used)
    reembed: str = ""  # why every document is embedded again ("" when vectors are re-used)
    records: dict[str, Record] = field(default_factory=dict, compare=False, repr=False)

    @property
    def up_to_date(self) -> bool:
        return not (self.added or self.changed or self.removed or self.renamed or self.reread or self.reembed)

    def summary(self) -> str:
        """The changes in counts: "files: 1 changed, 1 renamed" ("" when there are none)."""
        counts = [(len(self.added), "added"), (len(self.changed), "changed"), (len(self.removed), "removed"),
                  (len(self.renamed), "renamed")]
        parts = [f"{n} {what}" for n, what in counts if n]
        return "files: " + ", ".join(parts) if parts else ""

    def lines(self, changes_only: bool = False) -> list[str]:
        """The plan in words, one line per kind of change, with file names; `changes_only` leaves out the
        unchanged and skipped files and kinds with nothing in them."""
        lines = [f"Every file will be read again: {self.reread}."] if self.reread else []
        lines += [f"Every document will be embedded: {self.reembed}."] if self.reembed else []
        kinds = [("to add", self.added), ("changed", self.changed), ("removed", self.removed),
                 ("renamed", [f"{a} → {b}" for a, b in self.renamed]), ("unchanged", self.unchanged)]
        for label, names in kinds[:4] if changes_only else kinds:
            if names or not changes_only:
                lines.append(f"{len(names)} {label}" + (f": {_names(names)}" if names else ""))
        if self.skipped and not changes_only:
            lines.append(f"{len(self.skipped)} skipped: " + _names([f"{s.source} ({s.reason})" for s in self.skipped]))
        return lines


@dataclass(frozen=True)
class SyncResult:
    store: Store
    report: BuildReport
    plan: SyncPlan
    skipped: tuple[Skipped, ...]  # every file left out, with its reason, after reading


def plan_sync(found: Sequence[FoundFile], recorded: dict[str, Record], scan_skips: Sequence[Skipped] = (),
              reread: str = "", reembed: str = "") -> SyncPlan:
    """Compare scanned files with the recorded ones; only files whose size or time changed are hashed."""
    records: dict[str, Record] = {}
    new: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    skipped = list(scan_skips)
    for item in found:
        old = recorded.get(item.source)
        if old is not None and (old.get("size"), old.get("mtime_ns")) == (item.size, item.mtime_ns):
            records[item.source] = old
        else:
            records[item.source] = {"size": item.size, "mtime_ns": item.mtime_ns, "sha256": _sha256(item.path)}
            if old is None:
                new.append(item.source)
                continue
            if old.get("sha256") != records[item.source]["sha256"]:
                changed.append(item.source)
                continue
            if "skipped" in old:  # touched, same bytes: it is as unreadable as before
                records[item.source]["skipped"] = old["skipped"]
        if "skipped" in records[item.source] and not reread:
            skipped.append(Skipped(item.source, records[item.source]["skipped"]))
        else:
            unchanged.append(item.source)
    gone = {recorded[s].get("sha256"): s for s in sorted(recorded, reverse=True) if s not in records}
    renamed: list[tuple[str, str]] = []
    added: list[str] = []
    for source in new:
        old_name = gone.pop(records[source]["sha256"], None)
        if old_name is None:
            added.append(source)
        else:
            renamed.append((old_name, source))
    removed = sorted(s for s in recorded if s not in records and s not in {a for a, _ in renamed})
    return SyncPlan(tuple(added), tuple(changed), tuple(removed), tuple(renamed), tuple(unchanged),
                    tuple(sorted(skipped, key=lambda s: s.source)), reread, reembed, records)


def reading_key(settings: Settings) -> dict[str, Any]:
    """What the text of a file depends on besides its bytes; a change in it means reading every file again."""
    # OCR switched on, or tesseract installed since, means scanned pages skipped before can be read now.
    return {"version": READER_VERSION, "timeout_s": settings.read_timeout_s, "memory_mb": settings.read_memory_mb,
            "ocr": OcrOptions.from_settings(settings).engine_label()}


def plan_folder(settings: Settings, model: str) -> SyncPlan:
    """The plan for `settings.docs_dir` against the saved index; reads the manifest only, writes nothing."""
    found, scan_skips = scan_folder(settings.docs_dir, Limits.from_settings(settings).max_bytes)
    try:
        manifest = backend.read_manifest(settings)
    except IndexError_ as err:
        missing = "there is no index yet" if "no index" in str(err) else "the index is damaged"
        return plan_sync(found, {}, scan_skips, reembed=missing)
    return plan_sync(found, manifest.get("sources", {}).get("files", {}), scan_skips,
                     _reread_reason(manifest, settings), settings_reason(manifest, model, settings))


def sync_folder(settings: Settings, embedder: Embedder, progress: StageProgress | None = None,
                force: bool = False) -> SyncResult:
    """Read what changed in `settings.docs_dir`, re-use the rest, and bring the index up to date."""
    started = time.perf_counter()
    limits = Limits.from_settings(settings)
    with backend.build_lock(settings):
        previous, missing = load_previous(settings)
        found, scan_skips = scan_folder(settings.docs_dir, limits.max_bytes)
        manifest = previous.manifest if previous is not None else {}
        reread = "a full rebuild was requested" if force else _reread_reason(manifest, settings)
        plan = plan_sync(found, manifest.get("sources", {}).get("files", {}), scan_skips, reread,
                         missing or settings_reason(manifest, embedder.name, settings))
        documents, skipped, records = _read(found, plan, previous, limits, progress)
        if not documents and skipped:  # say why, or the user sees "no documents" beside a folder of files
            reasons = "; ".join(str(s) for s in sorted(skipped, key=lambda s: s.source)[:3])
            raise BotError(f"There are no readable documents to index: {len(skipped)} file(s) were skipped "
                           f"({reasons}{'; …' if len(skipped) > 3 else ''}).")
        extra = {"sources": {"reading": reading_key(settings), "files": records}}
        store, report = update_index(previous, missing, documents, embedder, settings, progress, force, extra,
                                     started, changes=plan.summary())
    return SyncResult(store, report, plan, tuple(sorted(skipped, key=lambda s: s.source)))


def _read(found: list[FoundFile], plan: SyncPlan, previous: Store | None, limits: Limits,
          progress: StageProgress | None) -> tuple[list[Document], list[Skipped], dict[str, Record]]:
    """Documents for every found file: re-used when the plan says unchanged, else read now."""
    reuse = set(plan.unchanged) if not plan.reread and previous is not None else set()
    stored = previous.documents if previous is not None else {}
    known_bad = {s.source for s in plan.skipped}
    records = {source: dict(record) for source, record in plan.records.items()}
    documents: list[Document] = []
    skipped = list(plan.skipped)
    to_read = [f for f in found if f.source not in known_bad and not (f.source in reuse and f.source in stored)]
    for item in found:
        if item.source in reuse and item.source in stored:
            documents.append(stored[item.source])
    for n, item in enumerate(to_read):
        if progress:
            progress("reading", n, len(to_read), item.source)
        records[item.source].pop("skipped", None)
        try:
            documents.append(read_file(item.path, item.source, limits=limits, progress=progress))
        except DocumentError as err:
            skipped.append(Skipped(item.source, str(err)))
            records[item.source]["skipped"] = str(err)
    if progress and to_read:
        progress("reading", len(to_read), len(to_read), "")
    documents.sort(key=lambda d: d.doc_id)
    return documents, skipped, records


def _reread_reason(manifest: dict[str, Any], settings: Settings) -> str:
    recorded = manifest.get("sources", {}).get("reading")
    if recorded is None or recorded == reading_key(settings):
        return ""
    if recorded.get("version") != READER_VERSION:
        return "the file readers changed"
    return "the reading limits changed"


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _names(names: list[str] | tuple[str, ...], limit: int = 20) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"
