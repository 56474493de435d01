"""Keep the index in step with a documents folder, reading only what changed since the last sync.

The index manifest records, per file, its size, `mtime_ns` and SHA-256 (and the reason, when it could not
be read). A sync compares the folder with those records: a file with the same size and time is not opened
at all and its stored `Document` is re-used; a file with new bytes is read again; a new file whose bytes
match a vanished one is a rename. `plan_sync` only decides and is what `index --dry-run` prints;
`sync_folder` reads and hands the documents to `indexer`, which embeds only text it has not seen.
A folder that cannot be listed, or a plan that would remove every document, keeps the index as it is
(see `ownership`); the manifest records the folder, so a later command naming only the index finds it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.embed.base import Embedder
from bot.errors import BotError, DocumentError, IndexError_
from bot.ingest.folder import FOLDER_UNREADABLE, FoundFile, Skipped, require_folder, scan_folder
from bot.ingest.reading import READER_VERSION, Limits, read_file
from bot.ingest.scanned import OcrOptions
from bot.store import backend
from bot.store.base import Store
from bot.store.indexer import BuildReport, StageProgress, load_previous, settings_reason, update_index
from bot.store.ownership import (
    empties_index,
    emptying_line,
    folder_key,
    folder_problem,
    kept_line,
    manifest_folder,
    no_documents_line,
    switch_line,
    unchanged_line,
)
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
    held: str = ""  # why the index is kept as it is instead (a missing folder, every document removed)
    switch: str = ""  # a dry run's line saying the index would follow another folder than its own

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
        if self.held and not self.records:  # nothing was listed (the folder is missing): nothing else to say
            return [self.held]
        lines = [line for line in (self.switch, self.held) if line]
        lines += [f"Every file will be read again: {self.reread}."] if self.reread else []
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
    notices: tuple[str, ...] = ()  # lines the user should see besides the report (a switch of folder)


def plan_sync(found: Sequence[FoundFile], recorded: dict[str, Record], scan_skips: Sequence[Skipped] = (),
              reread: str = "", reembed: str = "") -> SyncPlan:
    """Compare scanned files with the recorded ones; only files whose size or time changed are hashed."""
    records: dict[str, Record] = {}
    new: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    skipped = list(scan_skips)
    # Files recorded under a subfolder that cannot be listed now are kept as they were, not removed.
    hidden = tuple(s.source for s in scan_skips if s.source.endswith("/") and s.reason.startswith(FOLDER_UNREADABLE))
    for source, old in recorded.items():
        if source.startswith(hidden) and hidden:
            records[source] = old
            if "skipped" in old:
                skipped.append(Skipped(source, old["skipped"]))
            else:
                unchanged.append(source)
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
    return SyncPlan(tuple(added), tuple(changed), tuple(removed), tuple(renamed), tuple(sorted(unchanged)),
                    tuple(sorted(skipped, key=lambda s: s.source)), reread, reembed, records)


def reading_key(settings: Settings) -> dict[str, Any]:
    """What the text of a file depends on besides its bytes; a change in it means reading every file again."""
    # OCR switched on, or tesseract installed since, means scanned pages skipped before can be read now.
    return {"version": READER_VERSION, "timeout_s": settings.read_timeout_s, "memory_mb": settings.read_memory_mb,
            "ocr": OcrOptions.from_settings(settings).engine_label()}


def plan_folder(settings: Settings, model: str) -> SyncPlan:
    """The plan for `settings.docs_dir` against the saved index; reads the manifest only, writes nothing."""
    try:
        manifest = backend.read_manifest(settings)
    except IndexError_ as err:
        missing = "there is no index yet" if "no index" in str(err) else "the index is damaged"
        found, scan_skips = scan_folder(settings.docs_dir, Limits.from_settings(settings).max_bytes)
        return plan_sync(found, {}, scan_skips, reembed=missing)
    problem = folder_problem(settings.docs_dir)
    if problem:
        return SyncPlan(held=kept_line(settings.docs_dir, problem, manifest, len(manifest.get("documents", {}))))
    found, scan_skips = scan_folder(settings.docs_dir, Limits.from_settings(settings).max_bytes)
    plan = plan_sync(found, manifest.get("sources", {}).get("files", {}), scan_skips,
                     _reread_reason(manifest, settings), settings_reason(manifest, model, settings))
    return replace(plan, held=_held(plan, manifest, settings.docs_dir),
                   switch=" ".join(_switched(manifest, settings.docs_dir, plan, planned=True)))


def check_folder(settings: Settings) -> None:
    """Raise what `sync_folder` would for a documents folder that is not there when there is no index to keep
    instead, reading nothing but the manifest: a typo in --docs is reported before a model is loaded or
    exported (seconds to minutes)."""
    if settings.docs_dir.is_dir():
        return
    try:
        backend.read_manifest(settings)
    except IndexError_:  # no index, or a damaged one: the sync would list the folder, and fail
        require_folder(settings.docs_dir)


def sync_folder(settings: Settings, embedder: Embedder, progress: StageProgress | None = None,
                force: bool = False) -> SyncResult:
    """Read what changed in `settings.docs_dir`, re-use the rest, and bring the index up to date."""
    started = time.perf_counter()
    limits = Limits.from_settings(settings)
    with backend.build_lock(settings):
        previous, missing = load_previous(settings)
        manifest = previous.manifest if previous is not None else {}
        problem = folder_problem(settings.docs_dir)
        if problem and previous is not None:  # an unmounted drive is not "every file deleted"
            line = kept_line(settings.docs_dir, problem, manifest, len(previous.documents))
            return _kept(previous, SyncPlan(held=line), embedder, settings, progress, started)
        found, scan_skips = scan_folder(settings.docs_dir, limits.max_bytes)
        reread = "a full rebuild was requested" if force else _reread_reason(manifest, settings)
        plan = plan_sync(found, manifest.get("sources", {}).get("files", {}), scan_skips, reread,
                         missing or settings_reason(manifest, embedder.name, settings))
        if previous is not None and not force:
            plan = replace(plan, held=_held(plan, manifest, settings.docs_dir))
            if plan.held:
                return _kept(previous, plan, embedder, settings, progress, started)
        documents, skipped, records = _read(found, plan, previous, limits, progress)
        if not documents:  # say why (not "no documents" beside a folder of files), and what still answers
            raise BotError(no_documents_line(skipped) + (unchanged_line(manifest, len(previous.documents))
                                                     if previous is not None else ""))
        skipped.sort(key=lambda s: s.source)
        # Every file left out, with its reason (links and oversized files have no record in `files`), so a
        # change in what is skipped makes a new version and its report, and an unchanged list need not be
        # shown again.
        extra = {"sources": {"folder": folder_key(settings.docs_dir), "reading": reading_key(settings),
                             "files": records, "skipped": {s.source: s.reason for s in skipped}}}
        store, report = update_index(previous, missing, documents, embedder, settings, progress, force, extra,
                                     started, changes=plan.summary())
    return SyncResult(store, report, plan, tuple(skipped), _switched(manifest, settings.docs_dir, plan))


def _held(plan: SyncPlan, manifest: dict[str, Any], folder: Path) -> str:
    """Why this plan must not be applied without `--rebuild`: it would empty the index of the folder it
    was built from (a folder named explicitly, another than that one, is what the user asked for)."""
    recorded = manifest_folder(manifest)
    documents = manifest.get("documents", {})
    if recorded is not None and folder_key(recorded) != folder_key(folder):
        return ""
    return emptying_line(folder, manifest, len(documents)) if empties_index(documents, plan.removed) else ""


def _switched(manifest: dict[str, Any], folder: Path, plan: SyncPlan, planned: bool = False) -> tuple[str, ...]:
    recorded = manifest_folder(manifest)
    if recorded is None or folder_key(recorded) == folder_key(folder):
        return ()
    documents = manifest.get("documents", {})
    return (switch_line(recorded, folder, len(set(documents) & set(plan.removed)), len(documents), planned),)


def _kept(previous: Store, plan: SyncPlan, embedder: Embedder, settings: Settings,
          progress: StageProgress | None, started: float) -> SyncResult:
    """The index as it is, said in `plan.held`; re-embedded from its own stored documents only when the
    model or chunking changed (their text is in the index, so the folder is not needed for that)."""
    manifest = previous.manifest
    store: Store = previous
    report = BuildReport("loaded", "", len(previous.documents), len(previous.chunks), previous.size, 0,
                         time.perf_counter() - started)
    if settings_reason(manifest, embedder.name, settings):
        store, report = update_index(previous, "", list(previous.documents.values()), embedder, settings,
                                     progress, extra={"sources": manifest.get("sources", {})}, started=started)
    sources = manifest.get("sources", {})
    left_out = sources.get("skipped", {s: r["skipped"] for s, r in sources.get("files", {}).items() if "skipped" in r})
    skipped = tuple(Skipped(source, reason) for source, reason in sorted(left_out.items()))
    return SyncResult(store, replace(report, action="kept", reason=plan.held), plan, skipped)


def _read(found: list[FoundFile], plan: SyncPlan, previous: Store | None, limits: Limits,
          progress: StageProgress | None) -> tuple[list[Document], list[Skipped], dict[str, Record]]:
    """Documents for every found file: re-used when the plan says unchanged, else read now."""
    listed = {f.source for f in found}
    # Unchanged files are re-used; so are those under an unreadable subfolder, which cannot be read again.
    reuse = {s for s in plan.unchanged if not plan.reread or s not in listed} if previous is not None else set()
    stored = previous.documents if previous is not None else {}
    known_bad = {s.source for s in plan.skipped}
    records = {source: dict(record) for source, record in plan.records.items()}
    skipped = list(plan.skipped)
    to_read = [f for f in found if f.source not in known_bad and not (f.source in reuse and f.source in stored)]
    documents = [stored[source] for source in sorted(reuse) if source in stored]
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
