"""The index on disk: round trips, search edge cases, damage detection, crash safety of a save."""

import json

import numpy as np
import pytest

from bot.config import Settings
from bot.errors import IndexError_
from bot.store import faiss_store as store_mod
from bot.store.indexer import build
from bot.types import Document


def small_store(fake, settings: Settings, texts: list[str]):
    docs = [Document(f"d{i}.txt", f"Doc {i}", t) for i, t in enumerate(texts)]
    return build(docs, fake, settings)[0]


def test_save_load_round_trip(fake, settings) -> None:
    store = small_store(fake, settings, ["Cats purr. Dogs bark.", "Birds sing at dawn."])
    store_mod.save(store, settings.index_dir)
    loaded = store_mod.load(settings.index_dir)
    assert loaded.chunks == store.chunks
    assert loaded.documents == store.documents
    np.testing.assert_array_equal(loaded.vectors, store.vectors)
    np.testing.assert_array_equal(loaded.sentences, store.sentences)
    q = fake.encode(["Birds sing"])[0]
    assert loaded.search(q, 1)[0].tolist() == store.search(q, 1)[0].tolist()
    assert loaded.manifest["counts"] == {"documents": 2, "chunks": 2, "sentences": 3}
    assert set(loaded.manifest["files"]) >= {"index.faiss", "vectors.npy", "sentences.npy", "chunks.jsonl"}


def test_k_larger_than_the_index_returns_what_exists(fake, settings) -> None:
    store = small_store(fake, settings, ["One sentence only."])
    rows, scores = store.search(fake.encode(["sentence"])[0], 50)
    assert rows.tolist() == [0] and len(scores) == 1


def test_empty_index_searches_to_nothing(fake, settings) -> None:
    store = build([], fake, settings)[0]
    rows, scores = store.search(fake.encode(["anything"])[0], 5)
    assert len(rows) == 0 and len(scores) == 0
    assert store.lexical.search("anything", 5)[0].tolist() == []


def test_missing_index_says_how_to_build_one(tmp_path) -> None:
    with pytest.raises(IndexError_, match=r"^There is no index yet; build one with: python -m bot index$"):
        store_mod.load(tmp_path)


def test_a_flipped_byte_is_detected(fake, settings) -> None:
    folder = store_mod.save(small_store(fake, settings, ["Cats purr."]), settings.index_dir)
    raw = bytearray((folder / "vectors.npy").read_bytes())
    raw[-1] ^= 0xFF
    (folder / "vectors.npy").write_bytes(bytes(raw))
    with pytest.raises(IndexError_, match=r"The index is damaged \(vectors.npy missing or changed\)"):
        store_mod.load(settings.index_dir)


def test_a_truncated_file_is_detected(fake, settings) -> None:
    folder = store_mod.save(small_store(fake, settings, ["Cats purr."]), settings.index_dir)
    (folder / "chunks.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(IndexError_, match=r"chunks\.jsonl missing or changed"):
        store_mod.load(settings.index_dir)


def test_other_format_version_is_refused(fake, settings) -> None:
    folder = store_mod.save(small_store(fake, settings, ["Cats purr."]), settings.index_dir)
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "format_version": 99}))
    with pytest.raises(IndexError_, match="written in format 99"):
        store_mod.load(settings.index_dir)


def test_a_crash_while_saving_keeps_the_previous_index(fake, settings, monkeypatch) -> None:
    store_mod.save(small_store(fake, settings, ["Old text about cats."]), settings.index_dir)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store_mod.np, "save", crash)
    with pytest.raises(OSError):
        store_mod.save(small_store(fake, settings, ["New text about dogs."]), settings.index_dir)
    monkeypatch.undo()
    loaded = store_mod.load(settings.index_dir)
    assert loaded.chunks[0].text == "Old text about cats."


def test_only_the_current_version_is_kept(fake, settings) -> None:
    for text in ("First.", "Second.", "Third."):
        store_mod.save(small_store(fake, settings, [text]), settings.index_dir)
    versions = [p.name for p in settings.index_dir.iterdir() if p.is_dir()]
    assert len(versions) == 1
    assert store_mod.load(settings.index_dir).chunks[0].text == "Third."


def test_no_pickle_in_saved_arrays(fake, settings) -> None:
    folder = store_mod.save(small_store(fake, settings, ["Cats purr."]), settings.index_dir)
    for path in folder.rglob("*.npy"):
        np.load(path, allow_pickle=False)  # raises if anything needed pickle
