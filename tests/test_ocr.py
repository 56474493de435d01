"""OCR of scanned pages and images (Debian's tesseract), the OCR cache, the switches, and the word boxes.

Pages are generated (tests/scans.py: text at 200 dpi, turned up to a degree, speckled), so every expectation
is the text that was drawn. tesseract is a Debian package that .ci/run installs; the tests that need it
say so when it is missing instead of passing quietly.
"""

from __future__ import annotations

import json
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import DocumentError, SettingsError
from bot.ingest import ocr
from bot.ingest.pdf_boxes import text_layer_boxes
from bot.ingest.reading import Limits, read_file
from bot.ingest.scanned import OcrOptions, PageText, empty_pages, replace_pages
from bot.types import WordBox
from tests.docmakers import pdf_bytes
from tests.scans import (
    HARBOUR,
    LIBRARY,
    ORCHARD,
    join_pdfs,
    save_jpeg,
    save_png,
    scan,
    scanned_pdf,
    turned,
    word_accuracy,
    words,
)

needs_tesseract = pytest.mark.skipif(not ocr.engine(), reason="tesseract-ocr and tesseract-ocr-eng are not "
                                     "installed (apt-get install tesseract-ocr tesseract-ocr-eng; .ci/run does)")


def limits(tmp_path: Path, **options: object) -> Limits:
    return Limits(ocr=OcrOptions(cache_dir=tmp_path / "ocr", **options))


def test_tsv_becomes_text_with_lines_paragraphs_and_boxes_in_points() -> None:
    # Two words on line 1, a word on line 2 of the same paragraph, a word in a second block: lines of a
    # paragraph are joined by a space, blocks by a blank line. At 300 dpi a
    # pixel is 72/300 = 0.24 pt, so the first word's box (300, 600)–(400, 650) px is (72, 144)–(96, 156) pt.
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t300\t600\t100\t50\t96.5\tHello\n"
           "5\t1\t1\t1\t1\t2\t420\t600\t120\t50\t91\tworld,\n"
           "5\t1\t1\t1\t2\t1\t300\t660\t100\t50\t88\tagain\n"
           "5\t1\t1\t1\t2\t2\t420\t660\t50\t50\t40\t \n"
           "5\t1\t2\t1\t1\t1\t300\t900\t100\t50\t75.25\tNext.\n")
    result = ocr.parse_tsv(tsv, 72 / 300)
    assert result.text == "Hello world, again\n\nNext."
    assert [result.text[s:e] for s, e, *_ in result.words] == ["Hello", "world,", "again", "Next."]
    assert result.words[0] == (0, 5, 72.0, 144.0, 96.0, 156.0, 96.5)
    assert result.words[-1][-1] == 75.25


def test_a_new_paragraph_mid_sentence_goes_on() -> None:
    row = "5\t1\t1\t{par}\t1\t1\t0\t0\t10\t10\t90\t{word}"
    tsv = "header\n" + "\n".join([row.format(par=1, word="the"), row.format(par=2, word="end."),
                                  row.format(par=3, word="New")])
    assert ocr.parse_tsv(tsv, 1.0).text == "the end.\n\nNew"


def test_replace_pages_moves_later_pages_and_their_boxes() -> None:
    # Pages "aaa", "", "ccc" joined by blank lines: starts 0, 5, 7. Page 2 becomes "BB": page 3 moves by 2.
    text, starts = "aaa\n\n\n\nccc", (0, 5, 7)
    assert empty_pages(text, starts, min_chars=1) == [2]
    boxes = (WordBox(0, 3, 1, 1, 1, 2, 2), WordBox(7, 10, 3, 1, 1, 2, 2))
    new = {2: PageText("BB", (WordBox(0, 2, 2, 5, 5, 6, 6, 90.0),))}
    out, out_starts, out_boxes = replace_pages(text, starts, boxes, new)
    assert (out, out_starts) == ("aaa\n\nBB\n\nccc", (0, 5, 9))
    assert [out[b.start:b.end] for b in out_boxes] == ["aaa", "BB", "ccc"]
    assert [b.page for b in out_boxes] == [1, 2, 3]


