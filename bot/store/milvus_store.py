"""The index on Milvus (a server, a `milvus-lite server`, or embedded milvus-lite): the only pymilvus import.

A version is three collections, `<name>_<version>_{s,p,r}`: sentence vectors (row id, chunk id, vector;
COSINE, exact FLAT below `HNSW_FROM` rows and HNSW above, as the FAISS store), passages (chunk id, document,
offsets and sentence spans as JSON, the mean vector, and BM25 as a sparse vector) and records (the manifest,
every document's text, and each BM25 term's id and document frequency, as JSON in parts). The alias `<name>`
names the live version's records collection; `save` writes a whole new version, checks its counts, and only
then moves the alias, so readers never see half an index and a killed build leaves the previous one
answering. The live and the previous version are kept (a reader that loaded the previous one keeps working);
any other version is a killed build's debris and is dropped by the next build.

BM25 is computed here, from Citebot's own tokenizer, as Lucene BM25 (bm25s's k1, b and idf) baked into sparse
passage vectors; a query is the sparse vector of its term counts, so inner product = the local store's BM25,
whatever analyzer the server has. Servers older than 2.4 have no sparse vectors: their indexes answer in
dense mode only. A loaded store holds the passage table and documents (for offsets and citations) and
fetches sentence vectors by row when ranking needs them. Deciding what to build is `indexer`'s job.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from pymilvus import DataType, MilvusClient, MilvusException

from bot.config import Settings
from bot.errors import BotError, IndexError_
from bot.store.base import Lexical, passage_maps
from bot.store.faiss_store import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_FROM, HNSW_M
from bot.store.lexical import tokenize
from bot.types import Chunk, Document

# pymilvus logs every failed call with a traceback; the failures that matter become BotErrors here.
for _name in ("pymilvus", "milvus_lite"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)
FORMAT_VERSION = 1
K1, B = 1.5, 0.75  # bm25s's defaults (Lucene variant), so scores equal the local store's
PART = 60_000  # characters of ASCII JSON per record row (VARCHAR holds 65,535 bytes)
BATCH = 2_000  # rows per insert or get call (a few MB per gRPC message)
CACHE_ROWS = 50_000  # sentence vectors a loaded store keeps (about 75 MB at 384 dimensions)
_NO_INDEX = "There is no index yet; build one with: python -m bot index"
CONNECT_TIMEOUT_S = 30.0
# Reads are Bounded (Strong waits for the server's clock: 7.3 vs 1.5 ms a search on milvus-lite); `save` moves
# the alias only once a Bounded read sees every row, and a version never changes after that.
_CONSISTENCY = "Bounded"
VISIBLE_WAIT_S = 60.0


class MilvusStore:
    """An index in Milvus; built in memory by `indexer` (via `make`), then `save`d, or `load`ed."""

    def __init__(self, manifest: dict[str, Any], documents: dict[str, Document], chunks: list[Chunk],
                 sentences: np.ndarray, vectors: Any, lexical: Lexical) -> None:
        self.manifest, self.documents, self.chunks, self.sentences = manifest, documents, chunks, sentences
        self.vectors, self.lexical = vectors, lexical
        self.baseline: tuple[float, float, float] | None = None
        self.chunk_rows, self.doc_chunks, self.title_index, self.references = passage_maps(
            documents, chunks, sentences)
        self._remote: _Version | None = None

    @property
    def size(self) -> int:
        return len(self.sentences)

    def sentence_rows(self, chunk_id: int) -> range:
        return range(int(self.chunk_rows[chunk_id]), int(self.chunk_rows[chunk_id + 1]))

    def search(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosine scores of the `k` nearest sentences, best first (ties by row, as FAISS)."""
        k = min(k, self.size)
        if k == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self._remote is None:  # built but not saved yet: exact search in memory
            scores = np.asarray(self.vectors, dtype=np.float32) @ query_vector
            rows = np.lexsort((np.arange(len(scores)), -scores))[:k]
            return rows.astype(np.int64), scores[rows].astype(np.float32)
        params = {"metric_type": "COSINE", "params": {"ef": max(HNSW_EF_SEARCH, k)}}
        hits = self._remote.call("search", self._remote.s, data=[np.asarray(query_vector, np.float32).tolist()],
                                 anns_field="vector", limit=k, search_params=params,
                                 consistency_level=_CONSISTENCY)[0]
        pairs = sorted((-float(h["distance"]), _hit_id(h, "row")) for h in hits)
        return (np.array([r for _, r in pairs], dtype=np.int64),
                np.array([-s for s, _ in pairs], dtype=np.float32))


