"""Keep the index in step with the documents: load it when it matches, (re)build it when it does not.

The index matches when its manifest names the same embedding model, the same chunking settings and the
same content hash for every document (and, for a synced folder, the same file records). Otherwise it is
rebuilt, re-using the vectors of every document whose text is unchanged (so an edit re-embeds one file and
a rename re-embeds none), and the report says why. New sentences are embedded `EMBED_BATCH` at a time into
one preallocated array, so a large folder costs its vectors and no more. Builds run under the store's lock
and are saved atomically by `store.save`. Which files to read is `sync`'s job.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from bot.config import Settings
from bot.embed.base import Embedder
from bot.errors import BotError, IndexError_
from bot.ingest.chunking import CHUNKING_VERSION, chunk_document
from bot.ingest.reading import SUPPORTED
from bot.store import backend
from bot.store import faiss_store as store_mod
from bot.store.base import Store
from bot.store.folding import embedded_title, passage_for_keywords, sentence_for_embedding
from bot.store.lexical import TOKENIZER, LexicalIndex
from bot.store.ownership import now_stamp
from bot.types import Chunk, Document


class StageProgress(Protocol):
    """Told how far a stage is: `("reading", 3, 10, "notes/tea.pdf")`; `item` names the file when known."""

    def __call__(self, stage: str, done: int, total: int, item: str = "") -> None: ...


EMBED_BATCH = 4096  # sentences per encode call; large enough that length-sorting inside it keeps padding low


@dataclass(frozen=True)
class BuildReport:
    action: str  # "loaded" | "built" | "kept" (the folder could not be trusted; see `ownership`)
    reason: str  # why it was (re)built, or for "kept" the whole line saying why; "" when loaded
    documents: int
    chunks: int
    sentences: int
    embedded: int  # sentences embedded in this build (0 when everything was re-used)
    seconds: float
    not_utf8: tuple[tuple[str, str], ...] = ()  # (document, how it was decoded) for text files not in UTF-8

    def __str__(self) -> str:
        if self.action == "kept":
            return self.reason
        if self.action == "loaded":
            return (f"The index is up to date: {_count(self.documents, 'document')}, "
                    f"{_count(self.chunks, 'passage')} (loaded in {self.seconds:.1f} s).")
        shown = "; ".join(f"{name} ({how})" for name, how in self.not_utf8[:5])
        more = f"; and {len(self.not_utf8) - 5} more" if len(self.not_utf8) > 5 else ""
        return (f"Built the index ({self.reason}): {_count(self.documents, 'document')}, "
                f"{_count(self.chunks, 'passage')}, {self.embedded} of {_count(self.sentences, 'sentence')} embedded, "
                f"in {self.seconds:.1f} s."
                + (f" Not UTF-8: {shown}{more}." if self.not_utf8 else ""))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def stale_reason(store: Store, documents: Sequence[Document], embedder: Embedder, settings: Settings) -> str:
    """Why `store` does not match these documents and settings, or "" when it does."""
    manifest = store.manifest
    reason = settings_reason(manifest, embedder.name, settings)
    if reason:
        return reason
    if manifest.get("tokenizer") != TOKENIZER:  # keyword search only: the vectors are reused
        return "the keyword tokenizer changed"
    old, new = manifest.get("documents", {}), {d.doc_id: d.content_hash for d in documents}
    if old == new:
        return ""
    added, removed = new.keys() - old.keys(), old.keys() - new.keys()
    changed = sum(1 for k in new.keys() & old.keys() if new[k] != old[k])
    parts = [f"{n} {what}" for n, what in ((len(added), "added"), (changed, "changed"), (len(removed), "removed"))
             if n]
    return "documents " + ", ".join(parts)


def settings_reason(manifest: dict[str, Any], model: str, settings: Settings) -> str:
    """Why an index with this manifest must be embedded again from scratch, or "" when it need not."""
    if manifest.get("model") != model:
        old = str(manifest.get("model"))
        if old.partition("+")[0] == model.partition("+")[0]:  # same model, another backend ("…+onnx-int8")
            return (f"the embedding backend changed from {old.partition('+')[2] or 'torch'} to "
                    f"{model.partition('+')[2] or 'torch'}")
        return f"the model changed from {old} to {model}"
    recorded = manifest.get("chunking")
    if recorded != chunking_key(settings):
        if isinstance(recorded, dict) and recorded.get("version") != CHUNKING_VERSION:
            return "passages are cut and matched differently in this version of Citebot"
        return "the chunking settings changed"
    return ""


def chunking_key(settings: Settings) -> dict[str, Any]:
    """What passages and their vectors depend on besides the text: the settings, and the rules' version."""
    return {**settings.chunking_key, "version": CHUNKING_VERSION}


