"""Odd text survives into passages and matching: encodings, invisible characters, acronyms that look like
stop words, headings as context, unpunctuated lines, copies of one file, and the dry run's embedder."""

import pytest

from bot.assistant import Citebot
from bot.config import BUNDLED_MODEL, Settings
from bot.embed import choose, onnx_export
from bot.embed.choose import embedder_name, make_embedder
from bot.embed.fake import FakeEmbedder
from bot.ingest.chunking import SENTENCE_PIECE, chunk_document, split_sentences
from bot.ingest.decoding import decode
from bot.ingest.readers.html import read_html
from bot.ingest.reading import read_file
from bot.store.folding import fold
from bot.store.lexical import tokenize
from bot.types import Document

GERMAN = "Öffnungszeiten: Mo–Fr 9–17 Uhr. Der Eintritt kostet 8 € („ermäßigt“ 5 €). Café im Erdgeschoss.\n"


@pytest.mark.parametrize(("text", "encoding", "name"), [
    (GERMAN, "cp1252", "Windows-1252"),
    ("Le café d’été coûte 3 € — “très” bon.\n", "cp1252", "Windows-1252"),
    ("Zażółć gęślą jaźń, to jest tekst po polsku, żeby było co czytać.\n", "cp1250", "Windows-1250"),
    ("Привет, это пример русского текста для проверки кодировки.\n", "cp1251", "Windows-1251"),
])
def test_legacy_encodings_are_detected_not_read_as_latin1(text, encoding, name):
    assert decode(text.encode(encoding)) == (text, name)


def test_utf8_and_utf16_with_bom_read_as_before():
    assert decode("﻿Grüße\r\n".encode()) == ("Grüße\n", "")
    assert decode("Grüße".encode("utf-16")) == ("Grüße", "UTF-16")
    assert decode(b"plain ascii") == ("plain ascii", "")


def test_utf8_with_two_stray_bytes_keeps_utf8_and_repairs_only_those():
    raw = "Straße nach Genève und Köln ".encode() + b"\x96 " + "Gebühr ".encode() + b"\x80" + b"5\n"
    assert decode(raw) == ("Straße nach Genève und Köln – Gebühr €5\n",
                           "UTF-8 with 2 invalid bytes read as Windows-1252")


def test_utf8_with_more_stray_bytes_than_good_letters_stays_utf8_when_those_letters_are_western():
    # One good "é" and seven pasted Windows-1252 bytes: read as Windows-1252 the é would become "Ã©".
    raw = "Le café ".encode() + b"\x93soup\x94 \x804.20, chef\x92s special \x96 curry \x96 \x806.50\n"
    assert decode(raw) == ("Le café “soup” €4.20, chef’s special – curry – €6.50\n",
                           "UTF-8 with 7 invalid bytes read as Windows-1252")


def test_windows_1252_whose_bytes_happen_to_form_utf8_stays_windows_1252():
    # "ß“" is DF 93 in Windows-1252, valid UTF-8 for U+07D3 (an NKo letter): no Western text holds that.
    text = "Die „Straße“ ist gesperrt, sagt „Müller“.\n"
    assert decode(text.encode("cp1252")) == (text, "Windows-1252")