def make(manifest: dict[str, Any], documents: dict[str, Document], chunks: list[Chunk], sentences: np.ndarray,
         vectors: np.ndarray, lexical: Lexical) -> MilvusStore:
    """A freshly built index, held in memory until `save` writes it."""
    return MilvusStore(manifest, documents, chunks, sentences, vectors, lexical)


class _Version:
    """One version's collections on one server, and the calls made to them (errors become `BotError`)."""

    def __init__(self, client: MilvusClient, settings: Settings, version: str) -> None:
        self.client, self.where, self.version = client, _where(settings), version
        self.s, self.p, self.r = (f"{settings.milvus_collection}_{version}_{x}" for x in "spr")

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, name)(*args, **kwargs)
        except MilvusException as err:
            raise BotError(f"Milvus at {self.where} failed ({_reason(err)}); check that it is running and "
                           "that BOT_MILVUS_URI and BOT_MILVUS_TOKEN are right.") from None

    def rows(self, collection: str, fields: list[str], filter: str = "") -> Iterator[dict[str, Any]]:
        it = self.call("query_iterator", collection, batch_size=BATCH, filter=filter, output_fields=fields,
                       consistency_level=_CONSISTENCY)
        try:
            while batch := it.next():
                yield from batch
        finally:
            it.close()


class _RemoteVectors:
    """`store.vectors` of a loaded Milvus store: rows fetched by id on first use, then kept (LRU)."""

    def __init__(self, remote: _Version, n: int, dim: int) -> None:
        self._remote, self.shape, self.dtype = remote, (n, dim), np.dtype(np.float32)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self._rows([int(key)])[0]
        if isinstance(key, slice):
            return self._rows(list(range(*key.indices(self.shape[0]))))
        return self._rows([int(r) for r in np.asarray(key).reshape(-1)])

    def _rows(self, rows: list[int]) -> np.ndarray:
        with self._lock:
            found = {r: self._cache[r] for r in rows if r in self._cache}
        missing = sorted(set(rows) - found.keys())
        for start in range(0, len(missing), BATCH):
            part = missing[start:start + BATCH]
            for hit in self._remote.call("get", self._remote.s, ids=part, output_fields=["vector"],
                                         consistency_level=_CONSISTENCY):
                found[int(hit["row"])] = np.asarray(hit["vector"], dtype=np.float32)
        with self._lock:
            for r in missing:
                self._cache[r] = found[r]
            while len(self._cache) > CACHE_ROWS:
                self._cache.popitem(last=False)
        out = np.zeros((len(rows), self.shape[1]), dtype=np.float32)
        for i, r in enumerate(rows):
            out[i] = found[r]
        return out


class _MilvusLexical:
    """BM25 as inner product of sparse vectors in the passages collection; terms' ids and df from records."""

    def __init__(self, remote: _Version, n_docs: int, sparse: bool) -> None:
        self._remote, self._n, self._sparse = remote, n_docs, sparse
        self._terms: OrderedDict[str, tuple[int, int] | None] = OrderedDict()
        self._lock = threading.Lock()

    def _lookup(self, terms: Iterable[str]) -> dict[str, tuple[int, int] | None]:
        """term → (id, document frequency), None for a term no passage holds; fetched once, then kept."""
        wanted = set(terms)
        with self._lock:
            known = {t: self._terms[t] for t in wanted if t in self._terms}
        missing = sorted(wanted - known.keys())
        if missing:
            got = {row["key"][2:]: row["value"] for row in self._remote.call(
                "get", self._remote.r, ids=[f"t:{t}" for t in missing], output_fields=["value"],
                consistency_level=_CONSISTENCY)}
            with self._lock:
                for t in missing:
                    ident, df = (int(x) for x in got[t].split()) if t in got else (0, 0)
                    known[t] = self._terms[t] = (ident, df) if t in got else None
                while len(self._terms) > 100_000:
                    self._terms.popitem(last=False)
        return known

    def idf(self, token: str) -> float:
        entry = self._lookup([token])[token]
        return _idf(self._n, entry[1] if entry else 0)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(tokenize(query))
        known = self._lookup(counts)
        weights = {known[t][0]: float(n) for t, n in counts.items() if known[t] is not None}
        if not weights or self._n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if not self._sparse:
            raise BotError(f"The Milvus server at {self._remote.where} has no BM25 (sparse vectors need Milvus "
                           "2.4 or newer); ask in dense mode or use a newer server.")
        hits = self._remote.call("search", self._remote.p, data=[weights], anns_field="bm25",
                                 limit=min(k, self._n), output_fields=[], consistency_level=_CONSISTENCY,
                                 search_params={"metric_type": "IP", "params": {"drop_ratio_search": 0.0}})[0]
        pairs = sorted((-float(h["distance"]), _hit_id(h, "chunk_id")) for h in hits if float(h["distance"]) > 0)
        return (np.array([c for _, c in pairs], dtype=np.int64),
                np.array([-s for s, _ in pairs], dtype=np.float32))