def load_previous(settings: Settings) -> tuple[Store | None, str]:
    """The saved index, or None and why there is none usable ("no index yet", "the index was damaged")."""
    try:
        return backend.load(settings), ""
    except IndexError_ as err:
        if "no index" in str(err):
            return None, "no index yet"
        if "written in format" in str(err):
            return None, "the index was written in another format by another version of Citebot"
        return None, "the index was damaged"


def ensure_index(documents: Sequence[Document], embedder: Embedder, settings: Settings,
                 progress: StageProgress | None = None, force: bool = False) -> tuple[Store, BuildReport]:
    """The up-to-date index for `documents`: loaded from `settings.index_dir`, or built and saved there."""
    started = time.perf_counter()
    with backend.build_lock(settings):
        previous, missing = load_previous(settings)
        return update_index(previous, missing, documents, embedder, settings, progress, force, started=started)


def update_index(previous: Store | None, missing: str, documents: Sequence[Document], embedder: Embedder,
                 settings: Settings, progress: StageProgress | None = None, force: bool = False,
                 extra: dict[str, Any] | None = None, started: float | None = None,
                 changes: str = "") -> tuple[Store, BuildReport]:
    """`previous` when it matches `documents` (and the `extra` manifest entries), else a new index, saved.

    The caller holds `store.build_lock`; `missing` says why there is no `previous` ("" when there is one);
    `changes` describes changed documents for the report ("files: 1 changed, 1 renamed")."""
    started = time.perf_counter() if started is None else started
    if not documents:
        raise BotError(f"There are no readable documents to index; add {', '.join(sorted(SUPPORTED))} files to "
                       "the documents folder or pass --docs DIR.")
    extra = extra or {}
    reason = missing or ("rebuild requested" if force else stale_reason(previous, documents, embedder, settings))
    if changes and reason.startswith("documents "):
        reason = changes  # the caller knows more than the hashes do (a rename is not an add and a remove)
    if not reason and any(previous.manifest.get(k) != v for k, v in extra.items()):
        reason = "only file dates or skipped files changed"
    if previous is not None and not reason:
        return previous, BuildReport("loaded", "", len(previous.documents), len(previous.chunks),
                                     previous.size, 0, time.perf_counter() - started)
    reusable = previous if previous is not None and not force and not settings_reason(
        previous.manifest, embedder.name, settings) else None
    built, embedded = build(documents, embedder, settings, reusable, progress)
    built.manifest.update(extra)
    built.manifest["built_at"] = now_stamp()  # shown as "unchanged since …" when the folder goes missing
    backend.save(built, settings)
    not_utf8 = tuple((d.source or d.doc_id, d.encoding) for d in documents if d.encoding)
    return built, BuildReport("built", reason, len(built.documents), len(built.chunks), built.size, embedded,
                              time.perf_counter() - started, not_utf8)


