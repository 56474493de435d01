"""Each supported format, written as a real file, is read, chunked and answered from the right place;
each kind of broken file gets its own one-line reason."""

import zlib

import pytest
from docmakers import HTML_PAGE, encrypt_pdf, pdf_bytes, write_docx

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import DocumentError
from bot.ingest.chunking import chunk_document
from bot.ingest.readers import docx as readers_docx
from bot.ingest.reading import Limits, read_file
from bot.ingest.sandbox import read_in_child

OWL_PAGES = ["Owl Field Notes\nOwls hunt at night across open fields.", "",
             "Barn owls swallow voles whole.\nTheir pellets hold the bones."]


def _ask(tmp_path, question):
    settings = Settings(docs_dir=tmp_path / "docs", index_dir=tmp_path / "index")
    bot = Citebot(settings, embedder=FakeEmbedder())
    bot.open()
    return bot, bot.ask(question)


def test_markdown_keeps_headings_as_sections(tmp_path):
    path = tmp_path / "tea.md"
    path.write_text("# Tea notes\n\n## Brewing\n\nGreen tea is steeped at 80 degrees.\n", encoding="utf-8")
    doc = read_file(path, "tea.md")
    assert doc.title == "Tea notes"
    chunks = chunk_document(doc)
    assert [(c.kind, c.section) for c in chunks] == [("paragraph", "Brewing")]  # headings are context only


def test_html_keeps_main_text_and_drops_scripts_and_boilerplate(tmp_path):
    path = tmp_path / "bees.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    doc = read_file(path, "bees.html")
    assert doc.title == "Beekeeping basics"
    assert doc.text == ("# Keeping bees\n\nA hive holds one queen, who lays up to two thousand eggs a day.\n\n"
                        "## Equipment\n\n- A smoker calms the colony.\n\n- A veil protects the face.")
    assert [(c.kind, c.section, c.location) for c in chunk_document(doc)][:2] == [
        ("paragraph", "Keeping bees", "Keeping bees › paragraph 1"), ("bullet", "Equipment", "Equipment › list item 1")]


def test_html_article_header_main_tables_and_encoding(tmp_path):
    page = ("<html><body><nav>Menu</nav><p>Outside main.</p><main><article><header><h1>Ciao</h1></header>"
            "<p>Café crème costs € 3.</p><ol start='4'><li>Four</li><li>Five</li></ol>"
            "<table><tr><th>Size</th><th>Price</th></tr><tr><td>Large</td><td>4</td></tr></table>"
            "<div hidden>Invisible</div><!-- comment --></article></main></body></html>")
    path = tmp_path / "menu.htm"
    path.write_bytes(page.encode("windows-1252"))  # no charset declared: read the way browsers do
    doc = read_file(path, "menu.htm")
    assert doc.text == ("# Ciao\n\nCafé crème costs € 3.\n\n4. Four\n\n5. Five\n\n"
                        "| Size | Price |\n|---|---|\n| Large | 4 |")
    assert doc.title == "Ciao"


def test_html_nested_a_hundred_thousand_deep_is_read(tmp_path):
    path = tmp_path / "deep.html"
    path.write_bytes(b"<div>" * 100_000 + b"Deep text." + b"</div>" * 100_000)
    assert read_file(path, "deep.html").text == "Deep text."


