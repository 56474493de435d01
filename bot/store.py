"""The index on disk and in memory: FAISS over sentence vectors, the passage table, BM25, the manifest.

A saved index is a folder `index/<version>/` holding FAISS's own file, `vectors.npy`, `sentences.npy`,
`chunks.jsonl`, `documents.jsonl`, a `bm25/` folder and `manifest.json` (format, model, dimension, chunking
settings, per-document hashes, counts and a SHA-256 and size per file). `index/CURRENT` names the live
version and is replaced atomically, only after the new folder is complete, so a crash mid-build leaves the
previous index in use; `load` refuses a partial or damaged folder (every size is checked, and every
checksum except those of files over `HASH_MAX_BYTES`, whose hashing would cost seconds per start). FAISS is
exact (flat) below `HNSW_FROM` vectors and an HNSW graph above; a loaded index and `vectors.npy` are
memory-mapped, so a million-vector index opens in well under a second. No pickle anywhere.
Deciding *what* to build is `indexer`'s job; this module only holds, saves, loads and searches.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bot.errors import IndexError_
from bot.lexical import LexicalIndex
from bot.links import title_index
from bot.types import Chunk, Document

FORMAT_VERSION = 1
HNSW_FROM = 100_000  # exact search below this many sentences, graph search above
# HNSW settings, measured with bench/million.py (recall@10 against exact search ≥ 0.95 at 1M vectors);
# efSearch is saved in the index file, so a loaded index searches as it was built.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 384
HASH_MAX_BYTES = 256 << 20
_FILES = ("index.faiss", "vectors.npy", "sentences.npy", "chunks.jsonl", "documents.jsonl")


@dataclass
class Store:
    """A loaded index. `sentences[i] = (chunk_id, start, end)`; `vectors[i]` is that sentence's embedding."""

    manifest: dict[str, Any]
    documents: dict[str, Document]
    chunks: list[Chunk]
    sentences: np.ndarray  # int64 (n, 3)
    vectors: np.ndarray  # float32 (n, dim), unit length
    lexical: LexicalIndex
    faiss_index: Any = None

    def __post_init__(self) -> None:
        if self.faiss_index is None:
            self.faiss_index = _make_faiss(self.vectors)
        # chunk_id → first sentence row; sentences are stored in chunk order.
        firsts = np.searchsorted(self.sentences[:, 0], np.arange(len(self.chunks) + 1)) if len(
            self.sentences) else np.zeros(len(self.chunks) + 1, dtype=np.int64)
        self.chunk_rows = firsts
        # (doc_id, k) → the passage of reference entry "[k] …", so "[k]" in a sentence can be followed.
        self.doc_chunks: dict[str, list[int]] = {}
        for i, c in enumerate(self.chunks):
            self.doc_chunks.setdefault(c.doc_id, []).append(i)
        self.title_index = title_index(self.documents.values())
        self.references = {(c.doc_id, int(c.text[1:c.text.index("]")])): i for i, c in enumerate(self.chunks)
                           if c.kind == "reference"}

    @property
    def size(self) -> int:
        return len(self.sentences)

    def sentence_rows(self, chunk_id: int) -> range:
        return range(int(self.chunk_rows[chunk_id]), int(self.chunk_rows[chunk_id + 1]))

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
    """Serialise builds of one index folder across processes; readers never need it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(store: Store, index_dir: Path) -> Path:
    """Write `store` as a new version folder, then switch `CURRENT` to it; returns the folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    version = f"v{time.strftime('%Y%m%dT%H%M%S')}-{os.urandom(3).hex()}"
    tmp = index_dir / f".tmp-{version}"
    tmp.mkdir()
    faiss.write_index(store.faiss_index, str(tmp / "index.faiss"))
    np.save(tmp / "vectors.npy", store.vectors, allow_pickle=False)
    np.save(tmp / "sentences.npy", store.sentences, allow_pickle=False)
    _write_jsonl(tmp / "chunks.jsonl", (asdict(c) for c in store.chunks))
    _write_jsonl(tmp / "documents.jsonl", (asdict(d) for d in store.documents.values()))
    store.lexical.save(tmp / "bm25")
    files = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
    manifest = dict(store.manifest, format_version=FORMAT_VERSION,
                    files={name: _sha256(tmp / name) for name in files},
                    sizes={name: (tmp / name).stat().st_size for name in files})
    _write_atomic(tmp / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
    _fsync_tree(tmp)
    final = index_dir / version
    os.rename(tmp, final)
    _write_atomic(index_dir / "CURRENT", json.dumps({"version": version}))
    store.manifest = manifest
    _remove_old_versions(index_dir, keep=version)
    return final


def load(index_dir: Path, verify: bool = True) -> Store:
    """The index that `CURRENT` names, after checking its manifest and (by default) every file's checksum."""
    current = index_dir / "CURRENT"
    if not current.is_file():
        raise IndexError_("There is no index yet; build one with: python -m bot index")
    try:
        folder = index_dir / json.loads(current.read_text(encoding="utf-8"))["version"]
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise IndexError_("The index is damaged (its manifest cannot be read); rebuild it with: "
                          "python -m bot index") from err
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_(f"The index was written in format {manifest.get('format_version')}, this version "
                          f"of Citebot reads format {FORMAT_VERSION}; rebuild it with: python -m bot index")
    missing = [name for name in _FILES if name not in manifest.get("files", {})]
    bad = missing or [name for name, digest in manifest["files"].items()
                      if not _intact(folder / name, digest, manifest.get("sizes", {}).get(name), verify)]
    if bad:
        raise IndexError_(f"The index is damaged ({', '.join(sorted(bad)[:3])} missing or changed); rebuild it "
                          "with: python -m bot index")
    try:
        documents = {d["doc_id"]: Document(**{**d, "pages": tuple(d["pages"])})
                     for d in _read_jsonl(folder / "documents.jsonl")}
        chunks = [Chunk(**{**c, "sentences": tuple(tuple(s) for s in c["sentences"])})
                  for c in _read_jsonl(folder / "chunks.jsonl")]
        # Memory-mapped: pages are read when a search touches them, and shared between processes.
        return Store(manifest=manifest, documents=documents, chunks=chunks,
                     sentences=np.load(folder / "sentences.npy", allow_pickle=False),
                     vectors=np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False),
                     lexical=LexicalIndex.load(folder / "bm25"),
                     faiss_index=faiss.read_index(str(folder / "index.faiss"), faiss.IO_FLAG_MMAP_IFC))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as err:
        raise IndexError_("The index is damaged (a file could not be parsed); rebuild it with: "
                          "python -m bot index") from err


def _intact(path: Path, digest: str, size: int | None, verify: bool) -> bool:
    """Present, of the recorded size, and (when `verify`, for files up to `HASH_MAX_BYTES`) of the recorded
    SHA-256. Manifests written before sizes were recorded get every file hashed."""
    if not path.is_file():
        return False
    actual = path.stat().st_size
    if size is not None and actual != size:
        return False
    if not verify or (size is not None and actual > HASH_MAX_BYTES):
        return True
    return _sha256(path) == digest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_versions(index_dir: Path, keep: str) -> None:
    for path in index_dir.iterdir():
        if path.is_dir() and path.name != keep and (path.name.startswith(("v", ".tmp-"))):
            shutil.rmtree(path, ignore_errors=True)
