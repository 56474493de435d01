"""Tables as rows with their header: the pipe-table contract, one passage per row matched with its column
names, the header never split off, and HTML and Word tables written in that contract."""

from pathlib import Path

import pytest
from docmakers import write_rich_docx

from bot.assistant import Citebot
from bot.config import Settings
from bot.ingest.chunking import chunk_document
from bot.ingest.readers.docx import read_docx
from bot.ingest.readers.html import read_html
from bot.ingest.tables import find_table, format_table, row_search_text, split_cells
from bot.types import Document
from tests.test_chunking import assert_rebuilds

TRAINS = ["| Train | Destination | Departs | Platform |", "|:------|-----------|--------:|:---:|"] + [
    f"| T{n:03d} | {city} | {6 + n // 4:02d}:{(n * 15) % 60:02d} | {n % 9 + 1} |"
    for n, city in enumerate(["Leeds", "York", "Hull", "Derby", "Bath", "Ely"] * 10)]
TIMETABLE = "# Departures\n\nAll trains stop at Central.\n\n" + "\n".join(TRAINS) + "\n\nTimes are local.\n"


def test_cells_split_on_unescaped_pipes_with_optional_outer_pipes():
    assert split_cells("| a | b \\| c |  |") == ["a", "b | c", ""]
    assert split_cells("x | y") == ["x", "y"]
    assert format_table(["Name", "Note"], [["Ann", "a|b"], ["Bo"]]) == (
        "| Name | Note |\n|---|---|\n| Ann | a\\|b |\n| Bo |  |")


def test_a_table_needs_a_separator_with_as_many_columns():
    lines = ["| a | b |", "|---|---|", "| 1 | 2 |", "after"]
    assert find_table(lines, 0) == 3
    assert find_table(["| a | b |", "|---|", "| 1 | 2 |"], 0) == 0  # one separator cell for two columns
    assert find_table(["| a | b |", "| 1 | 2 |"], 0) == 0  # no separator: not a table


def test_row_search_text_names_columns_and_leaves_out_negative_cells():
    assert row_search_text("| Room | Floor | Projector |", "| Elm | 2 | no |") == "Room: Elm; Floor: 2"
    assert row_search_text("| Room | Floor | Projector |", "| Oak | | yes |") == "Room: Oak; Projector: yes"
    assert row_search_text("|  |  |", "| Weight | 3 kg |") == "Weight; 3 kg"


def test_every_row_is_a_passage_with_its_column_names_and_the_header_is_none():
    doc = Document("trains.md", "Trains", TIMETABLE)
    chunks = chunk_document(doc)
    rows = [c for c in chunks if c.kind == "row"]
    assert len(rows) == 60 and all(c.section == "Departures" for c in rows)
    assert rows[44].text == "| T044 | Hull | 17:00 | 9 |"
    assert rows[44].search_text == "Train: T044; Destination: Hull; Departs: 17:00; Platform: 9"
    assert rows[44].sentences == ((rows[44].start, rows[44].end),)
    assert rows[44].location == "Departures › table row 45"
    assert not any("Destination" in c.text for c in chunks)  # the header is context, never a passage
    assert [c.kind for c in chunks if c.kind != "row"] == ["paragraph", "paragraph"]
    assert_rebuilds(doc, chunks)


def test_a_table_in_text_without_blank_lines_is_still_found():
    text = "Price list\nSome intro line\n| Item | Price |\n| --- | --- |\n| Tea | 2.10 |\n| Cake | 3.40 |\nThanks"
    rows = [c for c in chunk_document(Document("p.txt", "Price list", text)) if c.kind == "row"]
    assert [(c.text, c.search_text) for c in rows] == [("| Tea | 2.10 |", "Item: Tea; Price: 2.10"),
                                                      ("| Cake | 3.40 |", "Item: Cake; Price: 3.40")]