def test_pdf_pages_become_offsets_and_citations_name_the_page(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "owls.pdf").write_bytes(pdf_bytes(OWL_PAGES, title="Owl Report"))
    (tmp_path / "docs" / "tea.md").write_text("# Tea\n\nGreen tea is steeped at 80 degrees.\n")
    doc = read_file(tmp_path / "docs" / "owls.pdf", "owls.pdf")
    assert doc.title == "Owl Report"
    # The short first line leaves room for "Owls", so the break was meant: a paragraph of its own. Page 3's
    # two lines wrap one paragraph. Page 2 is empty: an empty span between blank lines, at 57 (for OCR).
    assert doc.text == ("Owl Field Notes\n\nOwls hunt at night across open fields.\n\n\n\n"
                        "Barn owls swallow voles whole. Their pellets hold the bones.")
    assert doc.pages == (0, 57, 59)
    assert [doc.page_at(doc.text.index(w)) for w in ("Owls hunt", "Barn owls")] == [1, 3]
    _, answer = _ask(tmp_path, "What do barn owls swallow?")
    assert not answer.abstained
    first = answer.citations[0]
    assert (first.doc_id, first.chunk.page, first.sentence) == ("owls.pdf", 3, "Barn owls swallow voles whole.")
    assert first.chunk.location.startswith("page 3, ")


def test_pdf_without_title_uses_its_first_line_and_opens_without_owner_password(tmp_path):
    path = tmp_path / "field-notes.pdf"
    path.write_bytes(encrypt_pdf(pdf_bytes(OWL_PAGES), user_password=""))  # protected against editing only
    doc = read_file(path, "field-notes.pdf")
    assert doc.title == "Owl Field Notes" and doc.pages == (0, 57, 59)


def test_pdf_whose_metadata_title_is_a_placeholder_and_first_line_a_sentence_is_named_by_its_file(tmp_path):
    path = tmp_path / "archive-rules.pdf"
    path.write_bytes(pdf_bytes(["Visitors sign the register.\nBoxes come up from the stacks."], title="(anonymous)"))
    assert read_file(path, "archive-rules.pdf").title == "archive-rules"


def test_docx_headings_lists_tables_and_title(tmp_path):
    (tmp_path / "docs").mkdir()
    write_docx(tmp_path / "docs" / "orchard.docx")
    doc = read_file(tmp_path / "docs" / "orchard.docx", "orchard.docx")
    assert doc.title == "Orchard Handbook"
    assert doc.text == ("Orchard Handbook\n\n# Pruning\n\nApple trees are pruned in late winter while they are "
                        "dormant.\n\n- Remove crossing branches first.\n\n## Harvest\n\nPears ripen off the tree, so "
                        "they are picked while still firm.\n\nFruit: Month\n\nPear: September")
    write_docx(tmp_path / "titled.docx", title="Property Title")
    assert read_file(tmp_path / "titled.docx", "titled.docx").title == "Property Title"
    _, answer = _ask(tmp_path, "When are apple trees pruned?")
    first = answer.citations[0]
    assert (first.doc_id, first.chunk.section, first.chunk.page) == ("orchard.docx", "Pruning", None)


