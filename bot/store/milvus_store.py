"""The index on Milvus (a server, a `milvus-lite server`, or embedded milvus-lite): the only pymilvus import.

A version is three collections, `<name>_<version>_{s,p,r}`: sentence vectors (COSINE; exact FLAT below
`HNSW_FROM` rows, HNSW above, as the FAISS store), passages (offsets and spans as JSON, mean vector, BM25 as
a sparse vector) and records (manifest, documents, BM25 terms). The alias `<name>` names the live version's
records collection; `save` writes a whole new version, checks it, and only then moves the alias, so readers
never see half an index and a killed build leaves the previous one answering. The live and the previous
version are kept; any other is a killed build's debris, dropped by the next build. Servers older than 2.4
have no sparse vectors: their indexes answer in dense mode only. How rows look is `milvus_rows`'s business,
what a loaded store fetches per question `milvus_views`'s, what to build `indexer`'s; this module talks to
the server.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from pymilvus import DataType, MilvusClient, MilvusException

from bot.config import Settings
from bot.errors import BotError, IndexError_
from bot.store import milvus_rows as rows_mod
from bot.store.faiss_store import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_FROM, HNSW_M
from bot.store.milvus_views import MilvusStore, RemoteLexical, RemoteVectors

# pymilvus logs every failed call with a traceback; the failures that matter become BotErrors here.
for _name in ("pymilvus", "milvus_lite"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)
FORMAT_VERSION = 1
BATCH = 2_000  # rows per insert or get call (a few MB per gRPC message)
_NO_INDEX = "There is no index yet; build one with: python -m bot index"
CONNECT_TIMEOUT_S = 30.0
# Reads are Bounded (Strong waits for the server's clock: 7.3 vs 1.5 ms a search on milvus-lite); `save` moves
# the alias only once a Bounded read sees every row, and a version never changes after that.
_CONSISTENCY = "Bounded"
VISIBLE_WAIT_S = 60.0

make = MilvusStore  # `indexer` builds a store in memory with it; `save` then writes it to the server


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


def _hit_id(hit: dict[str, Any], primary: str) -> int:
    """A hit's primary key: servers call it "id", milvus-lite by the field's name."""
    return int(hit["id"] if "id" in hit else hit[primary])


def connect(settings: Settings) -> MilvusClient:
    """A client for `settings.milvus_target`; the token is passed to pymilvus and nowhere else."""
    if not settings.milvus_uri:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        # Embedded milvus-lite serves gRPC from a thread of this process and logs a traceback for each call it
        # does not implement (query_iterator's AllocTimestamp, which pymilvus then does without).
        logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
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
    try:
        if settings.milvus_collection not in client.list_aliases().get("aliases", []):
            return None
        name = client.describe_alias(settings.milvus_collection)["collection_name"]
    except MilvusException as err:
        raise BotError(f"Cannot reach Milvus at {_where(settings)} ({_reason(err)}); start it or fix "
                       "BOT_MILVUS_URI (and BOT_MILVUS_TOKEN).") from None
    return name[len(settings.milvus_collection) + 1:-2]


def live_version(settings: Settings, store: MilvusStore | None = None) -> str | None:
    """Which version the alias names now (one lookup, on `store`'s connection when it has one)."""
    return _live(store.client if store is not None and store.client is not None else connect(settings), settings)


def _versions(client: MilvusClient, settings: Settings) -> set[str]:
    pattern = re.compile(re.escape(settings.milvus_collection) + r"_(v\d{8}T\d{6}_[0-9a-f]{6})_[spr]")
    return {m.group(1) for name in client.list_collections() if (m := pattern.fullmatch(name))}


def _open(settings: Settings) -> _Version:
    """The live version, its collections loaded (embedded milvus-lite starts each process with them released)."""
    client = connect(settings)
    if (version := _live(client, settings)) is None:
        raise IndexError_(_NO_INDEX)
    remote = _Version(client, settings, version)
    for name in (remote.s, remote.p, remote.r):
        remote.call("load_collection", name)
    return remote


def read_manifest(settings: Settings) -> dict[str, Any]:
    return _manifest(_open(settings))


def _manifest(remote: _Version) -> dict[str, Any]:
    text = rows_mod.joined(remote.rows(remote.r, ["key", "value"], 'key like "m:%"')).get("m:manifest")
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
    for text in rows_mod.joined(remote.rows(remote.r, ["key", "value"], 'key like "d:%"')).values():
        doc = rows_mod.document_of(text)
        documents[doc.doc_id] = doc
    infos = sorted((int(row["chunk_id"]), row["info"]) for row in remote.rows(remote.p, ["chunk_id", "info"]))
    chunks = [rows_mod.chunk_of(info, documents) for _, info in infos]
    counts = manifest.get("counts", {})
    if [i for i, _ in infos] != list(range(len(infos))) or (len(documents), len(chunks)) != (
            counts.get("documents"), counts.get("chunks")):
        raise IndexError_("The Milvus index is damaged (rows missing); rebuild it with: python -m bot index --rebuild")
    sentences = np.array([(i, s, e) for i, c in enumerate(chunks) for s, e in c.sentences],
                         dtype=np.int64).reshape(-1, 3)
    return _attach(MilvusStore(manifest, documents, chunks, sentences, None, None), remote)  # type: ignore[arg-type]


def _attach(store: MilvusStore, remote: _Version) -> MilvusStore:
    """From now on `store` searches and fetches on the server."""
    def fetch_rows(rows: list[int]) -> Iterator[tuple[int, Any]]:
        for start in range(0, len(rows), BATCH):
            for hit in remote.call("get", remote.s, ids=rows[start:start + BATCH], output_fields=["vector"],
                                   consistency_level=_CONSISTENCY):
                yield int(hit["row"]), hit["vector"]

    def fetch_terms(terms: list[str]) -> dict[str, tuple[int, int]]:
        return {row["key"][2:]: rows_mod.term_of(row["value"]) for row in remote.call(
            "get", remote.r, ids=[f"t:{t}" for t in terms], output_fields=["value"], consistency_level=_CONSISTENCY)}

    def sparse_search(weights: dict[int, float], k: int) -> list[tuple[int, float]]:
        hits = remote.call("search", remote.p, data=[weights], anns_field="bm25", limit=k, output_fields=[],
                           consistency_level=_CONSISTENCY,
                           search_params={"metric_type": "IP", "params": {"drop_ratio_search": 0.0}})[0]
        return [(_hit_id(h, "chunk_id"), float(h["distance"])) for h in hits]

    def dense_search(vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        params = {"metric_type": "COSINE", "params": {"ef": max(HNSW_EF_SEARCH, k)}}
        hits = remote.call("search", remote.s, data=[np.asarray(vector, np.float32).tolist()], anns_field="vector",
                           limit=k, search_params=params, consistency_level=_CONSISTENCY)[0]
        return [(_hit_id(h, "row"), float(h["distance"])) for h in hits]

    store.dense_search, store.client = dense_search, remote.client
    store.vectors = RemoteVectors(fetch_rows, store.size, int(store.manifest["dimension"]))
    store.lexical = RemoteLexical(
        fetch_terms, sparse_search if store.manifest.get("bm25") else None, len(store.chunks),
        f"The Milvus server at {remote.where} has no BM25 (sparse vectors need Milvus 2.4 or newer); ask in dense "
        "mode or use a newer server.")
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
    terms = rows_mod.Terms(store.documents, store.chunks)
    spans = [store.sentence_rows(i) for i in range(len(store.chunks))]
    _insert(remote, remote.p, (rows_mod.passage_row(i, c, vectors[spans[i].start:spans[i].stop],
                                                    terms if sparse else None) for i, c in enumerate(store.chunks)))
    _insert(remote, remote.r, rows_mod.record_rows(manifest, store.documents.values(), terms))
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
    it = iter(rows)
    while batch := list(itertools.islice(it, BATCH)):
        remote.call("insert", collection, batch)


def _check(remote: _Version, sentences: int, chunks: int) -> None:
    """Every row is there, and visible to Bounded reads, before the alias moves."""
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

