"""An index in Milvus belongs to its documents folder too (issue 14's promises, issue 17's store): the
folder is recorded in the manifest row in Milvus, not in a file, so `ask --index` alone still answers from
the folder the index was built from and says so; a missing folder keeps the index; a damaged index that no
longer names its folder is refused, not rebuilt from seeds/. Embedded milvus-lite, the fake model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.config import Settings
from bot.store import backend, milvus_store
from bot.store.ownership import recorded_folder
from tests.test_ownership import OWLS, SINCE, Run, cli_runner, write_notes


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """The CLI as in tests/test_ownership.py, with BOT_STORE=milvus (embedded milvus-lite in the index folder)."""
    monkeypatch.setenv("BOT_STORE", "milvus")
    monkeypatch.delenv("BOT_MILVUS_URI", raising=False)
    return cli_runner(tmp_path, monkeypatch)


def _settings(index: Path) -> Settings:
    return Settings(index_dir=index, store="milvus", model="fake")


def test_ask_with_only_index_answers_from_the_folder_recorded_in_milvus(notes: Path, tmp_path: Path, cli: Run,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "idx"
    assert cli(capsys, "index", "--docs", str(notes), "--index", str(index))[0] == 0
    assert sorted(p.name for p in index.iterdir() if p.name != ".lock") == ["milvus.db"]  # no FAISS files
    assert backend.read_manifest(_settings(index))["sources"]["folder"] == str(notes)
    assert recorded_folder(_settings(index)) == notes
    status, out, err = cli(capsys, "ask", "--json", "--index", str(index), "How many queens has a hive?")
    assert status == 0
    # Not synced with seeds/ (the default folder): nothing rebuilt, nothing removed, and the line says whose.
    assert err[0] == "Documents: 'notes', the folder this index was built from (pass --docs DIR for another)."
    assert len(err) == 2 and err[1].startswith("The index is up to date: 2 documents, "), err
    assert json.loads(out)["citations"][0]["doc_id"] == "bees.txt"
    # A new file in that folder is picked up by `index` naming only the index.
    (notes / "owls.txt").write_text(OWLS)
    status, _, err = cli(capsys, "index", "--index", str(index))
    assert status == 0 and err[-1].startswith("Built the index (files: 1 added): 3 documents"), err
    status, out, _ = cli(capsys, "ask", "--json", "--index", str(index), "What do barn owls hunt?")
    assert status == 0 and json.loads(out)["citations"][0]["doc_id"] == "owls.txt"


def test_a_missing_folder_keeps_the_milvus_index_and_says_so(notes: Path, tmp_path: Path, cli: Run,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "idx"
    cli(capsys, "index", "--docs", str(notes), "--index", str(index))
    version = backend.live_version(_settings(index))
    notes.rename(tmp_path / "notes-moved")
    status, out, err = cli(capsys, "ask", "--json", "--index", str(index), "How many queens has a hive?")
    assert status == 0 and len(err) == 2 and err[0].startswith("Documents: 'notes'"), err
    assert re.fullmatch(rf"The documents folder 'notes' was not found; the index is kept and answers come from its 2 "
                        rf"documents{SINCE}\.", err[1]), err
    assert json.loads(out)["citations"][0]["doc_id"] == "bees.txt"
    status, _, err = cli(capsys, "index", "--index", str(index))
    assert status == 1 and "was not found" in err[-1]  # `index` could not do its job: scripts see it
    assert backend.live_version(_settings(index)) == version  # nothing written


def test_another_folder_named_with_docs_is_followed(notes: Path, tmp_path: Path, cli: Run,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "idx"
    cli(capsys, "index", "--docs", str(notes), "--index", str(index))
    other = tmp_path / "other"
    other.mkdir()
    (other / "owls.txt").write_text(OWLS)
    status, _, err = cli(capsys, "index", "--docs", str(other), "--index", str(index))
    assert status == 0
    assert "The index was built from 'notes'; it now follows 'other' as asked, which removes 2 of its 2 documents." \
        in err
    status, _, err = cli(capsys, "ask", "--index", str(index), "What do barn owls hunt?")
    assert status == 0 and err[0].startswith("Documents: 'other', the folder this index was built from")


def test_a_damaged_milvus_index_is_not_rebuilt_from_the_default_folder(notes: Path, tmp_path: Path, cli: Run,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    index = tmp_path / "idx"
    cli(capsys, "index", "--docs", str(notes), "--index", str(index))
    settings = _settings(index)
    version = backend.live_version(settings)
    client = milvus_store.connect(settings)
    client.delete(f"citebot_{version}_r", ids=["m:manifest:0"])  # the manifest row is gone
    status, out, err = cli(capsys, "ask", "--index", str(index), "How hot is green tea steeped?")
    assert (status, out) == (1, "")
    assert err == ["error: The index in Milvus ('citebot') is damaged and no longer says which documents folder it "
                   "was built from; pass --docs DIR (that folder) to rebuild it."]
    assert backend.live_version(settings) == version  # nothing rebuilt
    status, out, err = cli(capsys, "ask", "--index", str(index), "--docs", str(notes), "How hot is green tea steeped?")
    assert status == 0 and "80 degrees" in out, err