def test_a_question_about_one_row_cites_that_row(library):
    bot = library({"trains.md": TIMETABLE, "notes.txt": "Notes\n\nThe canteen opens at noon.\n"})
    answer = bot.ask("Which platform does train T044 leave from?")
    first = answer.citations[0]
    assert (first.chunk.kind, first.sentence) == ("row", "| T044 | Hull | 17:00 | 9 |")
    assert answer.text.startswith("| T044 | Hull | 17:00 | 9 | [1]")
    assert bot.store.documents["trains.md"].text[first.chunk.start:first.chunk.end] == first.sentence


def test_html_tables_header_key_value_nested_and_cells_apart():
    page = b"""<html><body><h2>Opening</h2>
    <table><thead><tr><th>Day</th><th colspan="2">Hours</th></tr></thead>
    <tbody><tr><td>Mon</td><td>9</td><td>17</td></tr>
    <tr><td>Sat</td><td><p>10</p></td><td>closed<br>for lunch<ul><li>bar</li><li>shop</li></ul></td></tr>
    </tbody></table>
    <h2>Kettle</h2>
    <table><tr><th>Power</th><td>2 kW</td></tr><tr><th>Capacity:</th><td>1.7 l</td></tr></table>
    <table><tr><td>Outer</td><td><table><tr><td>Inner key</td><td>inner value</td></tr></table></td></tr></table>
    </body></html>"""
    _, text = read_html(page, "x")
    assert text == ("## Opening\n\n| Day | Hours | Hours |\n|---|---|---|\n| Mon | 9 | 17 |\n"
                    "| Sat | 10 | closed; for lunch; bar; shop |\n\n## Kettle\n\nPower: 2 kW\n\nCapacity: 1.7 l\n\n"
                    "Outer\n\nInner key: inner value")


def test_html_br_is_a_line_break_not_glue():
    _, text = read_html(b"<div>Line one.<br>Line two<br/>Line three</div><p>Next</p>", "x")
    assert text == "Line one.\nLine two\nLine three\n\nNext"


def test_html_rowspan_repeats_the_cell_in_the_rows_it_covers():
    # Without it the second row would shift left: "| 12:40 | 13:35 |  |", its route lost.
    page = b"""<table><tr><th>Route</th><th>Depart</th><th>Arrive</th></tr>
    <tr><td rowspan="2">Coastal</td><td>08:10</td><td>09:05</td></tr><tr><td>12:40</td><td>13:35</td></tr>
    <tr><td>Valley</td><td rowspan="2" colspan="2">suspended</td></tr><tr><td>Hill</td></tr>
    <tr><td>Harbour</td><td></td><td>on request</td></tr></table>"""
    _, text = read_html(page, "x")
    assert text == ("| Route | Depart | Arrive |\n|---|---|---|\n| Coastal | 08:10 | 09:05 |\n"
                    "| Coastal | 12:40 | 13:35 |\n| Valley | suspended | suspended |\n"
                    "| Hill | suspended | suspended |\n| Harbour |  | on request |")


def test_html_header_rows_stacked_in_thead_become_one_header():
    page = b"""<table><thead><tr><th rowspan="2">Plant</th><th colspan="2">Output</th></tr>
    <tr><th>2024</th><th>2025</th></tr></thead>
    <tbody><tr><th scope="row">Arden</th><td>410</td><td>455</td></tr></tbody></table>"""
    _, text = read_html(page, "x")
    assert text == "| Plant | Output 2024 | Output 2025 |\n|---|---|---|\n| Arden | 410 | 455 |"


