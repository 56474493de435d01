"""The index on disk and in memory: FAISS over sentence vectors, the passage table, BM25, the manifest.

A saved index is a folder `index/<version>/` holding FAISS's own file, `vectors.npy`, `sentences.npy`,
`chunks.jsonl`, `documents.jsonl`, a `bm25/` folder and `manifest.json` (format, version, model, dimension, chunking
settings, per-document hashes, counts and a SHA-256 and size per file). `index/CURRENT` names the live
version and is replaced atomically, only after the new folder is complete, so a crash mid-build leaves the
previous index in use; `load` refuses a partial or damaged folder (every size is checked, and every
checksum except those of files over `HASH_MAX_BYTES`, whose hashing would cost seconds per start; the
manifest's own checksum is kept in `CURRENT`). Builds hold an exclusive lock, and whatever a killed build
left behind is removed by the next one; readers take no lock. FAISS is exact (flat) below `HNSW_FROM`
vectors and an HNSW graph above; a loaded index and `vectors.npy` are memory-mapped, so a million-vector
index opens in well under a second. No pickle anywhere. Deciding *what* to build is `indexer`'s job; this
module only holds, saves, loads and searches.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bot.errors import IndexError_
from bot.store import durable
from bot.store.base import PassageTable, passage_maps
from bot.store.lexical import LexicalIndex
from bot.types import Chunk, Document, WordBox

FORMAT_VERSION = 2  # 2: passages carry `search_text` (table rows)
HNSW_FROM = 100_000  # exact search below this many sentences, graph search above
# HNSW settings, measured with bench/million.py (recall@10 against exact search ≥ 0.95 at 1M vectors);
# efSearch is saved in the index file, so a loaded index searches as it was built.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 384
HASH_MAX_BYTES = 256 << 20
_FILES = ("index.faiss", "vectors.npy", "sentences.npy", "chunks.jsonl", "documents.jsonl")
_VERSION = re.compile(r"v\d{8}T\d{6}-[0-9a-f]{6}")  # what `save` names a version folder
_LOAD_ATTEMPTS = 5  # a reader racing a build retries on the version the build just switched to


@dataclass
class FaissStore(PassageTable):
    """A loaded index. `sentences[i] = (chunk_id, start, end)`; `vectors[i]` is that sentence's embedding."""

    manifest: dict[str, Any]
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: np.ndarray  # int64 (n, 3)
    vectors: np.ndarray  # float32 (n, dim), unit length
    lexical: LexicalIndex
    faiss_index: Any = None
    baseline: tuple[float, ...] | None = None  # abstention signals of unrelated questions, once known

    def __post_init__(self) -> None:
        if self.faiss_index is None:
            self.faiss_index = _make_faiss(self.vectors)
        self.chunk_rows, self.doc_chunks, self.title_index, self.references = passage_maps(
            self.documents, self.chunks, self.sentences)

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine scores of the `k` nearest sentences (fewer when the index is smaller)."""
        k = min(k, self.size)
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # One query is too little work to share between threads: with two, FAISS's OpenMP barrier waits for
        # a descheduled thread whenever another process holds a core (41k vectors: 24 ms vs 3 ms on one).
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, rows = self.faiss_index.search(query_vector.reshape(1, -1).astype(np.float32), k)
        finally:
            faiss.omp_set_num_threads(threads)
        keep = rows[0] >= 0  # FAISS pads with -1 when it finds fewer than k
        return rows[0][keep].astype(np.int64), scores[0][keep]


def _make_faiss(vectors: np.ndarray) -> Any:
    dim = vectors.shape[1]
    if len(vectors) < HNSW_FROM:
        index = faiss.IndexFlatIP(dim)  # inner product of unit vectors = cosine
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    # Added in slices so that a memory-mapped `vectors` is never copied whole into memory at once.
    for start in range(0, len(vectors), _ADD_BATCH):
        index.add(np.ascontiguousarray(vectors[start:start + _ADD_BATCH], dtype=np.float32))
    return index


_ADD_BATCH = 65_536


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Serialise builds of one index folder across processes; readers never need it.

    While it is held nothing else writes here, so what a killed build left behind (a `.tmp-*` folder, a
    version folder `CURRENT` never came to name, a half-written `CURRENT`) is removed on entry.
    """
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexError_(f"The index folder '{index_dir.name}' is a file, not a folder; point --index "
                          "(BOT_INDEX_DIR) at a folder.")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / ".lock", "w")  # closed by the `with` below
    except OSError as err:
        friendly = durable.write_error(err, index_dir)
        if friendly is None:
            raise
        raise friendly from err
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            _remove_debris(index_dir)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(store: FaissStore, index_dir: Path) -> Path:
    """Write `store` as a new version folder, then switch `CURRENT` to it; returns the folder.

    Callers that may run at the same time as another build hold `build_lock` (`indexer.ensure_index` does).
    A full disk or an unwritable folder raises `BotError` and leaves the previous index in use.
    """
    version = f"v{time.strftime('%Y%m%dT%H%M%S')}-{os.urandom(3).hex()}"
    tmp = index_dir / f".tmp-{version}"
    final = index_dir / version
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp.mkdir()
        durable.crash_point("tmp-created")
        # Serialised in memory and written here (not faiss.write_index) so a full disk is an OSError with
        # its errno, like every other file, rather than a RuntimeError worded by FAISS.
        durable.write_bytes(tmp / "index.faiss", faiss.serialize_index(store.faiss_index))
        np.save(tmp / "vectors.npy", store.vectors, allow_pickle=False)
        durable.crash_point("vectors-written")
        np.save(tmp / "sentences.npy", store.sentences, allow_pickle=False)
        durable.write_jsonl(tmp / "chunks.jsonl", (asdict(c) for c in store.chunks))
        durable.write_jsonl(tmp / "documents.jsonl", (_document_row(d) for d in store.documents.values()))
        store.lexical.save(tmp / "bm25")
        durable.crash_point("before-manifest")
        files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        manifest = dict(store.manifest, format_version=FORMAT_VERSION, version=version,
                        files={name: durable.sha256(tmp / name) for name in files},
                        sizes={name: (tmp / name).stat().st_size for name in files})
        manifest_text = json.dumps(manifest, indent=1, ensure_ascii=False)
        durable.write_atomic(tmp / "manifest.json", manifest_text)
        durable.fsync_tree(tmp)
        durable.crash_point("before-rename")
        os.rename(tmp, final)
        durable.crash_point("after-rename")
        durable.write_atomic(index_dir / "CURRENT", json.dumps(
            {"version": version, "manifest_sha256": hashlib.sha256(manifest_text.encode("utf-8")).hexdigest()}))
    except OSError as err:
        friendly = durable.write_error(err, index_dir)
        if friendly is None:
            raise
        raise friendly from err
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # already renamed away when all went well
        if _read_current(index_dir).get("version") != version:
            shutil.rmtree(final, ignore_errors=True)
    durable.crash_point("after-current")
    store.manifest = manifest
    _remove_debris(index_dir)
    return final


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The manifest of the live version, read without loading (or checking) the rest; writes nothing."""
    if not (index_dir / "CURRENT").is_file():
        raise IndexError_("There is no index yet; build one with: python -m bot index")
    return _manifest(index_dir, _read_current(index_dir))[2]


def live_version(index_dir: Path) -> str | None:
    """The version folder `CURRENT` names (one small file read), or None when there is no readable one."""
    return _read_current(index_dir).get("version")


def version_manifests(index_dir: Path) -> Iterator[dict[str, Any]]:
    """Every version folder's manifest that parses, newest first (names sort by time), whatever `CURRENT` says."""
    for path in sorted(index_dir.glob("v*/manifest.json"), reverse=True):
        with contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
            if isinstance(manifest := json.loads(path.read_text(encoding="utf-8")), dict):
                yield manifest


