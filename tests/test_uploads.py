"""Uploads: names are made safe, limits are per file and per batch, local use copies into the documents
folder (surviving a restart), shared use writes nothing and keeps each session's files to itself."""

import pytest
from docmakers import pdf_bytes

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import DocumentError
from bot.faces.uploads import Upload, UploadStatus, receive_uploads, session_bot
from bot.ingest.docs_folder import safe_name, save_copy


@pytest.fixture
def library(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tea.md").write_text("# Tea\n\nGreen tea is steeped at 80 degrees.\n")
    return tmp_path


def _bot(root, **changes):
    settings = Settings(docs_dir=root / "docs", index_dir=root / "index", **changes)
    bot = Citebot(settings, embedder=FakeEmbedder())
    bot.open()
    return bot


def _upload(root, name, data, as_name=None):
    incoming = root / "incoming"
    incoming.mkdir(exist_ok=True)
    path = incoming / f"tmp{len(list(incoming.iterdir()))}"  # a temporary name, as a web server picks
    path.write_bytes(data)
    return Upload(path, as_name or name)


def _tree(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


@pytest.mark.parametrize(("sent", "kept"), [
    ("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\me\\Report.PDF", "Report.PDF"),
    (".hidden.md", "hidden.md"), ("a\x00b\x1bc.txt", "abc.txt"), ("\u202eevil\u202dname.md", "evilname.md"),
    ("  two   spaces .txt", "two spaces.txt"), ("é" * 150 + ".txt", "é" * 98 + ".txt"),
])
def test_safe_name(sent, kept):
    assert safe_name(sent) == kept


@pytest.mark.parametrize("sent", ["..", "../", "...", "", "\x00\x01"])
def test_safe_name_refuses_names_with_nothing_left(sent):
    with pytest.raises(DocumentError, match=r"^the file name has no usable characters; rename the file and upload "
                                            r"it again$"):
        safe_name(sent)


def test_local_upload_lands_inside_the_docs_folder_and_is_indexed(library):
    bot = _bot(library)
    outside = library / "etc"
    statuses, private = receive_uploads(bot, [_upload(library, "x", b"Passwords\n\nNone are kept here.\n",
                                                      as_name="../../etc/passwd.txt")])
    assert statuses == [UploadStatus("passwd.txt", True, "indexed, 1 passage")]
    assert private is None
    assert (library / "docs" / "passwd.txt").read_bytes() == b"Passwords\n\nNone are kept here.\n"
    assert not outside.exists()
    assert sorted(p.name for p in (library / "docs").iterdir()) == ["passwd.txt", "tea.md"]  # no temporary left
    # It survives a restart: a new bot over the same folder finds it without reading anything new.
    restarted = _bot(library)
    assert "passwd.txt" in restarted.store.documents and restarted.plan.up_to_date


def test_local_name_collision_gets_a_number_and_identical_file_is_not_copied(library):
    bot = _bot(library)
    statuses, _ = receive_uploads(bot, [
        _upload(library, "tea.md", b"# Tea\n\nBlack tea wants boiling water.\n"),
        _upload(library, "tea.md", b"# Tea\n\nGreen tea is steeped at 80 degrees.\n"),
    ])
    assert statuses == [
        UploadStatus("tea (2).md", True, "indexed, 1 passage (saved as tea (2).md: tea.md exists)"),
        UploadStatus("tea.md", True, "indexed, 1 passage (the same file was there already)"),
    ]
    assert sorted(p.name for p in (library / "docs").iterdir()) == ["tea (2).md", "tea.md"]


def test_bad_uploads_each_get_a_reason_and_the_rest_go_on(library):
    bot = _bot(library, max_upload_mb=1)
    before = _tree(library / "docs")
    statuses, _ = receive_uploads(bot, [
        _upload(library, "empty.txt", b""),
        _upload(library, "program.exe", b"MZ"),
        _upload(library, "big.txt", b"a" * (1024 * 1024 + 1)),
        _upload(library, "cut.pdf", b"%PDF-1.4\n" + b"x" * 50),
        _upload(library, "..", b"text"),
        _upload(library, "owls.pdf", pdf_bytes(["Owls hunt at night."])),
    ])
    assert statuses == [
        UploadStatus("empty.txt", False, "skipped: the file is empty"),
        UploadStatus("program.exe", False, "skipped: '.exe' files are not supported; use one of .csv, .docx, "
                                           ".eml, .epub, .htm, .html, .jpeg, .jpg, .md, .odp, .ods, .odt, .pdf, "
                                           ".png, .pptx, .rtf, .tif, .tiff, .tsv, .txt, .xlsm, .xlsx"),
        UploadStatus("big.txt", False, "skipped: the file is larger than the 1 MB limit"),
        UploadStatus("cut.pdf", False, "skipped: the PDF is incomplete (it ends before its last section); "
                                       "download or copy it again"),
        UploadStatus("..", False, "skipped: the file name has no usable characters; rename the file and upload it "
                                  "again"),
        UploadStatus("owls.pdf", True, "indexed, 1 passage"),
    ]
    assert _tree(library / "docs") == sorted([*before, ("owls.pdf", len(pdf_bytes(["Owls hunt at night."])))])
    assert str(statuses[0]) == "empty.txt: skipped: the file is empty"


def test_batch_limit(library):
    bot = _bot(library, max_upload_files=2)
    statuses, _ = receive_uploads(bot, [_upload(library, f"n{i}.txt", f"Note {i}\n".encode()) for i in range(3)])
    assert [s.ok for s in statuses] == [True, True, False]
    assert statuses[2] == UploadStatus("n2.txt", False, "skipped: at most 2 files can be added at a time; add this "
                                                        "one in another batch")


def test_shared_use_writes_nothing_and_keeps_uploads_private(library):
    _bot(library)  # the library's index exists before the server starts
    bot = _bot(library, shared=True)
    before_docs, before_index = _tree(library / "docs"), _tree(library / "index")
    statuses, mine = receive_uploads(bot, [
        _upload(library, "x", b"Diary\n\nMy locker code is 4521.\n", as_name="../diary.txt"),
        _upload(library, "tea.md", b"# Tea\n\nMy own tea notes.\n"),
    ])
    assert statuses == [UploadStatus("diary.txt", True, "indexed for this session only, 1 passage"),
                        UploadStatus("tea (2).md", True, "indexed for this session only, 1 passage")]
    assert _tree(library / "docs") == before_docs and _tree(library / "index") == before_index
    assert sorted(mine.store.documents) == ["diary.txt", "tea (2).md", "tea.md"]
    # This session finds its upload; the shared bot and another session do not.
    answer = session_bot(bot, mine).ask("What is my locker code?")
    assert answer.citations[0].doc_id == "diary.txt"
    assert "diary.txt" not in bot.store.documents
    assert session_bot(bot, None) is bot
    # A second batch re-uses the vectors already embedded for this session.
    statuses, mine2 = receive_uploads(bot, [_upload(library, "more.txt", b"More\n\nAnother note.\n")], mine)
    assert statuses == [UploadStatus("more.txt", True, "indexed for this session only, 1 passage")]
    assert sorted(mine2.store.documents) == ["diary.txt", "more.txt", "tea (2).md", "tea.md"]
    assert (mine2.store.vectors[: len(mine.store.vectors)] == mine.store.vectors).all()


def test_shared_session_limit_counts_earlier_batches(library):
    bot = _bot(library, shared=True, max_upload_files=2)
    _, mine = receive_uploads(bot, [_upload(library, "a.txt", b"A note.\n")])
    statuses, mine = receive_uploads(bot, [_upload(library, "b.txt", b"B note.\n"),
                                           _upload(library, "c.txt", b"C note.\n")], mine)
    assert statuses[1] == UploadStatus("c.txt", False, "skipped: this session holds 2 uploaded files, the most it "
                                                       "may; start a new session")
    assert [d.doc_id for d in mine.documents] == ["a.txt", "b.txt"]


def test_save_copy_refuses_to_write_through_a_planted_link(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (tmp_path / "target.txt").write_text("outside")
    (folder / "notes.txt").symlink_to(tmp_path / "target.txt")
    source = tmp_path / "upload"
    source.write_text("new notes")
    assert save_copy(source, folder, "notes.txt") == ("notes (2).txt", False)
    assert (tmp_path / "target.txt").read_text() == "outside"
    assert (folder / "notes (2).txt").read_text() == "new notes"
