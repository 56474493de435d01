"""Shared fixtures: the fake embedder, settings pointed at temporary folders, the seed article.

Unit tests use `FakeEmbedder` (hashed words: deterministic and instant, and texts sharing words rank
together). Tests marked `slow` load the real bundled model once per session.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.assistant import Citebot
from bot.config import PROJECT_ROOT, Settings
from bot.embedding import FakeEmbedder, SentenceEmbedder

SHARED = PROJECT_ROOT.parent / "shared"
EVAL = SHARED / "eval"
SEED_FILE = PROJECT_ROOT / "seeds" / "000_204c1444c696506f.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEED_FILE, folder / SEED_FILE.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path, docs_dir: Path) -> Settings:
    return Settings(docs_dir=docs_dir, index_dir=tmp_path / "index", model="fake")


@pytest.fixture
def fake_bot(settings: Settings, fake: FakeEmbedder) -> Citebot:
    bot = Citebot(settings, embedder=fake)
    bot.open()
    return bot


@pytest.fixture(scope="session")
def real_embedder() -> SentenceEmbedder:
    return SentenceEmbedder()


@pytest.fixture(scope="session")
def seed_bot(tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceEmbedder) -> Citebot:
    """The real bundled model over the shipped seed article, built once for the session."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    bot = Citebot(Settings(index_dir=index_dir), embedder=real_embedder)
    bot.open()
    return bot
