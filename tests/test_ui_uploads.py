"""Uploads through the UI's own function: local use joins the library, shared use stays in the session."""

from bot.assistant import Citebot
from bot.faces.ui import make_respond, make_upload

NOTE = "Harbour notes.\n\nThe lighthouse keeper Ingrid Halvorsen painted the tower red in 1931.\n"


def run_upload(bot, paths, private=None) -> tuple:
    """The upload step, with Markdown's escaping removed from the status so it reads as the user sees it."""
    status, *rest = make_upload(bot)([str(p) for p in paths], private, progress=lambda *a, **k: None)
    return (status.replace("\\", ""), *rest)


def ask(bot, question, private=None) -> str:
    *_, (_, chat, _) = list(make_respond(bot)(question, [], [], private))
    return chat[-1]["content"]


def test_local_upload_is_saved_and_answered(fake_bot, tmp_path) -> None:
    upload = tmp_path / "harbour.txt"
    upload.write_text(NOTE, encoding="utf-8")
    status, private, description, cleared = run_upload(fake_bot, [upload])
    assert "harbour.txt: indexed, 2 passages" in status and private is None and cleared is None
    assert (fake_bot.settings.docs_dir / "harbour.txt").read_text(encoding="utf-8") == NOTE
    assert "2 documents" in description
    assert "Halvorsen" in ask(fake_bot, "Who painted the lighthouse tower red?")


def test_shared_upload_stays_private_to_the_session(settings, fake, tmp_path) -> None:
    bot = Citebot(settings.with_(shared=True), embedder=fake)
    bot.open()
    upload = tmp_path / "harbour.txt"
    upload.write_text(NOTE, encoding="utf-8")
    status, private, _, _ = run_upload(bot, [upload])
    assert "harbour.txt: indexed" in status and "kept for this browser session only" in status
    assert private is not None
    assert sorted(p.name for p in settings.docs_dir.iterdir()) == ["000_204c1444c696506f.txt"]
    assert "Halvorsen" in ask(bot, "Who painted the lighthouse tower red?", private)
    assert "Halvorsen" not in ask(bot, "Who painted the lighthouse tower red?", None)  # another session


def test_a_bad_upload_gets_its_own_line_and_the_rest_goes_in(fake_bot, tmp_path) -> None:
    good, empty = tmp_path / "good.md", tmp_path / "empty.txt"
    good.write_text("# Notes\n\nThe ferry leaves at noon.\n", encoding="utf-8")
    empty.write_bytes(b"")
    status, *_ = run_upload(fake_bot, [empty, good])
    assert "empty.txt: skipped: the file is empty" in status
    assert "good.md: indexed" in status
