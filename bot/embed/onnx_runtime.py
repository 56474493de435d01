"""Text → unit-length float32 vectors with an int8 ONNX export of the model: onnxruntime + `tokenizers` only.

`OnnxEmbedder` implements the same `Embedder` protocol as `embedding.SentenceEmbedder` and reproduces its
pipeline: the model's own `tokenizer.json` (truncated at `max_seq_length`, padded to the longest text of a
batch), the transformer, mean pooling over real tokens, L2 normalisation. It imports neither torch nor
sentence-transformers, so a process that answers with an existing export never loads them. It does not make
the export (`onnx_export` does) nor decide which backend to use (`embedding.make_embedder` does).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

Progress = Callable[[int, int], None]  # (done, total), as in embedding
OUTPUT = "last_hidden_state"


def load_tokenizer(model_dir: Path) -> Any:
    """The model's fast tokenizer, set up as sentence-transformers uses it."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    try:
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        max_len = int(config.get("max_seq_length", 256))
    except (OSError, ValueError):
        max_len = 256
    # tokenizer.json ships with truncation at 128 and fixed padding to 128; sentence-transformers overrides
    # both (truncate at max_seq_length, pad to the batch's longest), and so do we.
    tokenizer.enable_truncation(max_length=max_len)
    pad = "[PAD]"
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad) or 0, pad_token=pad)
    return tokenizer


def tokenize(tokenizer: Any, texts: list[str]) -> dict[str, np.ndarray]:
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    return {"input_ids": ids, "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the unmasked token vectors, then unit length: sentence-transformers' Pooling + Normalize."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return (summed / np.clip(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


def new_session(model_path: Path) -> Any:
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # must be set before onnxruntime is imported
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: its warnings are about graph details, not the user's data
    # Idle threads sleep instead of spinning: on a busy machine spinning threads steal the cores the work
    # needs (measured under load: one question 6–7 ms spinning, 2–3 ms not; bulk no slower).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])


class OnnxEmbedder:
    """An exported model (`model-int8.onnx`) plus the tokenizer of the model folder it came from."""

    def __init__(self, model_path: Path, model_dir: Path, name: str, batch_size: int = 16) -> None:
        self.model_path = model_path
        self.model_dir = model_dir
        self.name = name
        self.batch_size = batch_size  # 700 SQuAD2 sentences, 2 idle cores: 8 or 16 2.7 s, 32 3.3 s, 64 5 s
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self._dim = int(config["hidden_size"])
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def dim(self) -> int:
        return self._dim

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            self._tokenizer = load_tokenizer(self.model_dir)
            self._session = new_session(self.model_path)
        return self._session, self._tokenizer

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        session, tokenizer = self._load()
        out = np.empty((len(texts), self._dim), dtype=np.float32)
        # Length-sorted batches keep padding low, as sentence-transformers does; the order is restored below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        step = self.batch_size * 8
        for done in range(0, len(order), self.batch_size):
            rows = order[done:done + self.batch_size]
            feeds = tokenize(tokenizer, [texts[i] for i in rows])
            hidden = session.run([OUTPUT], feeds)[0]
            out[rows] = mean_pool(hidden, feeds["attention_mask"])
            finished = done + len(rows)
            if progress and (finished % step == 0 or finished == len(texts)):
                progress(finished, len(texts))
        return out
