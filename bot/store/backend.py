"""Which index backend `Settings.store` names, behind a few calls: lock, load, save, read the manifest(s), and
which version is live.

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


def older_manifests(settings: Settings) -> Iterator[dict[str, Any]]:
    """Stored versions' manifests that parse, newest first, whatever the live pointer says: where a damaged
    index still names its documents folder. FAISS keeps one per version folder; for Milvus none are read (a
    version there is written whole and checked before the alias names it, so only the live one is trusted)."""
    if settings.store == "milvus":
        return iter(())
    return faiss_store.version_manifests(settings.index_dir)


def live_version(settings: Settings, store: Store | None = None) -> str | None:
    """Which version is live now, cheaply: FAISS reads the folder name in `CURRENT` (one small file), Milvus
    asks which collections the alias names (one lookup, on `store`'s connection when it has one). None when
    there is no index. Compare with a loaded store's `manifest["version"]` to tell that another process's
    build made a newer version live."""
    if settings.store == "milvus":
        from bot.store import milvus_store
        return milvus_store.live_version(settings, store if isinstance(store, milvus_store.MilvusStore) else None)
    return faiss_store.live_version(settings.index_dir)
