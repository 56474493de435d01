"""Which index backend `Settings.store` names, behind four calls: lock, load, save, read the manifest.

`indexer` and `sync` decide *what* to build and call these; the backend decides *where* it lives: local
files under `index_dir` (`faiss_store`, the default) or collections on a Milvus server or in embedded
milvus-lite (`milvus_store`, imported only when chosen, so the default never loads pymilvus). Both keep the
same promise: a build becomes visible all at once, and a killed build leaves the previous index answering.
This module only dispatches; it holds no index and knows no engine.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from bot.config import Settings
from bot.store import faiss_store
from bot.store.base import Store


@contextlib.contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """Serialise builds of one index. A lock file in `index_dir` (also for Milvus: builds from one machine)."""
    with faiss_store.build_lock(settings.index_dir):
        yield


def load(settings: Settings) -> Store:
    """The live index; `IndexError_` ("There is no index yet…" or "…damaged…") when there is none usable."""
    if settings.store == "milvus":
        from bot.store import milvus_store
        return milvus_store.load(settings)
    return faiss_store.load(settings.index_dir)


def save(store: Store, settings: Settings) -> None:
    """Write `store` as a new version and make it the live one, atomically."""
    if settings.store == "milvus":
        from bot.store import milvus_store
        milvus_store.save(store, settings)
    else:
        assert isinstance(store, faiss_store.FaissStore)
        faiss_store.save(store, settings.index_dir)


def read_manifest(settings: Settings) -> dict[str, Any]:
    """The live index's manifest without loading the rest."""
    if settings.store == "milvus":
        from bot.store import milvus_store
        return milvus_store.read_manifest(settings)
    return faiss_store.read_manifest(settings.index_dir)
