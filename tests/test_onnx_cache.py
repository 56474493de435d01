"""The int8 ONNX export is made once per user, not once per index folder: every index shares the cache in
`Settings.onnx_cache` (BOT_ONNX_CACHE, default ~/.cache/citebot/onnx), two processes exporting at once make
it once, and a mistyped --docs is reported before any model is loaded or exported. No model is loaded here:
an empty placeholder stands for an export (sessions open lazily)."""

import logging
import threading
from pathlib import Path

import pytest

from bot import assistant
from bot.assistant import Citebot
from bot.config import BUNDLED_MODEL, Settings, load_settings, user_cache_dir
from bot.embed import choose, onnx_export
from bot.embed.choose import make_embedder
from bot.embed.onnx_runtime import OnnxEmbedder
from bot.errors import BotError
from bot.faces.cli import main
from bot.types import Document

MISSING = "The documents folder 'nope' does not exist; create it or pass --docs DIR."


def test_the_cache_is_per_user_and_can_be_moved(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings().onnx_cache == tmp_path / "home" / ".cache" / "citebot" / "onnx"
    assert Settings(index_dir=tmp_path / "other").onnx_cache == Settings().onnx_cache  # not inside the index
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "citebot"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # the XDG spec says to ignore a relative path
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "citebot"
    assert load_settings(env={"BOT_ONNX_CACHE": str(tmp_path / "mine")}).onnx_cache == tmp_path / "mine"


def _counting_exports(monkeypatch) -> list[Path]:
    """Replace the torch export by one that writes a placeholder model and records where it wrote."""
    made: list[Path] = []

    def fake_export(model_dir: Path, folder: Path, recipe: str) -> None:
        made.append(folder)
        folder.mkdir(parents=True)
        (folder / onnx_export.MODEL_FILE).write_bytes(b"")

    monkeypatch.setattr(onnx_export, "_export_into", fake_export)
    return made


def test_two_index_folders_share_one_export(monkeypatch, tmp_path) -> None:
    made = _counting_exports(monkeypatch)
    cache = tmp_path / "cache"
    env = {"BOT_ONNX_CACHE": str(cache)}
    first = Citebot(load_settings(env=env, index_dir=tmp_path / "index-a"))
    second = Citebot(load_settings(env=env, index_dir=tmp_path / "index-b"))
    assert isinstance(first.embedder, OnnxEmbedder) and isinstance(second.embedder, OnnxEmbedder)
    assert made == [onnx_export.export_folder(choose._model_dir(BUNDLED_MODEL), cache)]
    assert not (tmp_path / "index-a" / "onnx").exists() and not (tmp_path / "index-b" / "onnx").exists()


def test_a_second_exporter_waits_and_uses_the_first_ones_export(monkeypatch, tmp_path, caplog) -> None:
    """The first process holds the cache's lock while it exports; the second waits on the lock instead of
    exporting as well, then finds the export made and uses it."""
    made = _counting_exports(monkeypatch)
    model_dir = choose._model_dir(BUNDLED_MODEL)
    folder = onnx_export.export_folder(model_dir, tmp_path)
    waiting = threading.Event()

    class Seen(logging.Handler):  # the second one says it waits once the lock was refused, then blocks
        def emit(self, record: logging.LogRecord) -> None:
            waiting.set()

    logger = logging.getLogger("bot.embed.onnx_export")
    monkeypatch.setattr(logger, "handlers", [*logger.handlers, Seen()])
    result: list[Path] = []
    caplog.set_level(logging.INFO, logger="bot.embed.onnx_export")
    with onnx_export.export_lock(tmp_path):  # the first exporter, mid-export
        second = threading.Thread(target=lambda: result.append(onnx_export.export_int8(model_dir, folder)))
        second.start()
        assert waiting.wait(30)
        folder.mkdir()  # the first exporter's folder arrives whole (made by a rename), then it lets go
        (folder / onnx_export.MODEL_FILE).write_bytes(b"")
    second.join(30)
    assert result == [folder / onnx_export.MODEL_FILE] and made == []
    assert [r.getMessage() for r in caplog.records] == [
        f"Waiting for another process's export of the embedding model to {tmp_path}…"]


def test_a_killed_exports_leftovers_are_cleared_by_the_next_export(monkeypatch, tmp_path, caplog) -> None:
    made = _counting_exports(monkeypatch)
    caplog.set_level(logging.INFO, logger="bot.embed.onnx_export")
    (tmp_path / ".tmp-export-killed").mkdir()
    (tmp_path / ".tmp-export-killed" / "model-fp32.onnx").write_bytes(b"half")
    model_dir = choose._model_dir(BUNDLED_MODEL)
    folder = onnx_export.export_folder(model_dir, tmp_path)
    assert onnx_export.export_int8(model_dir, folder) == folder / onnx_export.MODEL_FILE
    assert made == [folder] and sorted(p.name for p in tmp_path.iterdir()) == [".export.lock", folder.name]
    assert [r.getMessage() for r in caplog.records] == [
        f"Exporting the embedding model to int8 ONNX (once, into {tmp_path}; about 15 s)…"]


def test_a_missing_docs_folder_is_said_before_the_model_loads(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setattr(assistant, "make_embedder", lambda *a: pytest.fail("the model loaded before --docs"))
    with pytest.raises(BotError, match=f"^{MISSING}$"):
        Citebot(Settings(docs_dir=tmp_path / "nope", index_dir=tmp_path / "index")).open()
    assert main(["ask", "Who is Susie Wiles?", "--docs", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [f"error: {MISSING}"]
    assert not (tmp_path / "i").exists()
    monkeypatch.setattr(assistant, "make_embedder", make_embedder)  # given documents (eval --corpus) need no folder
    given = Citebot(Settings(docs_dir=tmp_path / "nope", index_dir=tmp_path / "index", model="fake"))
    assert given.open(documents=[Document("d1", "Tea", "Oolong sits between green and black tea.")]).action == "built"


def test_an_empty_question_is_said_before_the_model_loads(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setattr(assistant, "make_embedder", lambda *a: pytest.fail("the model loaded for an empty question"))
    assert main(["ask", "  ", "--index", str(tmp_path / "index")]) == 1
    assert capsys.readouterr().err.strip().splitlines() == ["error: Please type a question with at least one word."]


def test_an_existing_index_still_answers_when_its_folder_is_missing(settings, fake, tmp_path) -> None:
    Citebot(settings, embedder=fake).open()
    moved = settings.with_(docs_dir=tmp_path / "nope", model="fake")
    report = Citebot(moved).open()  # the check lets it through: the index is kept, as before
    assert report.action == "kept" and "'" + str(tmp_path / "nope") + "' was not found" in report.reason
