"""An index belongs to its documents (issue 14): a command naming only the index uses the folder the index
was built from; a missing, unreadable or emptied folder keeps the index and says so in one line; another
folder named with --docs is followed and the line says how many documents that removes."""

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.assistant import Citebot
from bot.config import PROJECT_ROOT, Settings
from bot.embed.fake import FakeEmbedder
from bot.faces.cli import main
from bot.store import faiss_store, ownership
from bot.store.ownership import folder_key, shown

TEA = "# Tea\n\nGreen tea is steeped at 80 degrees. It turns bitter when boiled.\n"
BEES = "Bees\n\nA hive has one queen and thousands of workers.\n"
OWLS = "Owls\n\nBarn owls hunt voles at night.\n"
SINCE = r" \(unchanged since \d{4}-\d\d-\d\d \d\d:\d\d UTC\)"


Run = Callable[..., tuple[int, str, list[str]]]


def write_notes(tmp_path: Path) -> Path:
    """A documents folder of two files (tea.md, bees.txt); also used by tests/test_ownership_milvus.py."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "tea.md").write_text(TEA)
    (folder / "bees.txt").write_text(BEES)
    return folder


def cli_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Runs the CLI in-process with the fake model and no BOT_DOCS_DIR; returns (status, stdout, stderr lines
    without progress bars)."""
    monkeypatch.setenv("BOT_MODEL", "fake")
    monkeypatch.delenv("BOT_DOCS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)

    def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
        status = main(list(args))
        out, err = capsys.readouterr()
        lines = err.replace("\r", "\n").splitlines()
        return status, out, [line for line in lines if line.strip() and "%|" not in line]  # no progress bars
    return run


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    return cli_runner(tmp_path, monkeypatch)


def _manifest(index_dir):
    return faiss_store.read_manifest(index_dir)


def test_the_manifest_records_the_folder_and_ask_with_only_index_uses_it(notes, tmp_path, cli, capsys):
    index = tmp_path / "idx"
    assert cli(capsys, "index", "--docs", str(notes), "--index", str(index))[0] == 0
    assert _manifest(index)["sources"]["folder"] == str(notes)  # absolute
    status, out, err = cli(capsys, "ask", "--json", "--index", str(index), "How many queens has a hive?")
    assert status == 0
    # The user's index was not synced with seeds/ (the default folder): nothing rebuilt, nothing removed.
    assert len(err) == 2 and err[1].startswith("The index is up to date: 2 documents, ")
    assert err[0] == "Documents: 'notes', the folder this index was built from (pass --docs DIR for another)."
    assert json.loads(out)["citations"][0]["doc_id"] == "bees.txt"
    assert sorted(_manifest(index)["documents"]) == ["bees.txt", "tea.md"]


def test_shown_is_relative_where_possible(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path)
    assert shown(tmp_path / "a" / "b") == "a/b"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir("/")
    assert shown(tmp_path / "home" / "notes") == "~/notes"
    assert shown("/srv/docs") == "/srv/docs"
    assert folder_key(tmp_path / "a" / ".." / "b") == str(tmp_path / "b")


def test_another_folder_with_docs_is_followed_and_says_what_it_removes(notes, tmp_path, cli, capsys):
    index = tmp_path / "idx"
    cli(capsys, "index", "--docs", str(notes), "--index", str(index))
    other = tmp_path / "other"
    other.mkdir()
    (other / "owls.txt").write_text(OWLS)
    shutil.copy(notes / "tea.md", other / "tea.md")
    status, _, err = cli(capsys, "index", "--docs", str(other), "--index", str(index))
    assert status == 0
    assert "The index was built from 'notes'; it now follows 'other' as asked, which removes 1 of its 2 documents." \
        in err
    assert err[-1].startswith("Built the index (files: 1 added, 1 removed): 2 documents")
    assert _manifest(index)["sources"]["folder"] == str(other)
    # Named explicitly, a folder that shares nothing with the index is followed too: that is what was asked.
    third = tmp_path / "third"
    third.mkdir()
    (third / "bees.txt").write_text(BEES + "\nDrones do not sting.\n")
    status, _, err = cli(capsys, "index", "--docs", str(third), "--index", str(index))
    assert status == 0 and "which removes 2 of its 2 documents." in err[0]
    assert sorted(_manifest(index)["documents"]) == ["bees.txt"]


@pytest.mark.parametrize("damage", ["renamed", "replaced by a file"])
def test_a_missing_folder_keeps_the_index_and_says_so_in_one_line(notes, tmp_path, cli, capsys, damage):
    index = tmp_path / "idx"
    cli(capsys, "index", "--docs", str(notes), "--index", str(index))
    before = _manifest(index)
    notes.rename(tmp_path / "notes-moved")
    if damage != "renamed":
        notes.write_text("not a folder")
    problem = "was not found" if damage == "renamed" else "is not a folder"
    status, out, err = cli(capsys, "ask", "--json", "--index", str(index), "How many queens has a hive?")
    assert status == 0
    assert len(err) == 2 and err[0].startswith("Documents: 'notes'")
    assert re.fullmatch(rf"The documents folder 'notes' {problem}; the index is kept and answers come from its 2 "
                        rf"documents{SINCE}\.", err[1]), err
    assert json.loads(out)["citations"][0]["doc_id"] == "bees.txt"
    status, _, err = cli(capsys, "index", "--index", str(index))
    assert status == 1 and len(err) == 2 and problem in err[1]  # `index` cannot do its job: scripts see it
    assert _manifest(index) == before  # not rewritten


def test_an_unreadable_folder_is_not_an_empty_one(notes, tmp_path, monkeypatch):
    settings = Settings(docs_dir=notes, index_dir=tmp_path / "idx")
    Citebot(settings, embedder=FakeEmbedder()).open()
    real_scandir = os.scandir

    def denied(path):
        if str(path) == str(notes):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)
    monkeypatch.setattr(ownership.os, "scandir", denied)
    bot = Citebot(settings, embedder=FakeEmbedder())
    report = bot.open()
    assert report.action == "kept" and sorted(bot.store.documents) == ["bees.txt", "tea.md"]
    assert str(report).startswith(f"The documents folder '{shown(notes)}' could not be opened (Permission denied); "
                                  "the index is kept and answers come from its 2 documents (unchanged since ")


