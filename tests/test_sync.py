"""Folder ↔ index sync: only new and changed files are read and embedded; renames re-use everything;
a second run changes nothing; the dry run writes nothing; bad files are reported, not fatal."""

import os
import time

import pytest
from docmakers import pdf_bytes

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import BotError
from bot.faces.cli import main
from bot.ingest.folder import Skipped
from bot.ingest.reading import read_file
from bot.store import sync
from bot.store.sync import plan_folder


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tea.md").write_text("# Tea\n\nGreen tea is steeped at 80 degrees. It turns bitter when boiled.\n")
    (docs / "owls.pdf").write_bytes(pdf_bytes(["Owls hunt at night.", "Barn owls eat voles."], title="Owls"))
    (docs / "notes").mkdir()
    (docs / "notes" / "bees.txt").write_text("Bees\n\nA hive has one queen.\n")
    return docs


def _bot(folder, **changes):
    return Citebot(Settings(docs_dir=folder, index_dir=folder.parent / "index", **changes), embedder=FakeEmbedder())


def _sync(folder, **changes):
    bot = _bot(folder, **changes)
    return bot, bot.open()


def _no_reading(monkeypatch, hashing_allowed=True):
    def refuse(path, doc_id, **kwargs):
        raise AssertionError(f"{doc_id} was read again")

    def refuse_hash(path):
        raise AssertionError(f"{path.name} was opened to be hashed")
    monkeypatch.setattr(sync, "read_file", refuse)
    if not hashing_allowed:
        monkeypatch.setattr(sync, "_sha256", refuse_hash)


def _later(path):
    """Give `path` a modification time clearly after the recorded one (file systems round it)."""
    stamp = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(stamp, stamp))


def test_first_sync_builds_and_second_loads_without_reading(folder, monkeypatch):
    _, first = _sync(folder)
    assert (first.action, first.reason, first.documents, first.embedded) == ("built", "no index yet", 3, 5)
    _no_reading(monkeypatch, hashing_allowed=False)  # same size and time: the file is not even opened
    bot, second = _sync(folder)
    assert (second.action, second.embedded) == ("loaded", 0)
    assert str(second).startswith("The index is up to date: 3 documents, 4 passages")
    assert bot.plan.unchanged == ("notes/bees.txt", "owls.pdf", "tea.md") and bot.plan.up_to_date
    assert bot.store.documents["owls.pdf"].pages == (0, 21)  # the stored text and pages were re-used


def test_add_edit_delete_rename_in_one_sync(folder):
    _sync(folder)
    (folder / "new.txt").write_text("Moles\n\nMoles dig tunnels under lawns.\n")
    (folder / "tea.md").write_text("# Tea\n\nGreen tea is steeped at 80 degrees. It turns bitter when boiled. "
                                   "Add milk to black tea only.\n")
    (folder / "notes" / "bees.txt").unlink()
    (folder / "owls.pdf").rename(folder / "notes" / "night-birds.pdf")
    bot, report = _sync(folder)
    plan = bot.plan
    assert (plan.added, plan.changed, plan.removed, plan.renamed) == (
        ("new.txt",), ("tea.md",), ("notes/bees.txt",), (("owls.pdf", "notes/night-birds.pdf"),))
    # Embedded: new.txt (1 sentence; its title is no passage) and tea.md (3 sentences under its heading); the
    # PDF's 2 are re-used.
    assert (report.action, report.reason, report.embedded) == (
        "built", "files: 1 added, 1 changed, 1 removed, 1 renamed", 4)
    assert sorted(bot.store.documents) == ["new.txt", "notes/night-birds.pdf", "tea.md"]
    answer = bot.ask("What do barn owls eat?")
    assert (answer.citations[0].doc_id, answer.citations[0].chunk.page) == ("notes/night-birds.pdf", 2)


def test_rename_embeds_nothing_even_when_the_title_comes_from_the_name(folder):
    (folder / "untitled.txt").write_text("x" * 300 + " is a long first line, so the title is the file name.\n")
    _sync(folder)
    (folder / "untitled.txt").rename(folder / "renamed.txt")
    bot, report = _sync(folder)
    assert bot.plan.renamed == (("untitled.txt", "renamed.txt"),)
    assert bot.store.documents["renamed.txt"].title == "renamed"
    assert (report.action, report.embedded) == ("built", 0)


def test_touched_file_is_hashed_not_read_and_then_settles(folder, monkeypatch):
    _sync(folder)
    _later(folder / "owls.pdf")
    _no_reading(monkeypatch)
    bot, report = _sync(folder)
    assert bot.plan.unchanged == ("notes/bees.txt", "owls.pdf", "tea.md")
    assert (report.action, report.reason, report.embedded) == ("built", "only file dates or skipped files changed", 0)
    assert _sync(folder)[1].action == "loaded"


def test_bad_files_are_reported_every_time_but_read_once(folder, monkeypatch):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02")
    (folder / "cut.pdf").write_bytes(pdf_bytes(["Half a page."])[:200])
    (folder / "page.html").write_text("<script>alert('x')</script><p>Scripts go, this stays.</p>")
    bot, report = _sync(folder)
    expected = [Skipped("binary.txt", "the file looks binary, not text"),
                Skipped("cut.pdf", "the PDF is incomplete (it ends before its last section); download or copy it "
                                   "again"),
                Skipped("empty.txt", "the file is empty")]
    assert bot.skipped == expected
    assert str(expected[2]) == "empty.txt: skipped, the file is empty"
    assert bot.store.documents["page.html"].text == "Scripts go, this stays."
    _no_reading(monkeypatch)
    bot, report = _sync(folder)
    assert (report.action, bot.skipped) == ("loaded", expected)