def test_html_layout_table_is_read_as_the_pages_content():
    # Navigation in one cell, the article (headings, paragraphs, a data table) in the next: not one flattened
    # "Home; News: ## Fair; …" row. A table whose cells hold only values stays a table (above).
    page = b"""<table><tr><td><a href="/">Home</a><br><a href="/n">News</a></td><td><h2>Fair</h2>
    <p>The fair is on the green.</p><table><tr><th>Event</th><th>Time</th></tr><tr><td>Dog show</td>
    <td>11:00</td></tr></table><h2>Bins</h2><p>Bins go out on Tuesday.</p></td></tr></table>"""
    _, text = read_html(page, "x")
    assert text == ("Home\nNews\n\n## Fair\n\nThe fair is on the green.\n\n| Event | Time |\n|---|---|\n"
                    "| Dog show | 11:00 |\n\n## Bins\n\nBins go out on Tuesday.")
    _, text = read_html(b'<table role="presentation"><tr><td>Left.</td><td>Right.</td></tr></table>', "x")
    assert text == "Left.\n\nRight."


def test_html_definition_list_term_opens_its_definition():
    page = b"""<dl><dt>Lost property</dt><dd>Ask at platform 1.</dd><dt>Refunds:</dt><dd><p>Within 14 days.</p>
    <p>By card only.</p></dd><dt>Alone</dt></dl><p>After.</p>"""
    _, text = read_html(page, "x")
    assert text == "Lost property: Ask at platform 1.\n\nRefunds: Within 14 days.\n\nBy card only.\n\nAlone\n\nAfter."


def test_docx_merged_cells_repeat_and_text_boxes_without_a_fallback_are_read():
    # The field-case variant's Word file (tests/fieldcase_variants/make.py writes it): vMerge, gridSpan, an
    # empty cell, a VML-only and a DrawingML-only text box, a table nested two deep, a box in a cell.
    path = Path(__file__).parent / "fieldcase_variants" / "14-docx-vml-box-deep-tables" / "docs" / "warehouse.docx"
    _, text = read_docx(path, "warehouse")
    assert ("| Team | Day | Lead |\n|---|---|---|\n| Packing | Monday | Hana |\n| Packing | Tuesday | Viktor |\n"
            "| Loading | closed for stocktake | closed for stocktake |\n| Returns | Friday |  |") in text
    assert "Read this before your first shift.\n\nThe first-aid room is on floor 3." in text
    assert "Lockers are emptied every Sunday night.\n\nThe security desk can be reached on extension 5150." in text
    assert "Budget codes\n\nTravel\n\nMileage code: MLG-31\n\nPost room: Ground floor\n\nReturns are collected" in text


def test_docx_rows_and_cells_in_content_controls_and_words_hyphens_are_read():
    variants = Path(__file__).parent / "fieldcase_variants"
    _, text = read_docx(variants / "14-docx-content-controls-box-in-box" / "docs" / "office.docx", "office")
    assert ("| Room | Owner | Seats |\n|---|---|---|\n| Lark | Finance | 8 |\n| Wren | Legal | 14 |\n"
            "| Heron | Design | 6 |") in text  # rows in w:sdt (a repeating section), a cell's text in one
    assert ("Front desk\n\nNight calls go to the duty manager.\n\nWi-Fi network: GuestNet\n\n"
            "Wi-Fi code: plover-82") in text  # a text box in a text box, a table in the outer one
    _, text = read_docx(variants / "10-docx-soft-and-nobreak-hyphens" / "docs" / "notes.docx", "notes")
    assert "The interoperability tests passed" in text  # w:softHyphen
    assert "sent by e-mail to" in text and "The price-determining factors" in text  # w:noBreakHyphen


def test_docx_layout_table_is_read_as_its_headings_and_paragraphs():
    path = Path(__file__).parent / "fieldcase_variants" / "14-docx-layout-table" / "docs" / "newsletter.docx"
    _, text = read_docx(path, "newsletter")
    assert text.startswith("School newsletter\n\n## Sports day\n\nSports day is on the 14th of June")
    assert "closes the afternoon.\n\n## Library\n\nThe library is open every lunchtime" in text
    assert text.endswith("ten pence a day.\n\nThe office is closed on the last Friday of term.")