def test_an_emptied_folder_needs_rebuild(notes, tmp_path, cli, capsys):
    index = tmp_path / "idx"
    cli(capsys, "index", "--docs", str(notes), "--index", str(index))
    for path in notes.iterdir():  # an unmounted drive leaves its empty mount point behind
        path.unlink()
    status, out, err = cli(capsys, "ask", "--index", str(index), "How many queens has a hive?")
    assert status == 0 and "[1] Bees" in out
    assert re.fullmatch(rf"The documents folder 'notes' holds none of the index's 2 documents \(is a drive "
                        rf"unmounted\?\); the index is kept and answers come from it{SINCE}\. To remove them all, "
                        r"run: python -m bot index --rebuild", err[-1]), err
    # New files in place of all the old ones are held back the same way: the index would lose everything.
    (notes / "owls.txt").write_text(OWLS)
    status, _, err = cli(capsys, "index", "--index", str(index))
    assert status == 1 and "holds none of the index's 2 documents" in err[-1]
    assert sorted(_manifest(index)["documents"]) == ["bees.txt", "tea.md"]
    status, out, err = cli(capsys, "index", "--dry-run", "--index", str(index))
    assert out.splitlines()[1].startswith("  The documents folder 'notes' holds none of the index's 2 documents")
    assert "  2 removed: bees.txt, tea.md" in out.splitlines() and "The index is up to date." not in out
    status, _, err = cli(capsys, "index", "--rebuild", "--index", str(index))
    assert status == 0 and err[-1].startswith("Built the index (rebuild requested): 1 document")
    assert sorted(_manifest(index)["documents"]) == ["owls.txt"]


def test_an_index_from_before_folders_were_recorded_is_not_emptied_by_the_default_folder(notes, tmp_path, cli,
                                                                                          capsys):
    """The issue's report: `ask --index ~/idx` synced the index with seeds/ and replaced it."""
    index = tmp_path / "idx"
    settings = Settings(docs_dir=notes, index_dir=index)
    Citebot(settings, embedder=FakeEmbedder()).open()
    store = faiss_store.load(index)
    del store.manifest["sources"]["folder"]
    faiss_store.save(store, index)
    status, out, err = cli(capsys, "ask", "--index", str(index), "How many queens has a hive?")
    seeds = shown(PROJECT_ROOT / "seeds")
    assert err[-1].startswith(f"The documents folder '{seeds}' holds none of the index's 2 documents"), err
    assert status == 0 and "[1] Bees" in out
    assert sorted(_manifest(index)["documents"]) == ["bees.txt", "tea.md"]