def _hit_id(hit: dict[str, Any], primary: str) -> int:
    """A hit's primary key: servers call it "id", milvus-lite by the field's name."""
    return int(hit["id"] if "id" in hit else hit[primary])


def _idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def connect(settings: Settings) -> MilvusClient:
    """A client for `settings.milvus_target`; the token is passed to pymilvus and nowhere else."""
    if not settings.milvus_uri:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(uri=settings.milvus_target, token=settings.milvus_token,
                            timeout=CONNECT_TIMEOUT_S)
    except MilvusException as err:
        if "://" not in settings.milvus_target:
            raise BotError(f"Cannot open the embedded Milvus database {settings.milvus_target}: another process may "
                           "have it open (embedded milvus-lite serves one process). To share it, run: milvus-lite "
                           f"server --data-dir {settings.milvus_target} --host 127.0.0.1 --port 19530, and set "
                           "BOT_MILVUS_URI=http://127.0.0.1:19530.") from None
        raise BotError(f"Cannot reach Milvus at {_where(settings)} ({_reason(err)}); start it or fix "
                       "BOT_MILVUS_URI (and BOT_MILVUS_TOKEN).") from None


def _where(settings: Settings) -> str:
    """The target without any credentials in it, for messages."""
    parts = urlsplit(settings.milvus_target)
    return f"{parts.scheme}://{parts.hostname}:{parts.port}" if parts.hostname else settings.milvus_target


def _reason(err: MilvusException) -> str:
    return re.sub(r"\s+", " ", str(getattr(err, "message", "") or err))[:200]


def _live(client: MilvusClient, settings: Settings) -> str | None:
    """The live version's name, or None when the alias does not exist yet."""
    if settings.milvus_collection not in client.list_aliases().get("aliases", []):
        return None
    name = client.describe_alias(settings.milvus_collection)["collection_name"]
    return name[len(settings.milvus_collection) + 1:-2]


def _versions(client: MilvusClient, settings: Settings) -> set[str]:
    pattern = re.compile(re.escape(settings.milvus_collection) + r"_(v\d{8}T\d{6}_[0-9a-f]{6})_[spr]")
    return {m.group(1) for name in client.list_collections() if (m := pattern.fullmatch(name))}


