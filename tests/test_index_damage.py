"""Damage every file of a saved index — truncate it, flip a bit, delete it — and check each is caught.

Every file the manifest lists (FAISS, vectors, sentences, chunks, documents, each `bm25/` file), the
manifest itself and `CURRENT`: `load` refuses the damaged index with a message that says to rebuild (no
path, no exception name), and `Citebot.open` rebuilds it from the documents, says so, and answers.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from stress_corpus import KEEPER, QUESTION, write_library

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import IndexError_
from bot.store import faiss_store as store_mod


def _truncate_to_zero(path: Path) -> None:
    path.write_bytes(b"")


def _truncate_half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _drop_last_byte(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-1])


def _flipper(where: float) -> Callable[[Path], None]:
    def flip(path: Path) -> None:
        raw = bytearray(path.read_bytes())
        raw[min(int(len(raw) * where), len(raw) - 1)] ^= 0x01  # one bit, the smallest possible damage
        path.write_bytes(bytes(raw))
    return flip


def _delete(path: Path) -> None:
    path.unlink()


DAMAGE = {"truncated to 0 bytes": _truncate_to_zero, "truncated to half": _truncate_half,
          "last byte dropped": _drop_last_byte, "first bit flipped": _flipper(0.0),
          "middle bit flipped": _flipper(0.5), "last bit flipped": _flipper(1.0), "deleted": _delete}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small library and its index, built once; each case damages a copy."""
    root = tmp_path_factory.mktemp("damage")
    docs = write_library(root / "docs", "alpha", documents=5)
    Citebot(Settings(docs_dir=docs, index_dir=root / "index", model="fake"), embedder=FakeEmbedder()).open()
    return docs, root / "index"


def index_files(index: Path) -> list[str]:
    version = next(p for p in index.iterdir() if p.is_dir())
    names = sorted(str(p.relative_to(index)) for p in version.rglob("*") if p.is_file())
    return [*names, "CURRENT"]


def test_every_file_is_covered(pristine) -> None:
    _, index = pristine
    names = {Path(n).name for n in index_files(index)}
    assert {"index.faiss", "vectors.npy", "sentences.npy", "chunks.jsonl", "documents.jsonl", "manifest.json",
            "df.json", "params.index.json", "vocab.index.json", "data.csc.index.npy", "indices.csc.index.npy",
            "indptr.csc.index.npy", "CURRENT"} <= names


def damaged_copy(original: Path, name: str, damage: str, tmp_path: Path) -> Path:
    index = tmp_path / f"{damage}-{name}".replace("/", "-").replace(" ", "-")
    shutil.copytree(original, index)
    DAMAGE[damage](index / name)
    return index


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_to_any_file_is_refused_with_a_helpful_message(damage, pristine, tmp_path) -> None:
    _, original = pristine
    problems = []
    for name in index_files(original):
        index = damaged_copy(original, name, damage, tmp_path)
        try:
            store = store_mod.load(index)
        except IndexError_ as err:
            message = str(err)
            helpful = re.fullmatch(r"(The index (is damaged|was written in format \S+).*; rebuild it with|There is no "
                                   r"index yet; build one with): python -m bot index", message)
            if not helpful or str(tmp_path) in message or re.search(r"(^|[\s('])/", message):
                problems.append(f"{name}: unhelpful message {message!r}")
        else:
            # Only a change that leaves the data as it was may load (a flipped bit in a key of CURRENT the
            # loader can do without); anything else loaded would be a damaged index in use.
            if name != "CURRENT" or store.manifest != store_mod.load(original).manifest:
                problems.append(f"{name}: the damaged index was loaded")
        shutil.rmtree(index)
    assert problems == []


def test_a_damaged_file_is_rebuilt_from_the_documents_and_said(pristine, tmp_path) -> None:
    docs, original = pristine
    problems = []
    for name in index_files(original):
        index = damaged_copy(original, name, "middle bit flipped", tmp_path)
        bot = Citebot(Settings(docs_dir=docs, index_dir=index, model="fake"), embedder=FakeEmbedder())
        report = bot.open()
        answer = bot.ask(QUESTION)
        if (report.action, report.reason) != ("built", "the index was damaged"):
            problems.append(f"{name}: {report}")
        if answer.abstained or KEEPER["alpha"] not in answer.text:
            problems.append(f"{name}: wrong answer after the rebuild: {answer.text!r}")
        store_mod.load(index)  # the rebuilt index is whole
    assert problems == []
