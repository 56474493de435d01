"""Keeping the index in step with the documents: load when nothing changed, rebuild and say why."""

import shutil

import pytest

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import BotError
from bot.store.folding import embedded_title


def open_bot(settings: Settings, fake) -> tuple[Citebot, object]:
    bot = Citebot(settings, embedder=fake)
    return bot, bot.open()


def test_first_start_builds_and_second_start_loads(settings, fake) -> None:
    _, first = open_bot(settings, fake)
    assert (first.action, first.reason, first.documents, first.chunks) == ("built", "no index yet", 1, 20)
    assert first.embedded == first.sentences == 31
    _, second = open_bot(settings, fake)
    assert (second.action, second.embedded) == ("loaded", 0)
    assert str(second).startswith("The index is up to date: 1 document, 20 passages")


def test_a_new_document_embeds_only_itself(settings, fake) -> None:
    open_bot(settings, fake)
    (settings.docs_dir / "new.txt").write_text("Fresh notes.\n\nThe harvest came early this year.", "utf-8")
    _, report = open_bot(settings, fake)
    assert report.reason == "files: 1 added"
    assert report.embedded == 2 and report.sentences == 33


def test_an_edit_and_a_removal_are_both_reported(settings, fake) -> None:
    (settings.docs_dir / "b.txt").write_text("Bee notes.\n\nBees dance.", "utf-8")
    (settings.docs_dir / "c.txt").write_text("Cat notes.\n\nCats nap.", "utf-8")
    open_bot(settings, fake)
    (settings.docs_dir / "b.txt").write_text("Bee notes.\n\nBees dance to share where flowers are.", "utf-8")
    (settings.docs_dir / "c.txt").unlink()
    _, report = open_bot(settings, fake)
    assert report.reason == "files: 1 changed, 1 removed"
    assert report.embedded == 2


def test_a_rename_embeds_nothing(settings, fake) -> None:
    open_bot(settings, fake)
    seed = next(settings.docs_dir.iterdir())
    shutil.move(seed, settings.docs_dir / "renamed.txt")
    bot, report = open_bot(settings, fake)
    assert report.reason == "files: 1 renamed"
    assert report.embedded == 0
    assert list(bot.store.documents) == ["renamed.txt"]


def test_another_model_forces_a_rebuild(settings, fake) -> None:
    open_bot(settings, fake)
    _, report = open_bot(settings, FakeEmbedder(dim=32))
    assert report.reason == "the model changed from fake-hash-64 to fake-hash-32"
    assert report.embedded == 31


def test_other_chunking_settings_force_a_rebuild(settings, fake) -> None:
    open_bot(settings, fake)
    _, report = open_bot(settings.with_(max_chunk_chars=300), fake)
    assert report.reason == "the chunking settings changed"


def test_an_index_from_older_chunking_or_format_is_rebuilt_with_its_reason(settings, fake, monkeypatch) -> None:
    from bot.store import faiss_store, indexer

    monkeypatch.setattr(indexer, "CHUNKING_VERSION", 1)  # an index built by the previous chunking rules
    open_bot(settings, fake)
    monkeypatch.undo()
    _, report = open_bot(settings, fake)
    assert report.reason == "passages are cut and matched differently in this version of Citebot"
    monkeypatch.setattr(faiss_store, "FORMAT_VERSION", 1)  # as saved before passages had `search_text`
    Citebot(settings, embedder=fake).open(force=True)
    monkeypatch.undo()
    _, report = open_bot(settings, fake)
    assert report.reason == "the index was written in another format by another version of Citebot"


def test_a_damaged_index_is_rebuilt_from_the_documents(settings, fake) -> None:
    open_bot(settings, fake)
    version = next(p for p in settings.index_dir.iterdir() if p.is_dir())
    (version / "vectors.npy").write_bytes(b"garbage")
    _, report = open_bot(settings, fake)
    assert (report.action, report.reason) == ("built", "the index was damaged")


def test_an_empty_folder_says_what_to_do(settings, fake) -> None:
    for path in settings.docs_dir.iterdir():
        path.unlink()
    with pytest.raises(BotError, match="There are no readable documents to index"):
        open_bot(settings, fake)


def test_a_missing_folder_says_what_to_do(settings, fake, tmp_path) -> None:
    with pytest.raises(BotError, match=r"The documents folder 'nowhere' does not exist; create it or pass --docs DIR."):
        open_bot(settings.with_(docs_dir=tmp_path / "nowhere"), fake)


def test_a_sentence_under_no_heading_is_embedded_after_its_documents_title(settings, fake) -> None:
    folder = settings.docs_dir
    (folder / "engines.txt").write_text("Steam engine\n\nIt was improved by James Watt in 1769.\n", "utf-8")
    (folder / "pumps.md").write_text("# Water pumps\n\n## Savery\n\nIt raised water by steam.\n", "utf-8")
    (folder / "untitled.txt").write_text("x" * 300 + " fills the first line.\n\nIt has no title line.\n", "utf-8")
    (folder / "incident.txt").write_text("The generator failed on 9 February.\nIt was repaired.\n", "utf-8")
    bot, _ = open_bot(settings, fake)
    store = bot.store

    def embedded(doc_id: str, sentence: str) -> str:
        """The text whose vector the store holds for `sentence` of `doc_id`."""
        text = store.documents[doc_id].text
        row = next(r for r, (_, a, b) in enumerate(store.sentences) if text[a:b] == sentence
                   and store.chunks[store.sentences[r][0]].doc_id == doc_id)
        return next(t for t in (f"Steam engine: {sentence}", f"Savery: {sentence}", sentence)
                    if (fake.encode([t])[0] == store.vectors[row]).all())

    assert embedded("engines.txt", "It was improved by James Watt in 1769.") == \
        "Steam engine: It was improved by James Watt in 1769."
    assert embedded("pumps.md", "It raised water by steam.") == "Savery: It raised water by steam."  # its heading
    assert store.documents["untitled.txt"].title_from_name  # a file name is no topic: not embedded
    assert embedded("untitled.txt", "It has no title line.") == "It has no title line."
    opening = store.documents["incident.txt"]  # a text that opens with a sentence has no title of its own
    assert (opening.title, opening.title_from_name) == ("incident", True)
    assert embedded("incident.txt", "It was repaired.") == "It was repaired."
    seed = next(d for d in store.documents.values() if d.title.startswith("A Shift in Tensions"))
    assert embedded_title(seed) == ""  # a nine-word headline is a statement of its own, not a topic