def test_the_build_report_names_files_that_were_not_utf8(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hours.txt").write_bytes(GERMAN.encode("cp1252"))
    (docs / "plain.txt").write_text("Plain notes about nothing in particular.\n", encoding="utf-8")
    report = Citebot(Settings(docs_dir=docs, index_dir=tmp_path / "index"), embedder=FakeEmbedder()).open()
    assert str(report).endswith(" Not UTF-8: hours.txt (Windows-1252).")
    assert read_file(docs / "hours.txt", "hours.txt").encoding == "Windows-1252"


def test_fold_removes_what_readers_cannot_see():
    assert fold("in\u00adter\u200bna\u2060tio\ufeffnal") == "international"
    assert fold("ＡＢＣ１２３ ﬁle") == "ABC123 file"
    assert fold("4\u00a0500\u202fkm") == "4 500 km"
    assert tokenize("The ware\u00adhouse re\u200bstock") == tokenize("The warehouse restock")
    assert tokenize("Ｍｏｎｔｈｌｙ ｒｅｐｏｒｔ") == tokenize("monthly report")


def test_capitalised_stop_words_stay_search_terms_when_they_stand_out():
    assert tokenize("Ask IT for the VPN") == ["ask", "it", "vpn"]
    assert tokenize("ask it for the vpn") == ["ask", "vpn"]
    assert tokenize("Which forms do US citizens need?") == ["form", "us", "citizen", "need"]
    assert tokenize("WHERE IS IT NOW") == ["now"]  # an all-capitals line: no word stands out
    assert tokenize("What does IT do?") == ["it"]
    assert tokenize("Gate 5 of 12") == ["gate", "five", "twelv"]  # a single digit is a word too (in words)


def test_headings_are_context_not_passages_unless_there_is_nothing_else():
    doc = Document("a.md", "Guide", "# Guide\n\n## Returns\n\nReturns are free within 30 days.\n\n## Contact\n")
    chunks = chunk_document(doc)
    assert [(c.kind, c.section, c.text) for c in chunks] == [
        ("paragraph", "Returns", "Returns are free within 30 days.")]
    only = chunk_document(Document("h.md", "h", "# Just a heading\n"))
    assert [(c.kind, c.text) for c in only] == [("heading", "# Just a heading")]


def test_an_unpunctuated_list_line_is_cut_at_item_boundaries():
    items = [f"{n}) item number {n} goes to shelf {n * 7}" for n in range(1, 400)]
    text = " ".join(items)
    spans = split_sentences(text)
    assert len(spans) > 20 and max(e - s for s, e in spans) <= SENTENCE_PIECE
    assert all(text[s:e].split(")")[0].isdigit() for s, e in spans)  # each piece starts at an item
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    clauses = ", ".join(f"the {n}th clause of a long run-on thought" for n in range(200))
    assert all(clauses[s:e].startswith("the ") for s, e in split_sentences(clauses))
    prose = "A normal sentence stays whole even when it is fairly long, with commas, clauses and lists. " * 3
    assert len(split_sentences(prose)) == 3


def test_copies_of_one_file_count_once_and_the_citation_names_the_others(tmp_path):
    docs = tmp_path / "docs"
    for folder in ("a", "b", "c"):
        (docs / folder).mkdir(parents=True)
        (docs / folder / "policy.txt").write_text("Travel policy\n\nTaxis are refunded after 22:00 only.\n")
    (docs / "other.txt").write_text("Expenses\n\nTaxis need a receipt for refunds.\n")
    bot = Citebot(Settings(docs_dir=docs, index_dir=tmp_path / "index"), embedder=FakeEmbedder())
    bot.open()
    answer = bot.ask("When are taxis refunded?")
    texts = [h.chunk.text for h in answer.retrieved]
    assert texts.count("Taxis are refunded after 22:00 only.") == 1 and len(texts) == 2
    first = answer.citations[0]
    assert (first.doc_id, first.also_in) == ("a/policy.txt", ("b/policy.txt", "c/policy.txt"))
    from bot.faces.schema import citation_dict

    assert citation_dict(first)["also_in"] == ["b/policy.txt", "c/policy.txt"]


def test_dry_run_names_the_embedder_the_real_run_makes(tmp_path, monkeypatch):
    monkeypatch.setattr(choose, "_reported", set())
    assert embedder_name("fake") == FakeEmbedder().name
    assert embedder_name(BUNDLED_MODEL, "torch", tmp_path) == "sentence-transformers/all-MiniLM-L6-v2"
    folder = onnx_export.export_folder(choose._model_dir(BUNDLED_MODEL), tmp_path)
    folder.mkdir(parents=True)
    (folder / onnx_export.MODEL_FILE).write_bytes(b"")  # an export exists (sessions open lazily)
    assert embedder_name(BUNDLED_MODEL, "auto", tmp_path) == make_embedder(BUNDLED_MODEL, "auto", tmp_path).name
    assert embedder_name(BUNDLED_MODEL, "auto", tmp_path).endswith(f"+onnx-int8-v{onnx_export.EXPORT_VERSION}")
    empty = tmp_path / "nothing-exported"  # the real run would export first: the plan names ONNX all the same
    assert embedder_name(BUNDLED_MODEL, "auto", empty) == embedder_name(BUNDLED_MODEL, "auto", tmp_path)
    assert not empty.exists()  # planning wrote nothing


def test_fold_drops_every_format_character_the_question_normaliser_drops():
    import sys
    import unicodedata

    format_chars = "".join(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf")
    assert fold(f"a{format_chars}b") == "ab"


def test_a_windows_1252_csv_is_decoded_and_reported_too(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_bytes("Stadt,Preis\nKöln,5 €\nDüsseldorf,7 €\n".encode("cp1252"))
    doc = read_file(path, "prices.csv")
    assert (doc.encoding, doc.text) == ("Windows-1252", "| Stadt | Preis |\n|---|---|\n| Köln | 5 € |\n"
                                                        "| Düsseldorf | 7 € |")


def test_html_that_says_utf8_but_is_windows_1252_is_decoded_not_replaced():
    page = '<html><head><meta charset="utf-8"><title>Café</title></head><body><p>Salad “house” €7.80</p>'
    title, text = read_html(page.encode("cp1252"), "menu")
    assert (title, text) == ("Café", "Salad “house” €7.80")
    assert read_html(page.encode("utf-8"), "menu") == ("Café", "Salad “house” €7.80")  # a true UTF-8 page


def test_markdown_front_matter_names_the_title_and_is_left_out(tmp_path):
    path = tmp_path / "travel.md"
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: 'Travel policy'\r\ntags: [a, b]\r\n---\r\n\r\nTrains are booked.\r\n")
    doc = read_file(path, "travel.md")
    assert (doc.title, doc.text) == ("Travel policy", "\nTrains are booked.\n")
    rule = tmp_path / "rule.md"  # a thematic break opening prose is not front matter
    rule.write_text("---\n\nSome text.\n\n---\nMore.\n")
    assert read_file(rule, "rule.md").text == "---\n\nSome text.\n\n---\nMore.\n"
    prose = tmp_path / "prose.md"  # nor is a rule over "Note: …" and a line of prose
    prose.write_text("---\nNote: this page is a draft.\nIt lists the rules.\n---\nMore.\n")
    assert read_file(prose, "prose.md").text.startswith("---\nNote: this page")
