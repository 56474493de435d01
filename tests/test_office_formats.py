"""Slides, spreadsheets, CSV, e-books, OpenDocument, RTF and e-mail: each file, written by its format's own
library (see `formatmakers`), is read to the exact text and location marks expected, citations name the
slide, sheet and row, chapter or attachment, and each kind of broken file gets its own one-line reason."""

import hashlib
import shutil
import zipfile

import openpyxl
import pytest
from formatmakers import (
    RTF,
    TRAINS,
    write_csv,
    write_eml,
    write_epub,
    write_odp,
    write_ods,
    write_odt,
    write_pptx,
    write_xlsx,
)
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from bot.assistant import Citebot
from bot.config import Settings
from bot.embed.fake import FakeEmbedder
from bot.errors import DocumentError
from bot.faces.docview import document_html, reference
from bot.ingest.chunking import chunk_document
from bot.ingest.readers import blocks as readers_blocks
from bot.ingest.readers import pptx as readers_pptx
from bot.ingest.readers import xlsx as readers_xlsx
from bot.ingest.reading import read_file, unsupported_reason
from bot.types import Document


def _marks_of(doc: Document, *snippets: str) -> list[str]:
    return [doc.mark_at(doc.text.index(s)) for s in snippets]


def _prose(doc: Document) -> list:
    """The passages other than headings and table rows (how those are cut is the chunker's business)."""
    return [c for c in chunk_document(doc) if c.kind not in ("heading", "title") and not c.text.startswith("|")]


def test_pptx_slides_titles_tables_and_notes(tmp_path):
    doc = read_file(write_pptx(tmp_path / "deck.pptx"), "deck.pptx")
    assert doc.title == "Board update"  # the deck's own title property, not the first slide's
    assert doc.text == (
        "# Quarterly results\n\nRevenue grew by twelve percent in the third quarter.\n\nCosts fell in every region."
        "\n\nRemind the board that the Leeds depot reopens in March.\n\n# Sales\n\n| Region | Sales |\n|---|---|\n"
        "| North | 1.2 million |\n| South | 0.9 million |\n\n# Slide 3\n\nQuestions go to the finance office.")
    assert doc.marks == ((0, "slide 1"), (104, "slide 1, notes"), (161, "slide 2"), (248, "slide 3"))
    assert [(c.text[:12], c.location) for c in _prose(doc)] == [
        ("Revenue grew", "slide 1"), ("Costs fell i", "slide 1"), ("Remind the b", "slide 1, notes"),
        ("Questions go", "slide 3")]
    assert _marks_of(doc, "| South") == ["slide 2"]


def test_xlsx_every_sheet_with_its_header_and_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "stock.xlsx")
    doc = read_file(path, "stock.xlsx")
    assert doc.title == "stock"
    # The Inventory table starts at B17: its empty column A is dropped, its rows keep their own numbers;
    # F21's formula was saved without a value and is not evaluated, so it reads as nothing.
    assert doc.text == (
        "# Summary\n\nStock report, spring\n\n| Depot | Manager |\n|---|---|\n| Leeds | Ada Brooks |\n\n"
        "# Inventory\n\n| Part | Warehouse | Bay | Quantity |\n|---|---|---|---|\n| P-044 | York | A12 | 40 |\n"
        "| P-045 | Leeds | B36 | 12 |\n| P-046 | Bristol | C07 | 3 |")
    assert _marks_of(doc, "Stock report", "| Leeds | Ada", "| Part", "| P-044", "| P-046") == [
        "sheet Summary, row 1", "sheet Summary, row 4", "sheet Inventory, row 17", "sheet Inventory, row 18",
        "sheet Inventory, row 20"]
    shutil.copy(path, tmp_path / "stock.xlsm")  # macro-enabled workbooks are read the same way; macros never run
    assert read_file(tmp_path / "stock.xlsm", "stock.xlsm").text == doc.text


def test_xlsx_more_cells_than_the_bound_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers_xlsx, "MAX_CELLS", 10)
    with pytest.raises(DocumentError, match=r"^the Excel workbook has more than 10 cells, which is not read; split"):
        readers_xlsx.read_xlsx(write_xlsx(tmp_path / "stock.xlsx"), "stock")