def _joined(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Records "<kind>:<key>:<part>" → their parts joined in order, keyed "<kind>:<key>"."""
    parts: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        key, _, n = row["key"].rpartition(":")
        parts.setdefault(key, []).append((int(n), row["value"]))
    return {key: "".join(v for _, v in sorted(p)) for key, p in parts.items()}


def _open(settings: Settings) -> _Version:
    """The live version, its collections loaded (embedded milvus-lite starts each process with them released)."""
    client = connect(settings)
    try:
        version = _live(client, settings)
    except MilvusException as err:
        raise BotError(f"Cannot reach Milvus at {_where(settings)} ({_reason(err)}); start it or fix "
                       "BOT_MILVUS_URI (and BOT_MILVUS_TOKEN).") from None
    if version is None:
        raise IndexError_(_NO_INDEX)
    remote = _Version(client, settings, version)
    for name in (remote.s, remote.p, remote.r):
        remote.call("load_collection", name)
    return remote


def read_manifest(settings: Settings) -> dict[str, Any]:
    return _manifest(_open(settings))


def _manifest(remote: _Version) -> dict[str, Any]:
    text = _joined(remote.rows(remote.r, ["key", "value"], 'key like "m:%"')).get("m:manifest")
    manifest = json.loads(text) if text else None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexError_("The Milvus index is damaged or from another version of Citebot; rebuild it with: "
                          "python -m bot index --rebuild")
    return manifest


def load(settings: Settings) -> MilvusStore:
    """The live version: documents and passages read into memory, vectors and BM25 left on the server."""
    remote = _open(settings)
    manifest = _manifest(remote)
    documents = {}
    for text in _joined(remote.rows(remote.r, ["key", "value"], 'key like "d:%"')).values():
        d = json.loads(text)
        documents[d["doc_id"]] = Document(**{**d, "pages": tuple(d["pages"])})
    infos = sorted((int(row["chunk_id"]), json.loads(row["info"])) for row in remote.rows(
        remote.p, ["chunk_id", "info"]))
    chunks = [Chunk(**{**c, "text": documents[c["doc_id"]].text[c["start"]:c["end"]],
                       "sentences": tuple(tuple(s) for s in c["sentences"])}) for _, c in infos]
    counts = manifest.get("counts", {})
    if [i for i, _ in infos] != list(range(len(infos))) or (len(documents), len(chunks)) != (
            counts.get("documents"), counts.get("chunks")):
        raise IndexError_("The Milvus index is damaged (rows missing); rebuild it with: python -m bot index --rebuild")
    sentences = np.array([(i, s, e) for i, c in enumerate(chunks) for s, e in c.sentences],
                         dtype=np.int64).reshape(-1, 3)
    return _attach(MilvusStore(manifest, documents, chunks, sentences, None, None), remote)  # type: ignore[arg-type]


def _attach(store: MilvusStore, remote: _Version) -> MilvusStore:
    store._remote = remote
    store.vectors = _RemoteVectors(remote, store.size, int(store.manifest["dimension"]))
    store.lexical = _MilvusLexical(remote, len(store.chunks), bool(store.manifest.get("bm25")))
    return store


def save(store: MilvusStore, settings: Settings) -> None:
    """Write `store` as a new version, check it, move the alias to it; then drop all but it and the last."""
    client = connect(settings)
    version = f"v{time.strftime('%Y%m%dT%H%M%S')}_{np.random.default_rng().bytes(3).hex()}"
    remote = _Version(client, settings, version)
    live = _live(client, settings)
    for old in _versions(client, settings) - {live}:  # debris of killed builds
        _drop(remote, old, settings)
    sparse = _has_sparse(remote)
    manifest = dict(store.manifest, format_version=FORMAT_VERSION, store="milvus", version=version, bm25=sparse)
    vectors = np.asarray(store.vectors, dtype=np.float32)
    _create(remote, vectors.shape[1], len(vectors), sparse)
    _insert(remote, remote.s, ({"row": i, "chunk_id": int(store.sentences[i, 0]), "vector": vectors[i].tolist()}
                               for i in range(len(vectors))))
    titles = {d.doc_id: d.title for d in store.documents.values()}
    tokens = [Counter(tokenize(f"{titles[c.doc_id]}\n{c.text}")) for c in store.chunks]
    df = Counter(t for doc in tokens for t in doc)
    term_ids = {t: i for i, t in enumerate(sorted(df))}
    avgdl = sum(sum(c.values()) for c in tokens) / max(len(tokens), 1)
    _insert(remote, remote.p, (_passage(store, i, c, tokens[i], term_ids, df, avgdl, sparse)
                               for i, c in enumerate(store.chunks)))
    _insert(remote, remote.r, _records(manifest, store.documents.values(), term_ids, df))
    for name in (remote.s, remote.p, remote.r):
        remote.call("flush", name)
    _check(remote, len(vectors), len(store.chunks))
    if live is None:
        remote.call("create_alias", remote.r, settings.milvus_collection)
    else:
        remote.call("alter_alias", remote.r, settings.milvus_collection)
    for old in _versions(client, settings) - {version, live}:
        _drop(remote, old, settings)
    store.manifest = manifest
    _attach(store, remote)


def _has_sparse(remote: _Version) -> bool:
    """Whether the server holds sparse vectors (Milvus 2.4 and later, milvus-lite 2.5 and later)."""
    found = re.search(r"(\d+)\.(\d+)", str(remote.call("get_server_version")))
    return found is None or (int(found.group(1)), int(found.group(2))) >= (2, 4)


def _create(remote: _Version, dim: int, n: int, sparse: bool) -> None:
    index = ({"index_type": "HNSW", "params": {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION}}
             if n >= HNSW_FROM else {"index_type": "FLAT"})
    specs: list[tuple[str, list[tuple[str, Any, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]] = [
        (remote.s, [("row", DataType.INT64, {"is_primary": True}), ("chunk_id", DataType.INT64, {}),
                    ("vector", DataType.FLOAT_VECTOR, {"dim": dim})],
         [("vector", {**index, "metric_type": "COSINE"})]),
        (remote.p, [("chunk_id", DataType.INT64, {"is_primary": True}),
                    ("info", DataType.VARCHAR, {"max_length": 65_535}),
                    ("mean", DataType.FLOAT_VECTOR, {"dim": dim})]
         + ([("bm25", DataType.SPARSE_FLOAT_VECTOR, {})] if sparse else []),
         [("mean", {"index_type": "FLAT", "metric_type": "COSINE"})]
         + ([("bm25", {"index_type": "SPARSE_INVERTED_INDEX", "metric_type": "IP"})] if sparse else [])),
        (remote.r, [("key", DataType.VARCHAR, {"is_primary": True, "max_length": 4_096}),
                    ("value", DataType.VARCHAR, {"max_length": 65_535}),
                    ("unused", DataType.FLOAT_VECTOR, {"dim": 2})],  # Milvus wants a vector in every collection
         [("unused", {"index_type": "FLAT", "metric_type": "L2"})]),
    ]
    for name, fields, indexes in specs:
        schema = remote.call("create_schema", auto_id=False, enable_dynamic_field=False)
        for field_name, kind, options in fields:
            schema.add_field(field_name, kind, **options)
        params = remote.call("prepare_index_params")
        for field_name, options in indexes:
            params.add_index(field_name, **options)
        remote.call("create_collection", name, schema=schema, index_params=params, consistency_level="Strong")


def _insert(remote: _Version, collection: str, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            remote.call("insert", collection, batch)
            batch = []
    if batch:
        remote.call("insert", collection, batch)


def _passage(store: MilvusStore, i: int, chunk: Chunk, tokens: Counter[str], term_ids: dict[str, int],
             df: Counter[str], avgdl: float, sparse: bool) -> dict[str, Any]:
    info = {k: v for k, v in asdict(chunk).items() if k != "text"}
    rows = store.sentence_rows(i)
    mean = np.asarray(store.vectors[rows.start:rows.stop], dtype=np.float32).sum(axis=0)
    norm = float(np.linalg.norm(mean))
    row: dict[str, Any] = {"chunk_id": i, "info": json.dumps(info, ensure_ascii=True),
                           "mean": (mean / norm if norm else mean).tolist()}
    if sparse:
        length = sum(tokens.values())
        n = len(store.chunks)
        row["bm25"] = {term_ids[t]: _idf(n, df[t]) * tf / (tf + K1 * (1 - B + B * length / avgdl))
                       for t, tf in tokens.items()}
    return row


def _records(manifest: dict[str, Any], documents: Iterable[Document], term_ids: dict[str, int],
             df: Counter[str]) -> Iterator[dict[str, Any]]:
    def parts(key: str, text: str) -> Iterator[dict[str, Any]]:
        for n, start in enumerate(range(0, max(len(text), 1), PART)):
            yield {"key": f"{key}:{n}", "value": text[start:start + PART], "unused": [0.0, 0.0]}
    yield from parts("m:manifest", json.dumps(manifest, ensure_ascii=True))
    for doc in documents:  # ASCII JSON: any text (lone surrogates too) fits VARCHAR, one byte a character
        yield from parts(f"d:{doc.doc_id}", json.dumps(asdict(doc), ensure_ascii=True))
    for term, ident in term_ids.items():
        yield {"key": f"t:{term}", "value": f"{ident} {df[term]}", "unused": [0.0, 0.0]}


def _check(remote: _Version, sentences: int, chunks: int) -> None:
    """Every row is there, and visible to Bounded reads, before the alias moves (a server that dropped writes
    must not go live)."""
    for name, expected in ((remote.s, sentences), (remote.p, chunks)):
        def count(level: str, name: str = name) -> int:
            return int(remote.call("query", name, filter="", output_fields=["count(*)"],
                                   consistency_level=level)[0]["count(*)"])
        got = count("Strong")
        if got != expected:
            raise BotError(f"Milvus at {remote.where} holds {got} of {expected} rows of {name} after writing "
                           "them; the previous index stays live. Try again.")
        deadline = time.monotonic() + VISIBLE_WAIT_S
        while count(_CONSISTENCY) != expected:
            if time.monotonic() > deadline:
                raise BotError(f"Milvus at {remote.where} did not show the new rows of {name} within "
                               f"{VISIBLE_WAIT_S:.0f} s; the previous index stays live. Try again.")
            time.sleep(0.2)


def _drop(remote: _Version, version: str, settings: Settings) -> None:
    for x in "spr":
        remote.call("drop_collection", f"{settings.milvus_collection}_{version}_{x}")