def test_a_text_pdf_gets_word_boxes_where_the_words_are_drawn(tmp_path) -> None:
    # docmakers draws 11-point Helvetica from x = 72, baseline y = 720 in a 792-point page, lines 14 pt apart:
    # the first line's words sit near the top-left (72 pt in, 792 - 720 = 72 pt down to the baseline).
    first_page = "Hello brave world.\nSecond line here."
    text = first_page + "\n\nPage two."
    (tmp_path / "two.pdf").write_bytes(pdf_bytes([first_page, "Page two."]))
    boxes = text_layer_boxes(tmp_path / "two.pdf", text, (0, len(first_page) + 2))
    assert [text[b.start:b.end] for b in boxes] == ["Hello", "brave", "world.", "Second", "line", "here.", "Page",
                                                   "two."]
    hello, second, page_two = boxes[0], boxes[3], boxes[6]
    assert hello.page == 1 and abs(hello.x0 - 72) < 1.5 and hello.y0 < 72 < hello.y1
    assert abs(second.x0 - 72) < 1.5 and second.y0 < 86 < second.y1  # the next line, 14 pt lower
    assert page_two.page == 2 and hello.confidence is None


def test_boxes_stop_at_their_time_budget_and_the_text_stands(tmp_path, monkeypatch) -> None:
    from bot.ingest import pdf_boxes

    pages = ["Apples grow on trees.", "Pears ripen off the tree.", "Plums dry well."]
    (tmp_path / "long.pdf").write_bytes(pdf_bytes(pages))
    assert len(read_file(tmp_path / "long.pdf", "long.pdf").boxes) == 12  # 4 + 5 + 3 words
    monkeypatch.setattr(pdf_boxes, "BUDGET_S", -1.0)  # spent before the first page
    assert text_layer_boxes(tmp_path / "long.pdf", "Apples grow on trees.", (0,)) == ()


@needs_tesseract
@pytest.mark.parametrize(("name", "text", "angle", "seed"), [
    ("letter.png", HARBOUR, 0.6, 1), ("orchard.jpg", ORCHARD, -0.9, 2), ("library.png", LIBRARY, 1.0, 3)])
def test_scanned_pages_are_read_with_97_percent_of_words_right(tmp_path, name, text, angle, seed) -> None:
    path = tmp_path / name
    lines = (save_jpeg if name.endswith(".jpg") else save_png)(path, text, angle=angle, seed=seed)
    doc = read_file(path, name, limits=limits(tmp_path))
    assert word_accuracy(text, doc.text) >= 0.97, doc.text
    assert doc.pages == (0,) and doc.title == name.rsplit(".", 1)[0]  # a 300-character paragraph is no title
    assert len(doc.boxes) == len(doc.text.split())
    assert all(doc.text[b.start:b.end] == doc.text[b.start:b.end].strip() != "" for b in doc.boxes)
    assert all(0 <= b.confidence <= 100 and b.x0 < b.x1 and b.y0 < b.y1 for b in doc.boxes)
    # The first word's box is where the first line was drawn, turned with the page.
    x, y = turned(*lines[0].box[:2], angle)
    assert abs(doc.boxes[0].x0 - x) < 3 and abs(doc.boxes[0].y0 - y) < 3


@needs_tesseract
def test_a_mixed_pdf_keeps_its_text_page_and_ocrs_the_scanned_one(tmp_path) -> None:
    text_page = "The gate code of the Harbour Trust office is 4417.\nVisitors sign the book at the desk."
    (tmp_path / "mixed.pdf").write_bytes(join_pdfs(pdf_bytes([text_page]), scanned_pdf([scan(HARBOUR)[0]])))
    progress: list[tuple[str, int, int, str]] = []
    doc = read_file(tmp_path / "mixed.pdf", "mixed.pdf", limits=limits(tmp_path),
                    progress=lambda *a: progress.append(a))
    assert words(doc.text[:doc.pages[1]]) == words(text_page) and len(doc.pages) == 2
    assert doc.page_at(doc.text.index("1968")) == 2
    assert word_accuracy(HARBOUR, doc.text[doc.pages[1]:]) >= 0.97
    page1 = [b for b in doc.boxes if b.page == 1]
    page2 = [b for b in doc.boxes if b.page == 2]
    assert len(page1) == len(text_page.split()) and all(b.confidence is None for b in page1)
    assert page2 and all(b.confidence is not None for b in page2)
    assert progress[0] == ("ocr", 0, 1, "mixed.pdf page 2") and progress[-1] == ("ocr", 1, 1, "")
    assert doc.notes == ()


