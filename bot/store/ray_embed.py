"""Embedding a large indexing job across a Ray cluster with Ray Data: the only ray import.

`RayEmbedder` is an `Embedder` that the indexer uses like any other: a call with fewer than `RAY_FROM`
texts embeds in-process (starting Ray work costs seconds), a larger one becomes one Ray Data job whose
actors (one per worker CPU, `workers` of them) each load the same model once and embed batches of
`BATCH`; vectors come back in order, and progress moves as batches finish. The model, backend and ONNX
cache are the driver's settings, so the vectors are the ones the in-process embedder would give (the same
model; int8 ONNX may differ in the last digits where batches are grouped differently). Reading and
chunking stay in the driver: they cost a small fraction of embedding (about 300 sentences a second on two
cores). This module does not start clusters; `BOT_RAY_ADDRESS` or `--ray` names a running one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import ray
import ray.data

from bot.config import Settings
from bot.embed.base import Embedder, Progress
from bot.embed.choose import make_embedder
from bot.errors import BotError

RAY_FROM = 2_000  # texts; fewer embed in-process
BATCH = 256  # texts per Ray Data batch
BATCH_HINT = 1_000_000  # the indexer hands over this many texts per call, so one job (one model load per actor)
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Encoder:
    """One per Ray actor: the embedder is loaded once and embeds every batch the actor is given."""

    def __init__(self, model: str, backend: str, onnx_cache: str) -> None:
        from pathlib import Path
        self._embedder = make_embedder(model, backend, Path(onnx_cache))

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        vectors = self._embedder.encode([str(t) for t in batch["text"]])
        return {"i": batch["i"], "vector": vectors,
                "node": np.array([ray.get_runtime_context().get_node_id()] * len(vectors))}


class RayEmbedder:
    """`local`'s name and dimension; large `encode` calls run on the Ray cluster at `settings.ray_address`."""

    batch_hint = BATCH_HINT

    def __init__(self, local: Embedder, settings: Settings, workers: int | None = None) -> None:
        self.local, self.settings, self.workers = local, settings, workers
        self.name = local.name
        self.nodes: set[str] = set()  # the Ray nodes that embedded in the last job (for tests and reports)

    @property
    def dim(self) -> int:
        return self.local.dim

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        if len(texts) < RAY_FROM:
            return self.local.encode(texts, progress)
        connect(self.settings.ray_address)
        workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        dataset = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)],
                                      override_num_blocks=max(1, min(len(texts) // BATCH, workers * 8)))
        s = self.settings
        embedded = dataset.map_batches(
            _Encoder, batch_size=BATCH, compute=ray.data.ActorPoolStrategy(min_size=workers, max_size=workers),
            num_cpus=1, batch_format="numpy",
            fn_constructor_kwargs={"model": s.model, "backend": s.backend, "onnx_cache": str(s.onnx_cache)})
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        done = 0
        self.nodes = set()
        for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
            out[batch["i"]] = batch["vector"]
            self.nodes.update(str(n) for n in batch["node"])
            done += len(batch["i"])
            if progress:
                progress(done, len(texts))
        if done != len(texts):
            raise BotError(f"The Ray cluster returned {done} of {len(texts)} sentence vectors; try again.")
        return out


def connect(address: str) -> None:
    """Join the running cluster at `address` ("host:port") once per process."""
    if ray.is_initialized():
        return
    host = address.rpartition(":")[0].strip("[]")
    if host in _LOOPBACK:
        # Ray swaps a loopback address for this machine's external one (so remote nodes could reach it) unless
        # it thinks multi-machine clusters are off; a cluster bound to 127.0.0.1 answers only there.
        from ray._private import ray_constants
        ray_constants.ENABLE_RAY_CLUSTER = False
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.WARNING)
    ray.data.DataContext.get_current().enable_progress_bars = False  # the indexer shows its own progress
    try:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False,
                 _node_ip_address="127.0.0.1" if host in _LOOPBACK else None)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise BotError(f"Cannot join the Ray cluster at {address} ({str(err)[:160]}); start it (ray start "
                       "--head) or fix --ray / BOT_RAY_ADDRESS.") from None