def load(index_dir: Path, verify: bool = True) -> FaissStore:
    """The index that `CURRENT` names, after checking its manifest and (by default) every file's checksum.

    A build may switch `CURRENT` and delete the folder being read; the read then starts over on the new
    version, so a reader gets a complete index or an error, never a mixture.
    """
    if not (index_dir / "CURRENT").is_file():
        raise IndexError_("There is no index yet; build one with: python -m bot index")
    for attempt in range(_LOAD_ATTEMPTS):
        current = _read_current(index_dir)
        try:
            return _load_version(index_dir, current, verify)
        except IndexError_:
            if attempt + 1 == _LOAD_ATTEMPTS or _read_current(index_dir) == current:
                raise  # nothing moved underneath: the damage is real
    raise AssertionError("unreachable")


def _load_version(index_dir: Path, current: dict[str, Any], verify: bool) -> FaissStore:
    folder, manifest_raw, manifest = _manifest(index_dir, current)
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        version = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise IndexError_(f"The index was written in format {version}, this version "
                          f"of Citebot reads format {FORMAT_VERSION}; rebuild it with: python -m bot index")
    expected = current.get("manifest_sha256")  # absent in indexes saved before it was recorded
    if expected is not None and hashlib.sha256(manifest_raw).hexdigest() != expected:
        raise IndexError_("The index is damaged (manifest.json missing or changed); rebuild it with: "
                          "python -m bot index")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise IndexError_("The index is damaged (its manifest lists no files); rebuild it with: python -m bot index")
    missing = [name for name in _FILES if name not in files]
    sizes = manifest.get("sizes") if isinstance(manifest.get("sizes"), dict) else {}
    bad = missing or [name for name, digest in files.items()
                      if not durable.intact(folder / name, digest, sizes.get(name), verify, HASH_MAX_BYTES)]
    if bad:
        raise IndexError_(f"The index is damaged ({', '.join(sorted(bad)[:3])} missing or changed); rebuild it "
                          "with: python -m bot index")
    try:
        documents = {d["doc_id"]: Document(**{**d, "pages": tuple(d["pages"]), "notes": tuple(d.get("notes", ())),
                                              "marks": tuple((int(s), str(m)) for s, m in d.get("marks", ())),
                                              "boxes": tuple(WordBox(*b) for b in d.get("boxes", ()))})
                     for d in durable.read_jsonl(folder / "documents.jsonl")}
        chunks = [Chunk(**{**c, "sentences": tuple(tuple(s) for s in c["sentences"])})
                  for c in durable.read_jsonl(folder / "chunks.jsonl")]
        # Memory-mapped: pages are read when a search touches them, and shared between processes.
        # `version` is the folder's name (older indexes' manifests do not hold it); `Citebot` follows it.
        return FaissStore(manifest={**manifest, "version": current["version"]}, documents=documents, chunks=chunks,
                     sentences=np.load(folder / "sentences.npy", allow_pickle=False),
                     vectors=np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False),
                     lexical=LexicalIndex.load(folder / "bm25"),
                     faiss_index=faiss.read_index(str(folder / "index.faiss"), faiss.IO_FLAG_MMAP_IFC))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as err:
        raise IndexError_("The index is damaged (a file could not be parsed); rebuild it with: "
                          "python -m bot index") from err


