"""Indexing with Ray: a 2-node `ray.cluster_utils.Cluster` on 127.0.0.1 embeds, and the index equals the
in-process one (same chunks, sentences and manifest; the fake embedder's vectors bit for bit), embedded on
the cluster's nodes; small jobs never touch the cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.store import ray_embed
from bot.store.indexer import build
from bot.types import Document
from tests import milvus_servers

ray = pytest.importorskip("ray")
from ray.cluster_utils import Cluster  # noqa: E402 - after the skip check

WORDS = "river stone cloud lantern orchard harbour violin meadow copper falcon".split()


def _documents(n: int) -> list[Document]:
    """`n` documents of 30 distinct sentences each (word i, j and k of WORDS, so vectors differ)."""
    docs = []
    for d in range(n):
        sentences = [f"The {WORDS[(d + i) % 10]} met the {WORDS[i % 7]} near {WORDS[(i * 3 + d) % 10]} number {i}."
                     for i in range(30)]
        docs.append(Document(f"doc{d:03}.txt", f"Document {d}", "\n\n".join(" ".join(sentences[i:i + 3])
                                                                          for i in range(0, 30, 3))))
    return docs


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Two Ray nodes of one CPU each, every server bound to 127.0.0.1, no dashboard."""
    node = {"num_cpus": 1, "node_ip_address": "127.0.0.1", "object_store_memory": 100 << 20}
    c = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    c.add_node(**node)
    c.wait_for_nodes()
    try:
        yield c.address
    finally:
        ray.shutdown()
        c.shutdown()


def test_index_built_on_ray_equals_the_in_process_one(cluster: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ray_embed, "RAY_FROM", 100)
    monkeypatch.setattr(ray_embed, "BATCH", 25)  # 24 batches, so both actors get some
    docs = _documents(20)  # 600 sentences
    settings = Settings(index_dir=tmp_path / "index", model="fake", ray_address=cluster)
    local, local_embedded = build(docs, FakeEmbedder(), settings)
    fanned = ray_embed.RayEmbedder(FakeEmbedder(), settings, workers=2)
    seen: list[tuple[int, int]] = []
    remote, remote_embedded = build(docs, fanned, settings, progress=lambda stage, done, total, item="": seen.append(
        (done, total)) if stage == "embedding" else None)
    assert local_embedded == remote_embedded == 600
    assert remote.chunks == local.chunks and remote.manifest == local.manifest
    assert np.array_equal(remote.sentences, local.sentences)
    assert np.array_equal(remote.vectors, local.vectors)
    # Embedded on the cluster's nodes, not in this process. (Which of the two takes batches is Ray's choice: the
    # fake embedder is so fast that one actor may finish before the other has started.)
    assert fanned.nodes and fanned.nodes <= {n["NodeID"] for n in ray.nodes() if n["Alive"]}
    assert len([n for n in ray.nodes() if n["Alive"]]) == 2
    assert seen[-1] == (600, 600) and len(seen) >= 2


def test_small_jobs_stay_in_process(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path, model="fake", ray_address=f"127.0.0.1:{milvus_servers.free_port()}")
    fanned = ray_embed.RayEmbedder(FakeEmbedder(), settings)
    vectors = fanned.encode(["Cats purr.", "Dogs bark."])  # nothing listens at that address: never contacted
    assert np.array_equal(vectors, FakeEmbedder().encode(["Cats purr.", "Dogs bark."]))
    assert fanned.nodes == set() and fanned.name == "fake-hash-64"


def test_settings_read_the_ray_address() -> None:
    from bot.config import load_settings
    assert load_settings({"BOT_RAY_ADDRESS": "10.0.0.5:6379"}).ray_address == "10.0.0.5:6379"
    assert load_settings({}).ray_address == ""