@needs_tesseract
def test_a_scanned_pdf_has_every_page_read(tmp_path) -> None:
    pages = [scan(ORCHARD, angle=-0.5, seed=4)[0], scan(LIBRARY, angle=0.7, seed=5)[0]]
    (tmp_path / "scan.pdf").write_bytes(scanned_pdf(pages))
    doc = read_file(tmp_path / "scan.pdf", "scan.pdf", limits=limits(tmp_path))
    assert len(doc.pages) == 2 and doc.title == "scan"  # its first line is a whole paragraph, no title
    assert doc.page_at(doc.text.index("Quarry Library")) == 2
    assert word_accuracy(ORCHARD + " " + LIBRARY, doc.text) >= 0.97


@needs_tesseract
def test_a_page_is_ocrd_once_then_comes_from_the_cache(tmp_path, monkeypatch) -> None:
    save_png(tmp_path / "letter.png", HARBOUR)
    first = read_file(tmp_path / "letter.png", "letter.png", limits=limits(tmp_path))
    cached = list((tmp_path / "ocr").glob("*/*.json"))
    assert len(cached) == 1 and "Harbour" in json.loads(cached[0].read_text())["tsv"]

    def no_ocr(*args: object) -> str:
        raise AssertionError("OCR ran again for a page in the cache")

    monkeypatch.setattr(ocr, "recognize", no_ocr)
    shutil.copy(tmp_path / "letter.png", tmp_path / "renamed.png")  # same pixels, another name
    again = read_file(tmp_path / "renamed.png", "renamed.png", limits=limits(tmp_path))
    assert (again.text, again.boxes) == (first.text, first.boxes)


def test_with_ocr_off_an_image_is_skipped_and_a_mixed_pdf_keeps_its_text(tmp_path) -> None:
    save_png(tmp_path / "letter.png", LIBRARY, speckle=0)
    with pytest.raises(DocumentError, match=r"^the image could not be read: OCR is off \(BOT_OCR=0\); set BOT_OCR=1"):
        read_file(tmp_path / "letter.png", "letter.png", limits=limits(tmp_path, enabled=False))
    (tmp_path / "mixed.pdf").write_bytes(join_pdfs(pdf_bytes(["A text page about tools."]),
                                                   scanned_pdf([scan(LIBRARY)[0]])))
    doc = read_file(tmp_path / "mixed.pdf", "mixed.pdf", limits=limits(tmp_path, enabled=False))
    assert doc.text.strip() == "A text page about tools." and len(doc.pages) == 2
    assert doc.notes == ("page 2: skipped, OCR is off (BOT_OCR=0); set BOT_OCR=1 to read scanned pages",)
    (tmp_path / "scan.pdf").write_bytes(scanned_pdf([scan(LIBRARY)[0]]))
    with pytest.raises(DocumentError, match=r"^the PDF has no text layer \(it may be scanned images\): OCR is off"):
        read_file(tmp_path / "scan.pdf", "scan.pdf", limits=limits(tmp_path, enabled=False))


def test_without_tesseract_the_reason_says_what_to_install(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(ocr, "engine", lambda: "")
    save_png(tmp_path / "letter.png", LIBRARY, speckle=0)
    with pytest.raises(DocumentError, match=r"OCR needs tesseract with English data, which is not installed; "
                                            r"install tesseract-ocr and tesseract-ocr-eng \(Debian/Ubuntu: apt-get"):
        read_file(tmp_path / "letter.png", "letter.png", limits=limits(tmp_path))


@needs_tesseract
def test_ocr_that_runs_past_its_time_is_stopped_with_the_setting_to_raise(tmp_path) -> None:
    save_png(tmp_path / "letter.png", HARBOUR)
    with pytest.raises(DocumentError, match=r"OCR took longer than 0.01 s for one page; raise BOT_OCR_TIMEOUT_S"):
        read_file(tmp_path / "letter.png", "letter.png", limits=limits(tmp_path, timeout_s=0.01))


def test_a_damaged_image_gets_its_own_reason(tmp_path) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 200)
    with pytest.raises(DocumentError, match=r"^the image is damaged or not in the format its name says"):
        read_file(tmp_path / "broken.png", "broken.png", limits=limits(tmp_path))


def test_ocr_settings_come_from_the_environment() -> None:
    assert load_settings(env={}).ocr is True
    settings = load_settings(env={"BOT_OCR": "0", "BOT_OCR_TIMEOUT_S": "5"})
    assert (settings.ocr, settings.ocr_timeout_s) == (False, 5.0)
    assert OcrOptions.from_settings(settings).engine_label() == "off"
    with pytest.raises(SettingsError, match=r"^BOT_OCR_TIMEOUT_S is not usable: ocr_timeout_s must be at least 1"):
        load_settings(env={"BOT_OCR_TIMEOUT_S": "0"})


