"""Generated document libraries for the stress tests, and checks that an index is one of them, whole.

Two libraries, "alpha" and "beta", of any size, hold the same kind of filler prose (made-up words from a
seeded generator, so nothing in it matches a real question) plus one marker document whose fact differs:
alpha's lighthouse keeper is Orrin Vale, beta's is Perrin Gale. `check_complete` proves a saved index is
exactly one library (documents, counts, spans) and answers `QUESTION` with that library's keeper. Test
code only; nothing here is used by the bot.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.ingest.folder import read_folder
from bot.store import faiss_store as store_mod

QUESTION = "Who is the lighthouse keeper of Marrow harbour?"
KEEPER = {"alpha": "Orrin Vale", "beta": "Perrin Gale"}
_SYLLABLES = ("ka", "lo", "mi", "ru", "te", "vo", "sa", "ne", "pi", "du", "fa", "ge", "zo", "bi", "qu", "ly")


def write_library(folder: Path, name: str, documents: int = 20, paragraphs: int = 6, seed: int = 0) -> Path:
    """Write library `name` ("alpha" or "beta") into `folder`: `documents` filler files plus the marker."""
    rng = random.Random(f"{name}-{seed}")
    words = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(800)]
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(documents):
        paras = []
        for _ in range(paragraphs):
            sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + "."
                         for _ in range(rng.randint(3, 6))]
            paras.append(" ".join(sentences))
        title = " ".join(rng.choice(words) for _ in range(3)).title()
        (folder / f"{name}-{n:04d}.txt").write_text(f"{title}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    (folder / f"{name}-marker.md").write_text(
        f"# Marrow harbour\n\nThe lighthouse keeper of Marrow harbour is {KEEPER[name]}. "
        "The lamp is lit every evening at dusk.\n", encoding="utf-8")
    return folder


def document_hashes(folder: Path) -> dict[str, str]:
    """What a complete index of `folder` records in its manifest under "documents"."""
    return {d.doc_id: d.content_hash for d in read_folder(folder)[0]}


def bot_env(**extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BOT_MODEL": "fake", "HF_HUB_OFFLINE": "1",
            "LANG": "C.UTF-8", **extra}


def index_command(docs: Path, index: Path) -> list[str]:
    return [sys.executable, "-m", "bot", "index", "--docs", str(docs), "--index", str(index)]


def build_in_process(docs: Path, index: Path) -> str:
    """Build (or load) the index of `docs` with the fake embedder; returns the report's action."""
    return Citebot(Settings(docs_dir=docs, index_dir=index, model="fake"), embedder=FakeEmbedder()).open().action


def check_complete(index: Path, libraries: dict[str, Path], hashes: dict[str, dict[str, str]]) -> str:
    """Load `index` and prove it is one whole library that answers correctly; returns the library's name."""
    store = store_mod.load(index)  # verifies every file's SHA-256 and the manifest's
    name = next((n for n, h in hashes.items() if store.manifest["documents"] == h), None)
    assert name is not None, f"loaded a document set that is neither library: {sorted(store.documents)[:5]}"
    counts = store.manifest["counts"]
    assert (len(store.documents), len(store.chunks), store.size) == (
        counts["documents"], counts["chunks"], counts["sentences"])
    assert all(store.documents[c.doc_id].text[c.start:c.end] == c.text for c in store.chunks)
    bot = Citebot(Settings(docs_dir=libraries[name], index_dir=index, model="fake"), embedder=FakeEmbedder(),
                  store=store)
    answer = bot.ask(QUESTION)
    assert not answer.abstained and KEEPER[name] in answer.text, answer.text
    return name


def debris(index: Path) -> list[str]:
    """What a killed build can leave: `.tmp-*` folders, `CURRENT` temp files, versions `CURRENT` does not name."""
    current = json.loads((index / "CURRENT").read_text())["version"]
    return sorted(p.name for p in index.iterdir() if p.name.startswith((".tmp-", ".CURRENT."))
                  or (re.fullmatch(r"v\d{8}T\d{6}-[0-9a-f]{6}", p.name) and p.name != current))