def test_html_answer_cites_the_page_not_its_script(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bees.html").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "docs" / "tea.md").write_text("# Tea\n\nGreen tea is steeped at 80 degrees.\n")
    bot, answer = _ask(tmp_path, "What calms the colony?")
    assert answer.text == "A smoker calms the colony. [1]"
    assert (answer.citations[0].doc_id, answer.citations[0].chunk.location) == ("bees.html",
                                                                              "Equipment › list item 1")
    assert "SECRET" not in bot.store.documents["bees.html"].text


GOOD = pdf_bytes(OWL_PAGES)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.pdf", b"", "the file is empty"),
    ("cut.pdf", GOOD[: len(GOOD) // 2],
     "the PDF is incomplete (it ends before its last section); download or copy it again"),
    ("locked.pdf", encrypt_pdf(GOOD, user_password="secret"),
     "the PDF is encrypted; save an unprotected copy (for example, print it to a new PDF) and add that"),
    ("broken.pdf", GOOD[:9] + bytes(range(256)) * 4 + b"\n%%EOF\n",  # a header, no objects at all
     "the PDF is damaged and could not be read; open it and save (or print) it again as a new PDF"),
    ("letter.pdf", b"Dear reader, this is plain text with a .pdf name.",
     "the file is not a PDF (it has no PDF header); check that it was saved as PDF"),
    ("scan.pdf", pdf_bytes([""]), "the PDF has no text layer (it may be scanned images): OCR found no text on its "
                                  "pages"),
    ("fake.docx", b"PK\x03\x04 not a zip at all",
     "the file is not a valid Word document (.docx); open it in Word or LibreOffice and save it again as .docx"),
    ("binary.txt", b"\x00\x01\x02\x03 data", "the file looks binary, not text"),
    ("binary.html", b"\x00\x01<p>x</p>", "the file looks binary, not HTML"),
    ("blank.txt", b" \n\t\n", "the file has no text"),
    ("script-only.html", b"<script>alert(1)</script><nav>Menu</nav>",
     "the page has no readable text once scripts and navigation are removed"),
    ("picture.png", b"\x89PNG", "the image is damaged or not in the format its name says; save it again"),
    ("picture.bmp", b"BM", "'.bmp' files are not supported; use one of .csv, .docx, .eml, .epub, .htm, .html, "
                           ".jpeg, .jpg, .md, .odp, .ods, .odt, .pdf, .png, .pptx, .rtf, .tif, .tiff, .tsv, .txt, "
                           ".xlsm, .xlsx"),
])
def test_bad_files_get_one_line_reasons(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        read_file(path, name)
    assert str(caught.value) == reason


def test_invalid_utf8_is_read_as_latin1(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Crème brûlée\n".encode("latin-1"))
    assert read_file(path, "old.txt").text == "Crème brûlée\n"


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (1024 * 1024 + 1))
    with pytest.raises(DocumentError, match=r"^the file is larger than the 1 MB limit$"):
        read_file(path, "big.txt", limits=Limits(max_bytes=1024 * 1024))


def test_pdf_reading_is_killed_at_the_timeout(tmp_path):
    path = tmp_path / "slow.pdf"
    path.write_bytes(GOOD)
    with pytest.raises(DocumentError) as caught:
        read_file(path, "slow.pdf", limits=Limits(read_seconds=0.01))  # the child cannot even start in time
    assert str(caught.value) == ("reading the PDF took longer than 0.01 s (it may be damaged or very large); split "
                                 "it into smaller files or raise BOT_READ_TIMEOUT_S")


def test_pdf_reading_is_capped_in_memory(tmp_path):
    # A 60 MB content stream compressed into ~90 kB: extraction must inflate it, past a 100 MB cap.
    bomb = zlib.compress(b"(A) Tj " * (60_000_000 // 7), 9)
    start = GOOD.index(b"5 0 obj")
    end = GOOD.index(b"endobj", start) + len(b"endobj")
    path = tmp_path / "bomb.pdf"
    path.write_bytes(GOOD[:start] + b"5 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\n"
                     b"endobj" % (len(bomb), bomb) + GOOD[end:])
    with pytest.raises(DocumentError) as caught:
        read_in_child("pdf", path, "bomb", seconds=20, memory_mb=100)
    assert str(caught.value) == ("reading the PDF needed more than 100 MB of memory; split it into smaller files "
                                 "or raise BOT_READ_MEMORY_MB")


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(readers_docx, "MAX_UNPACKED", 1000)  # in-process call, so the patch applies
    path = write_docx(tmp_path / "bomb.docx")
    with pytest.raises(DocumentError, match=r"^the Word document unpacks to more than 0 MB, which is not read; "
                                            r"split it into smaller documents$"):
        readers_docx.read_docx(path, "bomb")


def test_messages_never_hold_paths_or_exception_names(tmp_path):
    for name, data in (("x.pdf", b"%PDF-1.4 garbage %%EOF"), ("x.docx", b"PK junk"), ("x.txt", b"\0")):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(DocumentError) as caught:
            read_file(path, name)
        message = str(caught.value)
        assert str(tmp_path) not in message and "Error" not in message and "Traceback" not in message