@needs_tesseract
def test_an_upload_reports_ocr_progress_as_pages_done_of_pages(fake_bot, tmp_path) -> None:
    from bot.faces.uploads import Upload, add_uploads

    (tmp_path / "scan.pdf").write_bytes(scanned_pdf([scan(ORCHARD)[0], scan(LIBRARY)[0]]))
    calls: list[tuple[str, int, int, str]] = []
    statuses = add_uploads(fake_bot, [Upload(tmp_path / "scan.pdf", "scan.pdf")], progress=lambda *a: calls.append(a))
    assert statuses[0].ok
    ocr_calls = [c for c in calls if c[0] == "ocr"]
    # read before saving (OCR), then read again by the sync (from the OCR cache): pages done of 2, each time
    assert ocr_calls[:3] == [("ocr", 0, 2, "scan.pdf page 1"), ("ocr", 1, 2, "scan.pdf page 2"), ("ocr", 2, 2, "")]
    assert "Tomas Brandt" in fake_bot.ask("Who planted the oldest pear trees?").text


def test_a_citation_read_by_ocr_says_so_and_warns_when_the_reading_is_doubtful() -> None:
    from dataclasses import replace

    from bot.faces.render import answer_html
    from bot.faces.schema import citation_dict
    from bot.types import Answer, Chunk, Citation

    chunk = Chunk("scan.png", 0, 11, "Hello world", "paragraph", "", 1, ((0, 11),), page=1)
    sure = Citation(1, "scan.png", "Scan", "scan.png", chunk, 0, 11, "Hello world", 1.0,
                    boxes=(WordBox(0, 5, 1, 1, 1, 2, 2, 95.0), WordBox(6, 11, 1, 3, 1, 4, 2, 85.0)))
    doubtful = replace(sure, boxes=(WordBox(0, 5, 1, 1, 1, 2, 2, 95.0), WordBox(6, 11, 1, 3, 1, 4, 2, 40.0)))
    text = replace(sure, boxes=(WordBox(0, 5, 1, 1, 1, 2, 2),))
    assert (sure.ocr_note, doubtful.ocr_note, text.ocr_note) == ("OCR text", "OCR text, low confidence", "")
    assert citation_dict(doubtful)["ocr"] == {"confidence": 67.5, "low": True, "note": "OCR text, low confidence"}
    assert citation_dict(text)["ocr"] is None
    assert citation_dict(sure)["boxes"][1] == {"page": 1, "x0": 3, "y0": 1, "x1": 4, "y1": 2}
    answer = Answer("Hi?", "Hello world [1]", False, 0.9, (doubtful,), (), "Hi?")
    assert '<span class="cb-ocr" title="read from an image by OCR; check it on the page">OCR text, low confidence' \
        in answer_html(answer)


def test_an_image_too_big_to_be_a_page_is_refused_before_it_is_decoded(tmp_path) -> None:
    # A 40,000 × 40,000 PNG header (1.6 billion pixels) with no pixel data: Pillow reads the size and stops.
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)
    (tmp_path / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    with pytest.raises(DocumentError, match=r"^the image has more than 80 million pixels$"):
        read_file(tmp_path / "bomb.png", "bomb.png", limits=limits(tmp_path))


@needs_tesseract
def test_a_multipage_tiff_is_a_document_with_a_page_per_frame(tmp_path) -> None:
    frames = [scan(ORCHARD, seed=11)[0], scan(LIBRARY, seed=12)[0]]
    frames[0].save(tmp_path / "fax.tiff", format="TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200),
                   compression="tiff_deflate")
    doc = read_file(tmp_path / "fax.tiff", "fax.tiff", limits=limits(tmp_path))
    assert len(doc.pages) == 2 and doc.page_at(doc.text.index("Quarry Library")) == 2
    assert word_accuracy(ORCHARD + " " + LIBRARY, doc.text) >= 0.97


@needs_tesseract
def test_a_scanned_page_with_nothing_on_it_is_named_in_the_notes(tmp_path) -> None:
    from PIL import Image

    white = Image.new("L", (1700, 2200), 255)
    (tmp_path / "mixed.pdf").write_bytes(join_pdfs(pdf_bytes(["A text page about tools."]), scanned_pdf([white])))
    doc = read_file(tmp_path / "mixed.pdf", "mixed.pdf", limits=limits(tmp_path))
    assert doc.text.strip() == "A text page about tools." and doc.notes == ("page 2: OCR found no text on it",)
