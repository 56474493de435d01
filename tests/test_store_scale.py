"""The store at scale: the HNSW path keeps recall@10 ≥ 0.95 of exact search, a saved index loads memory-mapped
(FAISS and vectors.npy) and still searches and ranks the same, sizes are checked where hashes are skipped,
and the indexer embeds in bounded batches with the same result as one call."""

import faiss
import numpy as np
import pytest

from bot.answer.retrieval import rank
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import IndexError_
from bot.store import faiss_store as store_mod
from bot.store import indexer
from bot.types import Document


def structured_vectors(n, dim=384, intrinsic=48, seed=0):
    """Unit vectors near a 48-dimensional subspace, like sentence embeddings (uniform noise in 384
    dimensions has no near neighbours to find: HNSW recall on it is ~0.8 whatever the settings)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, intrinsic)).astype(np.float32) @ rng.standard_normal((intrinsic, dim)).astype(
        np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    x += 0.15 * rng.standard_normal((n, dim)).astype(np.float32) / np.sqrt(dim)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_hnsw_recall_at_10_against_exact(monkeypatch):
    monkeypatch.setattr(store_mod, "HNSW_FROM", 10_000)
    both = structured_vectors(20_200)
    vectors, queries = both[:20_000], both[20_000:]  # queries: fresh points of the same distribution
    index = store_mod._make_faiss(vectors)
    assert isinstance(index, faiss.IndexHNSWFlat) and index.hnsw.efSearch == store_mod.HNSW_EF_SEARCH
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    _, found = index.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, exact, strict=True)])
    assert recall >= 0.95


def _docs(n=40):
    words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "lambda", "theta", "zeta"]
    return [Document(doc_id=f"d{i}", title=f"Doc {i}", source=f"d{i}",
                     text=f"{words[i % 10]} {words[(i * 3) % 10]} number {i}. Another sentence about {words[i % 7]}.")
            for i in range(n)]


@pytest.mark.parametrize("hnsw_from", [100_000, 10])
def test_memory_mapped_round_trip(tmp_path, monkeypatch, hnsw_from):
    monkeypatch.setattr(store_mod, "HNSW_FROM", hnsw_from)
    built, _ = indexer.build(_docs(), FakeEmbedder(), Settings())
    store_mod.save(built, tmp_path)
    loaded = store_mod.load(tmp_path)
    assert isinstance(loaded.vectors, np.memmap) and not loaded.vectors.flags.writeable
    assert np.array_equal(np.asarray(loaded.vectors), built.vectors)
    assert type(loaded.faiss_index) is type(built.faiss_index)
    query = FakeEmbedder().encode(["gamma delta"])[0]
    assert np.array_equal(loaded.search(query, 5)[0], built.search(query, 5)[0])
    assert [h.chunk_id for h in rank(loaded, "gamma delta", query, 5, 50).hits] == \
        [h.chunk_id for h in rank(built, "gamma delta", query, 5, 50).hits]
    assert loaded.search(query, 10_000)[0].shape == (built.size,)  # k beyond the index is clamped


def test_large_files_are_size_checked_not_hashed(tmp_path, monkeypatch):
    built, _ = indexer.build(_docs(), FakeEmbedder(), Settings())
    folder = store_mod.save(built, tmp_path)
    vectors = folder / "vectors.npy"
    data = bytearray(vectors.read_bytes())
    data[-1] ^= 0xFF  # same size, different content
    vectors.write_bytes(bytes(data))
    with pytest.raises(IndexError_, match=r"damaged \(vectors.npy missing or changed\)"):
        store_mod.load(tmp_path)
    monkeypatch.setattr(store_mod, "HASH_MAX_BYTES", 1024)  # vectors.npy is now "large": size only
    store_mod.load(tmp_path)
    vectors.write_bytes(bytes(data[:-4]))
    with pytest.raises(IndexError_, match=r"vectors\.npy missing or changed"):
        store_mod.load(tmp_path)


class _Recording(FakeEmbedder):
    def __init__(self):
        super().__init__()
        self.calls = []

    def encode(self, texts, progress=None):
        self.calls.append(len(texts))
        return super().encode(texts, progress)


def test_indexer_embeds_in_bounded_batches(monkeypatch):
    whole, n = indexer.build(_docs(), FakeEmbedder(), Settings())
    monkeypatch.setattr(indexer, "EMBED_BATCH", 7)
    embedder, seen = _Recording(), []
    streamed, m = indexer.build(_docs(), embedder, Settings(), progress=lambda s, d, t, item="": seen.append((s, d, t)))
    assert n == m == 80 and max(embedder.calls) == 7 and sum(embedder.calls) == 80
    assert np.array_equal(whole.vectors, streamed.vectors)
    steps = [d for s, d, _ in seen if s == "embedding"]
    assert steps == sorted(steps) and steps[-1] == 80