def build(documents: Sequence[Document], embedder: Embedder, settings: Settings,
          previous: Store | None = None, progress: StageProgress | None = None) -> tuple[Store, int]:
    """A new in-memory `Store`; sentence vectors of documents whose text is unchanged come from `previous`."""
    ids = [d.doc_id for d in documents]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    old_vectors = _vectors_by_text(previous) if previous is not None else {}
    chunks: list[Chunk] = []
    rows: list[tuple[int, int, int]] = []
    to_embed: list[tuple[int, int]] = []  # (document index, sentence row); texts are sliced when embedded
    reused: list[tuple[int, np.ndarray]] = []  # (first row, that document's vectors)
    for n, doc in enumerate(documents):
        doc_chunks = chunk_document(doc, settings.max_chunk_chars)
        first_row = len(rows)
        for chunk in doc_chunks:
            for start, end in chunk.sentences:
                rows.append((len(chunks), start, end))
            chunks.append(chunk)
        cached = old_vectors.get(text_hash(doc))
        if cached is not None and len(cached) == len(rows) - first_row:
            reused.append((first_row, cached))
        else:
            to_embed.extend((n, r) for r in range(first_row, len(rows)))
        if progress:
            progress("chunking", n + 1, len(documents), doc.doc_id)
    dim = embedder.dim
    vectors = np.zeros((len(rows), dim), dtype=np.float32)
    for first_row, cached in reused:
        vectors[first_row:first_row + len(cached)] = cached
    # Embedded EMBED_BATCH sentences at a time, written straight into `vectors`: memory stays at the
    # vectors themselves however large the folder, and the progress bar moves steadily.
    titles = [embedded_title(d) for d in documents]
    step = getattr(embedder, "batch_hint", EMBED_BATCH)  # a cluster embedder takes one big job instead
    for start in range(0, len(to_embed), step):
        part = to_embed[start:start + step]
        texts = [sentence_for_embedding(titles[n], documents[n].text, chunks[rows[r][0]], rows[r][1], rows[r][2])
                 for n, r in part]

        def report(done: int, _total: int, offset: int = start) -> None:
            if progress:
                progress("embedding", offset + done, len(to_embed))
        vectors[[r for _, r in part]] = embedder.encode(texts, progress=report)
    names = {d.doc_id: d.title for d in documents}
    lexical = LexicalIndex.build([passage_for_keywords(names[c.doc_id], c) for c in chunks])
    manifest = {"model": embedder.name, "dimension": dim, "chunking": chunking_key(settings), "tokenizer": TOKENIZER,
                "documents": {d.doc_id: d.content_hash for d in documents},
                "counts": {"documents": len(documents), "chunks": len(chunks), "sentences": len(rows)}}
    parts = {"manifest": manifest, "documents": {d.doc_id: d for d in documents}, "chunks": chunks,
             "sentences": np.asarray(rows, dtype=np.int64).reshape(-1, 3), "vectors": vectors, "lexical": lexical}
    if settings.store == "milvus":
        from bot.store import milvus_store  # only when chosen: the default never loads pymilvus
        return milvus_store.make(**parts), len(to_embed)
    store = store_mod.FaissStore(**parts)
    return store, len(to_embed)


def text_hash(doc: Document) -> str:
    """What a document's sentence vectors depend on (with the model and chunking): its text and the title
    embedded with it (`folding.embedded_title`), never a title taken from the file name, so a rename still
    re-uses every vector."""
    title = embedded_title(doc)
    key = f"{title}\0{doc.text}" if title else doc.text
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _vectors_by_text(store: Store) -> dict[str, np.ndarray]:
    """Each document's sentence vectors keyed by its text hash, for re-use across edits and renames."""
    by_doc: dict[str, list[int]] = {}
    for row, chunk_id in enumerate(store.sentences[:, 0]):
        by_doc.setdefault(store.chunks[int(chunk_id)].doc_id, []).append(row)
    return {text_hash(store.documents[doc_id]): store.vectors[rows] for doc_id, rows in by_doc.items()
            if doc_id in store.documents}