def test_csv_and_tsv_rows_under_their_header(tmp_path):
    expected = ("| Route | Departs | Platform |\n|---|---|---|\n| Leeds to York | 08:15 | 4 |\n"
                "| York to Hull | 09:40 | 2B |")
    for name, delimiter in (("trains.csv", ","), ("trains.tsv", "\t"), ("semi.csv", ";")):
        doc = read_file(write_csv(tmp_path / name, TRAINS, delimiter), name)
        assert (doc.title, doc.text) == (name.split(".")[0], expected)
        assert doc.marks == ((0, "row 1"), (45, "row 2"), (75, "row 3"))
    quoted = tmp_path / "people.csv"
    quoted.write_text('Name;City\n"Brooks; Ada";Leeds\nPipe|Person;"York\nNorth"\n', encoding="utf-8")
    assert read_file(quoted, "people.csv").text == ("| Name | City |\n|---|---|\n| Brooks; Ada | Leeds |\n"
                                                   "| Pipe\\|Person | York North |")


def test_csv_without_a_header_names_its_columns(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("1,2\n3,4\n", encoding="utf-8")
    doc = read_file(path, "numbers.csv")
    assert doc.text == "| column 1 | column 2 |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |"
    assert _marks_of(doc, "| 1 |", "| 3 |") == ["row 1", "row 2"]


def test_csv_with_an_oversized_field_says_so(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text('a,b\n"' + "x" * 200_000 + '",1\n', encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^the CSV file could not be parsed \(field larger than field limit"):
        read_file(path, "huge.csv")


@pytest.mark.parametrize("version", [3, 2])
def test_epub_chapters_in_spine_order_named_by_the_contents(tmp_path, version):
    doc = read_file(write_epub(tmp_path / "book.epub", version), "book.epub")
    assert doc.title == "The Lighthouse Keeper"
    assert doc.text == ("# The Harbour\n\nMara kept the lamp lit for forty years.\n\n# The Storm\n\nThe wind rose at "
                        "dusk.\n\n## Rescue\n\nMara rowed out to the fishing boat Saltfinch and brought back six "
                        "sailors.")
    # The cover page has no text, so "The Harbour" is chapter 1.
    assert doc.marks == ((0, "chapter 1: The Harbour"), (56, "chapter 2: The Storm"))
    rescue = next(c for c in chunk_document(doc) if "Saltfinch" in c.text)
    assert (rescue.section, rescue.location) == ("Rescue", "chapter 2: The Storm")


def test_epub_with_drm_or_not_a_zip_says_so(tmp_path):
    path = write_epub(tmp_path / "locked.epub")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("META-INF/encryption.xml", (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod '
            'Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference '
            'URI="OEBPS/text/one.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>'))
    with pytest.raises(DocumentError, match=r"^the e-book is locked with DRM and cannot be read; add a copy"):
        read_file(path, "locked.epub")
    (tmp_path / "fake.epub").write_text("not a zip", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^the file is not a valid e-book \(.epub\) \(it is not a zip archive\)"):
        read_file(tmp_path / "fake.epub", "fake.epub")


def test_odt_headings_lists_and_tables(tmp_path):
    doc = read_file(write_odt(tmp_path / "garden.odt"), "garden.odt")
    assert doc.title == "Garden plan"
    assert doc.text == ("# Garden plan\n\nTomatoes need six hours of sun a day.\n\n## Beds\n\n- Bed one holds the "
                        "basil.\n\n- Bed two holds the beans.\n\n| Plant | Bed |\n|---|---|\n| Basil | B1 |\n"
                        "| Runner beans | B2 |")
    assert doc.marks == ()  # a text document's location is its section and paragraph, as for Word files
    assert [c.location for c in _prose(doc)][:2] == ["Garden plan › paragraph 1", "Beds › list item 1"]


def test_ods_sheets_and_odp_slides(tmp_path):
    sheet = read_file(write_ods(tmp_path / "budget.ods"), "budget.ods")
    assert sheet.text == "# Budget\n\n| Item | Cost |\n|---|---|\n| Seeds | 14 |\n| Compost | 30 |"
    assert _marks_of(sheet, "| Compost") == ["sheet Budget, row 3"]
    slides = read_file(write_odp(tmp_path / "talk.odp"), "talk.odp")
    assert slides.text == ("# Welcome\n\nDoors open at nine.\n\n# Lunch\n\nLunch is served in the atrium.\n\n"
                           "Vegan boxes are on the left.")
    assert slides.marks == ((0, "slide 1"), (32, "slide 2"), (73, "slide 2, notes"))


def test_ods_padding_to_the_last_row_and_column_is_counted_not_expanded(tmp_path):
    # LibreOffice pads sheets with empty cells and rows repeated to column 16,384 and row 1,048,576;
    # a file can claim the same for filled ones. Empty runs cost nothing and row numbers stay right.
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Log")
    for values, rows_repeated in ((["Day", "Rain"], 1), ([], 1_000_000), (["Monday", "4 mm"], 1)):
        row = TableRow(numberrowsrepeated=rows_repeated)
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        row.addElement(TableCell(numbercolumnsrepeated=16_382))
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "log.ods"))
    read = read_file(tmp_path / "log.ods", "log.ods")
    assert read.text == "# Log\n\n| Day | Rain |\n|---|---|\n| Monday | 4 mm |"
    assert _marks_of(read, "| Monday") == ["sheet Log, row 1000002"]


def test_rtf_paragraphs_tables_and_escapes(tmp_path):
    path = tmp_path / "kiln.rtf"
    path.write_text(RTF, encoding="ascii")
    doc = read_file(path, "kiln.rtf")
    assert doc.title == "Kiln log"
    assert doc.text == ("Kiln log\n\nThe glaze firing reached 1,240 degrees in café kiln two.\n\n| Firing | Peak |\n"
                        "|---|---|\n| Bisque | 1,000 |\n\nNext firing: Friday — weather permitting.")
    (tmp_path / "plain.rtf").write_text("just text", encoding="ascii")
    with pytest.raises(DocumentError, match=r"^the file is not an RTF document \(it does not start with \{\\rtf\)"):
        read_file(tmp_path / "plain.rtf", "plain.rtf")


def test_eml_headers_body_and_text_attachments(tmp_path):
    doc = read_file(write_eml(tmp_path / "move.eml"), "move.eml")
    assert doc.title == "Office move"
    assert doc.text == (
        "# Office move\n\nFrom: Ada Brooks <ada@example.org>\nTo: team@example.org\n"
        "Date: Tue, 03 Mar 2026 09:15:00 +0000\nAttachments: keys.txt, map.pdf (not read)\n\nHello all,\n\n"
        "The York office moves to Canal Street on 14 April.\n\nAda\n\n# Attachment: keys.txt\n\n"
        "Loading bay keys are kept in the blue safe.")
    assert _marks_of(doc, "The York", "Loading bay") == ["", "attachment keys.txt"]
    keys = next(c for c in chunk_document(doc) if "blue safe" in c.text)
    assert keys.location == "attachment keys.txt"


def test_eml_with_only_html_and_a_file_that_is_not_mail(tmp_path):
    path = tmp_path / "note.eml"
    path.write_bytes(b"Subject: =?utf-8?q?Parking_at_the_caf=C3=A9?=\r\nFrom: a@example.org\r\n"
                     b"Content-Type: text/html; charset=utf-8\r\n\r\n"
                     b"<html><body><script>x()</script><p>Park behind the caf\xc3\xa9.</p></body></html>\r\n")
    doc = read_file(path, "note.eml")
    assert (doc.title, doc.text) == ("Parking at the café",
                                     "# Parking at the café\n\nFrom: a@example.org\n\nPark behind the café.")
    (tmp_path / "list.eml").write_text("milk\neggs\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^the file is not an e-mail message \(it has no From, To, Subject"):
        read_file(tmp_path / "list.eml", "list.eml")


def test_old_office_and_outlook_files_say_what_to_save_them_as(tmp_path):
    (tmp_path / "budget.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old workbook")
    with pytest.raises(DocumentError, match=r"^'.xls' files are not supported; save it as .xlsx and add that$"):
        read_file(tmp_path / "budget.xls", "budget.xls")
    assert unsupported_reason("Re: invoice.MSG") == "'.msg' files are not supported; save it as .eml and add that"


@pytest.mark.parametrize("name", ["deck.pptx", "stock.xlsx", "garden.odt"])
def test_a_zip_format_that_is_not_a_zip_says_so(tmp_path, name):
    (tmp_path / name).write_text("hello", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"^the file is not a valid .+ \(it is not a zip archive\); open it"):
        read_file(tmp_path / name, name)


def test_marks_reach_citations_the_saved_index_and_the_text_view(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_pptx(docs / "deck.pptx")
    settings = Settings(docs_dir=docs, index_dir=tmp_path / "index")
    Citebot(settings, embedder=FakeEmbedder()).open()  # builds and saves the index
    bot = Citebot(settings, embedder=FakeEmbedder())
    bot.open()  # loads it back from disk
    answer = bot.ask("When does the Leeds depot reopen?")
    cited = answer.citations[0]
    assert (cited.chunk.text, cited.chunk.location) == ("Remind the board that the Leeds depot reopens in March.",
                                                        "slide 1, notes")
    assert bot.store.documents["deck.pptx"].marks[1] == (104, "slide 1, notes")
    assert "slide 1, notes, characters 104–159 of 294" in document_html(bot.store, reference(cited))


def test_content_hash_is_unchanged_for_documents_without_marks():
    plain = Document("a.txt", "A", "Some text.")
    assert plain.content_hash == hashlib.sha256(b"A\0Some text.").hexdigest()
    marked = Document("a.txt", "A", "Some text.", marks=((0, "slide 1"),))
    assert marked.content_hash != plain.content_hash
    assert (marked.mark_at(0), marked.mark_at(5), plain.mark_at(5)) == ("slide 1", "slide 1", "")


def test_an_archive_that_unpacks_too_large_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(readers_blocks, "MAX_UNPACKED", 1000)
    with pytest.raises(DocumentError, match=r"^the PowerPoint file \(.pptx\) unpacks to more than 0 MB, which is "):
        readers_pptx.read_pptx(write_pptx(tmp_path / "deck.pptx"), "deck")


def test_an_xml_entity_bomb_in_a_workbook_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "stock.xlsx")
    bomb = ('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
            '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
            '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>&h;</t></is></c></row></sheetData></worksheet>')
    rewritten = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    with pytest.raises(DocumentError, match=r"^the file is not a valid Excel workbook; open it in Excel"):
        read_file(rewritten, "bomb.xlsx")


def test_tables_stacked_on_one_sheet_keep_their_own_headers(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Depots"
    for n, row in {1: ["Depots and stock"], 3: ["Depot", "Manager"], 4: ["Leeds", "Ada Brooks"],
                   6: ["York", "Sam Patel"],  # a spacing row above it: still the depot table
                   8: ["Part", "Quantity"], 9: ["P-1", 4], 10: ["P-2", 9],
                   12: ["Colour", "Code", "Shelf"], 13: ["Red", "R", "top"]}.items():
        for column, value in enumerate(row, 1):
            sheet.cell(row=n, column=column, value=value)
    book.save(tmp_path / "depots.xlsx")
    doc = read_file(tmp_path / "depots.xlsx", "depots.xlsx")
    assert doc.text == ("# Depots\n\nDepots and stock\n\n| Depot | Manager |\n|---|---|\n| Leeds | Ada Brooks |\n"
                        "| York | Sam Patel |\n\n| Part | Quantity |\n|---|---|\n| P-1 | 4 |\n| P-2 | 9 |\n\n"
                        "| Colour | Code | Shelf |\n|---|---|---|\n| Red | R | top |")
    assert _marks_of(doc, "| York", "| Part", "| P-2", "| Red") == [
        "sheet Depots, row 6", "sheet Depots, row 8", "sheet Depots, row 10", "sheet Depots, row 13"]