def test_docx_text_box_once_nested_table_key_values_and_notes(tmp_path):
    title, text = read_docx(write_rich_docx(tmp_path / "site.docx"), "site")
    assert text.count("Visitors collect lanyards from desk 9.") == 1  # mc:Choice read, mc:Fallback not
    assert "The depot opens at 06:00.\n\nVisitors collect lanyards" in text  # right after its anchor
    assert "| Vehicle | Driver | Licence |\n|---|---|---|\n| Van 3 | Ines | C1-448 |" in text  # bold first row
    assert "Entrances\n\nGate A: north car park\n\nGate B: cycle racks" in text  # nested, after its table
    assert "Wi-Fi: DepotGuest\n\nPassword: amber-4417" in text
    assert "Forklifts are charged overnight.[1]" in text and "Spill kits sit by every door.[2]" in text
    assert text.endswith("# Notes\n\n[1] Chargers are on circuit F2.\n\n[2] Refill kits from store room 5.")
    notes = [c for c in chunk_document(Document("site.docx", title, text)) if c.kind == "reference"]
    assert [(c.section, c.text) for c in notes] == [("Notes", "[1] Chargers are on circuit F2."),
                                                    ("Notes", "[2] Refill kits from store room 5.")]


@pytest.fixture(scope="module")
def site_bot(tmp_path_factory, real_embedder):
    docs = tmp_path_factory.mktemp("site")
    write_rich_docx(docs / "site.docx")
    bot = Citebot(Settings(docs_dir=docs, index_dir=tmp_path_factory.mktemp("site-index")), embedder=real_embedder)
    bot.open()
    return bot


@pytest.mark.slow
@pytest.mark.parametrize(("question", "expected"), [
    ("Who drives truck 7?", "| Truck 7 | Omar | C-902 |"), ("What licence does Ines hold?", "C1-448"),
    ("Where do visitors collect lanyards?", "desk 9"), ("Which circuit are the chargers on?", "circuit F2")])
def test_docx_rows_text_boxes_and_notes_answer_their_questions(site_bot, question, expected):
    answer = site_bot.ask(question)
    assert not answer.abstained and expected in answer.text.split("[1]")[0]


def test_a_cited_row_carries_its_table_header_as_written(library):
    from bot.faces.render import answer_html
    from bot.faces.schema import citation_dict
    from bot.ingest.tables import header_above

    text = "Intro.\n\n| Code | City |\n| --- | --- |\n| LS | Leeds |\n| YO | York |\n\nAfter."
    assert header_above(text, text.index("| YO")) == "| Code | City |"
    assert header_above(text, text.index("After")) == ""
    bot = library({"codes.md": text})
    answer = bot.ask("Which city has code YO?")
    first = answer.citations[0]
    assert (first.sentence, first.header) == ("| YO | York |", "| Code | City |")
    assert citation_dict(first)["header"] == "| Code | City |"
    assert "<span class=\"cb-header\">| Code | City |</span>" in answer_html(answer)


def test_rows_told_apart_by_a_single_digit_and_tied_rows_listed_in_table_order(library):
    bot = library({"fleet.md": "# Fleet\n\n| Vehicle | Driver | Depot |\n|---|---|---|\n"
                               "| Truck 3 | Ines | Leeds |\n| Truck 7 | Omar | York |\n| Van 2 | Sam | Leeds |\n"})
    assert bot.ask("Who drives truck 7?").text.startswith("| Truck 7 | Omar | York | [1]")
    listed = bot.ask("Which vehicles are based at the Leeds depot?")
    assert listed.text == "| Truck 3 | Ines | Leeds | [1] | Van 2 | Sam | Leeds | [2]"


def test_html_table_caption_is_kept_above_its_table():
    _, text = read_html(b"<table><caption>Fares 2025</caption><tr><th>Zone</th><th>Fare</th></tr>"
                        b"<tr><td>1</td><td>2.40</td></tr></table>", "x")
    assert text == "Fares 2025\n\n| Zone | Fare |\n|---|---|\n| 1 | 2.40 |"