def _document_row(doc: Document) -> dict[str, Any]:
    # Word boxes as plain lists (start, end, page, x0, y0, x1, y1, confidence): a third of the size of dicts
    row = asdict(doc)
    row["boxes"] = [[b.start, b.end, b.page, b.x0, b.y0, b.x1, b.y1, b.confidence] for b in doc.boxes]
    return row


def _manifest(index_dir: Path, current: dict[str, Any]) -> tuple[Path, bytes, Any]:
    """The version folder `current` names, its manifest's bytes and the parsed manifest."""
    try:
        folder = index_dir / current["version"]
        manifest_raw = (folder / "manifest.json").read_bytes()
        return folder, manifest_raw, json.loads(manifest_raw)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise IndexError_("The index is damaged (its manifest cannot be read); rebuild it with: "
                          "python -m bot index") from err


def _read_current(index_dir: Path) -> dict[str, Any]:
    """`CURRENT`'s record ({"version", "manifest_sha256"}), or {} when it is missing or unreadable."""
    try:
        record = json.loads((index_dir / "CURRENT").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) and isinstance(record.get("version"), str) else {}


def _remove_debris(index_dir: Path) -> None:
    """Remove unfinished `.tmp-*` folders and `CURRENT` temp files, and every version `CURRENT` does not
    name (when `CURRENT` is unreadable no version is removed: there is no telling which one is good)."""
    current = _read_current(index_dir).get("version")
    for path in index_dir.iterdir():
        if path.name.startswith(".tmp-") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(".CURRENT.") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)
        elif current and path.name != current and _VERSION.fullmatch(path.name) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