def test_a_missing_folder_with_a_new_model_re_embeds_the_stored_documents(notes, tmp_path):
    settings = Settings(docs_dir=notes, index_dir=tmp_path / "idx")
    Citebot(settings, embedder=FakeEmbedder()).open()
    shutil.rmtree(notes)
    bot = Citebot(settings, embedder=FakeEmbedder(dim=32))
    report = bot.open()
    assert report.action == "kept" and report.embedded == report.sentences > 0  # every sentence, again
    assert str(report).startswith(f"The documents folder '{shown(notes)}' was not found; the index is kept")
    assert _manifest(settings.index_dir)["model"] == "fake-hash-32"
    # retrieval, not the answer: whether a 32-d hash embedding clears the abstention rule says nothing here
    assert bot.ask("How many queens has a hive?").retrieved[0].chunk.doc_id == "bees.txt"


def test_a_missing_folder_without_an_index_is_an_error(tmp_path, cli, capsys):
    status, _, err = cli(capsys, "index", "--docs", str(tmp_path / "nowhere"), "--index", str(tmp_path / "idx"))
    assert status == 1
    assert err == ["error: The documents folder 'nowhere' does not exist; create it or pass --docs DIR."]


def test_dry_run_of_a_missing_folder_changes_nothing(notes, tmp_path, cli, capsys):
    index = tmp_path / "idx"
    cli(capsys, "index", "--docs", str(notes), "--index", str(index))
    shutil.rmtree(notes)
    status, out, _ = cli(capsys, "index", "--dry-run", "--index", str(index))
    lines = out.splitlines()
    assert status == 0 and len(lines) == 2
    assert re.fullmatch(rf"  The documents folder 'notes' was not found; the index is kept and answers come from "
                        rf"its 2 documents{SINCE}\.", lines[1])


def test_the_ui_shows_the_kept_index_and_confirms_removing_everything(notes, tmp_path):
    from bot.faces.ui import held_notice, make_confirm

    settings = Settings(docs_dir=notes, index_dir=tmp_path / "idx")
    Citebot(settings, embedder=FakeEmbedder()).open()
    for path in notes.iterdir():
        path.unlink()
    (notes / "owls.txt").write_text(OWLS)
    bot = Citebot(settings, embedder=FakeEmbedder())
    bot.open()
    notice, confirmable = held_notice(bot)
    assert bot.held.startswith(f"The documents folder '{shown(notes)}' holds none of the index's 2 documents")
    assert notice.startswith("⚠️ The documents folder") and notice.endswith("To remove them all, use the button below")
    assert confirmable and sorted(bot.store.documents) == ["bees.txt", "tea.md"]
    shared = Citebot(settings.with_(shared=True), embedder=FakeEmbedder())
    shared.open()
    assert shared.held == bot.held and held_notice(shared)[1] is False  # a visitor may not empty the library
    status, button, description = make_confirm(bot)()
    assert status.replace("\\", "").startswith("Built the index (rebuild requested): 1 document")
    assert button["visible"] is False
    assert sorted(bot.store.documents) == ["owls.txt"] and "**1 document**" in description and not bot.held


def test_the_ui_offers_no_confirmation_for_a_missing_folder(notes, tmp_path):
    from bot.faces.ui import held_notice

    settings = Settings(docs_dir=notes, index_dir=tmp_path / "idx")
    Citebot(settings, embedder=FakeEmbedder()).open()
    shutil.rmtree(notes)
    bot = Citebot(settings, embedder=FakeEmbedder())
    bot.open()
    notice, confirmable = held_notice(bot)
    assert "was not found" in notice and not confirmable