def test_links_and_size_limit_are_skipped_with_reasons(folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Not in the documents folder.\n")
    (folder / "leak.txt").symlink_to(outside / "secret.txt")
    (folder / "leakdir").symlink_to(outside)
    (folder / "dangling.md").symlink_to(folder / "missing.md")
    (folder / "alias.md").symlink_to(folder / "tea.md")
    (folder / "huge.txt").write_bytes(b"word " * (1024 * 1024 // 5 + 1))
    bot, _ = _sync(folder, max_upload_mb=1)
    assert [str(s) for s in bot.skipped] == [
        "alias.md: skipped, it links to tea.md, which is indexed already",
        "dangling.md: skipped, the link points to a file that does not exist",
        "huge.txt: skipped, the file is larger than the 1 MB limit",
        "leak.txt: skipped, the link points outside the documents folder",
        "leakdir: skipped, the link points outside the documents folder",
    ]
    assert sorted(bot.store.documents) == ["notes/bees.txt", "owls.pdf", "tea.md"]


def test_changed_reading_limits_read_every_file_again(folder):
    _sync(folder)
    bot, report = _sync(folder, read_timeout_s=30)
    assert bot.plan.reread == "the reading limits changed"
    assert (report.action, report.reason, report.embedded) == ("built", "only file dates or skipped files changed", 0)


def test_dry_run_plans_and_writes_nothing(folder):
    settings = Settings(docs_dir=folder, index_dir=folder.parent / "index")
    assert plan_folder(settings, "fake-hash-64").reembed == "there is no index yet"
    assert not settings.index_dir.exists()
    _sync(folder)
    (folder / "tea.md").write_text("# Tea\n\nOolong sits between green and black.\n")
    (folder / "owls.pdf").rename(folder / "birds.pdf")
    before = _snapshot(settings.index_dir)
    plan = plan_folder(settings, "fake-hash-64")
    assert plan.lines() == ["0 to add", "1 changed: tea.md", "0 removed", "1 renamed: owls.pdf → birds.pdf",
                            "1 unchanged: notes/bees.txt"]
    assert _snapshot(settings.index_dir) == before


def test_cli_dry_run_and_second_index_say_up_to_date(folder, monkeypatch, capsys):
    monkeypatch.setenv("BOT_MODEL", "fake")
    args = ["--docs", str(folder), "--index", str(folder.parent / "index")]
    assert main(["index", *args]) == 0
    capsys.readouterr()
    assert main(["index", "--dry-run", *args]) == 0
    assert capsys.readouterr().out == ("Plan for the documents folder 'docs' (dry run: nothing was changed):\n"
                                       "  0 to add\n  0 changed\n  0 removed\n  0 renamed\n"
                                       "  3 unchanged: notes/bees.txt, owls.pdf, tea.md\nThe index is up to date.\n")
    assert main(["index", *args]) == 0
    assert capsys.readouterr().err.startswith("The index is up to date: 3 documents, 4 passages")


def test_sync_matches_a_full_read(folder):
    bot, _ = _sync(folder)
    (folder / "tea.md").write_text("# Tea\n\nChanged text.\n")
    bot, _ = _sync(folder)
    fresh = {d: read_file(folder / d, d) for d in ("notes/bees.txt", "owls.pdf", "tea.md")}
    assert bot.store.documents == fresh


def _snapshot(index_dir):
    return sorted((str(p.relative_to(index_dir)), p.stat().st_mtime_ns) for p in index_dir.rglob("*"))


def test_unchanged_folder_sync_is_fast(folder):
    for i in range(200):
        (folder / f"note-{i:03}.txt").write_text(f"Note {i}\n\nThis note is number {i}.\n")
    _sync(folder)
    started = time.perf_counter()
    _, report = _sync(folder)
    assert report.action == "loaded"
    assert time.perf_counter() - started < 5  # generous: only catches a sync that reads every file again


def test_a_folder_of_only_bad_files_says_why(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    (docs / "scan.pdf").write_bytes(pdf_bytes([""]))
    with pytest.raises(BotError) as caught:
        _sync(docs)
    assert str(caught.value) == ("There are no readable documents to index: 2 file(s) were skipped (empty.txt: "
                                 "skipped, the file is empty; scan.pdf: skipped, the PDF has no text layer (it may "
                                 "be scanned images): OCR found no text on its pages).")


def test_progress_names_each_file_read(folder):
    calls = []
    bot = _bot(folder)
    bot.open(progress=lambda stage, done, total, item="": calls.append((stage, done, total, item)))
    assert [c for c in calls if c[0] == "reading"] == [
        ("reading", 0, 3, "notes/bees.txt"), ("reading", 1, 3, "owls.pdf"), ("reading", 2, 3, "tea.md"),
        ("reading", 3, 3, "")]
    assert ("chunking", 3, 3, "tea.md") in calls