def test_an_unreadable_subfolder_keeps_its_documents(notes, tmp_path, monkeypatch):
    (notes / "birds").mkdir()
    (notes / "birds" / "owls.txt").write_text(OWLS)
    settings = Settings(docs_dir=notes, index_dir=tmp_path / "idx")
    Citebot(settings, embedder=FakeEmbedder()).open()
    real_scandir = os.scandir

    def denied(path):
        if str(path).endswith("birds"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", denied)  # what os.walk lists folders with
    (notes / "tea.md").write_text(TEA + "\nOolong sits between green and black.\n")
    bot = Citebot(settings, embedder=FakeEmbedder())
    report = bot.open()
    assert (report.action, report.reason) == ("built", "files: 1 changed")
    assert [str(s) for s in bot.skipped] == ["birds/: skipped, the folder could not be opened (Permission denied)"]
    assert sorted(bot.store.documents) == ["bees.txt", "birds/owls.txt", "tea.md"]  # not "1 removed"
    assert bot.plan.unchanged == ("bees.txt", "birds/owls.txt")


def test_a_damaged_index_is_rebuilt_from_its_own_folder_not_the_default(cli, capsys, notes, tmp_path) -> None:
    index = tmp_path / "idx"
    assert cli(capsys, "index", "--docs", str(notes), "--index", str(index))[0] == 0
    (index / "CURRENT").write_text("garbage\n")  # the live pointer is gone; the version's manifest still names notes/
    status, out, err = cli(capsys, "ask", "--index", str(index), "--json", "How hot is green tea steeped?")
    assert status == 0, err
    reply = json.loads(out)
    assert [c["doc_id"] for c in reply["citations"]] == ["tea.md"] and "80 degrees" in reply["answer"]
    assert f"Documents: '{shown(notes)}', the folder this index was built from (pass --docs DIR for another)." in err


def test_an_index_that_no_longer_names_its_folder_is_not_rebuilt_from_the_default(cli, capsys, notes,
                                                                                   tmp_path) -> None:
    index = tmp_path / "idx"
    assert cli(capsys, "index", "--docs", str(notes), "--index", str(index))[0] == 0
    (index / "CURRENT").write_text("garbage\n")
    for manifest in index.glob("v*/manifest.json"):
        manifest.write_text("{not json")
    before = sorted(p.name for p in index.iterdir())
    status, out, err = cli(capsys, "ask", "--index", str(index), "How hot is green tea steeped?")
    assert status == 1 and out == ""
    assert err == [f"error: The index in '{shown(index)}' is damaged and no longer says which documents folder it "
                   "was built from; pass --docs DIR (that folder) to rebuild it."]
    assert sorted(p.name for p in index.iterdir()) == before  # nothing rebuilt, nothing removed
    status, _, err = cli(capsys, "ask", "--index", str(index), "--docs", str(notes), "How hot is green tea steeped?")
    assert status == 0, err


def test_an_index_path_that_is_a_file_gets_one_line(cli, capsys, notes, tmp_path) -> None:
    (tmp_path / "idxfile").write_text("x")
    status, out, err = cli(capsys, "ask", "--docs", str(notes), "--index", str(tmp_path / "idxfile"), "Tea?")
    assert (status, out) == (1, "")
    assert err == ["error: The index folder 'idxfile' is a file, not a folder; point --index (BOT_INDEX_DIR) at a "
                   "folder."]


def test_a_dry_run_for_another_folder_says_the_index_would_follow_it(notes, tmp_path, cli, capsys):
    index, other = tmp_path / "idx", tmp_path / "other"
    other.mkdir()
    (other / "owls.txt").write_text(OWLS)
    assert cli(capsys, "index", "--docs", str(notes), "--index", str(index))[0] == 0
    status, out, _ = cli(capsys, "index", "--docs", str(other), "--index", str(index), "--dry-run")
    assert status == 0
    assert out.splitlines()[1] == (f"  The index was built from '{shown(notes)}'; indexing '{shown(other)}' instead "
                                   "would remove 2 of its 2 documents.")
    assert _manifest(index)["sources"]["folder"] == str(notes)  # a dry run changes nothing


def test_an_empty_folder_named_explicitly_is_refused_and_says_the_index_is_unchanged(notes, tmp_path, cli, capsys):
    index, empty = tmp_path / "idx", tmp_path / "empty"
    empty.mkdir()
    assert cli(capsys, "index", "--docs", str(notes), "--index", str(index))[0] == 0
    status, _, err = cli(capsys, "index", "--docs", str(empty), "--index", str(index))
    assert status == 1
    assert err[-1].startswith("error: There are no readable documents to index; add .csv, ")
    assert err[-1].endswith(f"files to the documents folder or pass --docs DIR. The index (2 documents from "
                            f"'{shown(notes)}') is unchanged.")
    status, out, _ = cli(capsys, "ask", "--json", "--index", str(index), "How many queens has a hive?")
    assert status == 0 and json.loads(out)["citations"][0]["doc_id"] == "bees.txt"
