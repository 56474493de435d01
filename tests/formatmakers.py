"""Real files of the office, e-book and e-mail formats, written by each format's own library where it has a
writer: python-pptx, openpyxl, odfpy, the stdlib `csv` and `email`. EPUB (a zip of XHTML with two small XML
files) and RTF (plain text markup) have no well-kept writer, so they are written out by hand to the specs.
Every maker puts the same known facts in a known place, so tests can ask about them and check the citation.
"""

from __future__ import annotations

import csv
import zipfile
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pptx
from odf.namespaces import PRESENTATIONNS
from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
from odf.style import MasterPage, PageLayout
from odf.table import Table, TableCell, TableRow
from odf.text import H, List, ListItem, P
from pptx.util import Inches

PARTS = [["Part", "Warehouse", "Bay", "Quantity"], ["P-044", "York", "A12", 40], ["P-045", "Leeds", "B36", 12],
         ["P-046", "Bristol", "C07", 3]]
SALES = [["Region", "Sales"], ["North", "1.2 million"], ["South", "0.9 million"]]
TRAINS = [["Route", "Departs", "Platform"], ["Leeds to York", "08:15", "4"], ["York to Hull", "09:40", "2B"]]


def write_pptx(path: Path) -> Path:
    """Slide 1 "Quarterly results" (body + notes), slide 2 "Sales" with a table, slide 3 without a title."""
    deck = pptx.Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Quarterly results"
    body = first.placeholders[1].text_frame
    body.text = "Revenue grew by twelve percent in the third quarter."
    body.add_paragraph().text = "Costs fell in every region."
    first.notes_slide.notes_text_frame.text = "Remind the board that the Leeds depot reopens in March."
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Sales"
    table = second.shapes.add_table(len(SALES), 2, Inches(1), Inches(2), Inches(8), Inches(2)).table
    for r, row in enumerate(SALES):
        for c, value in enumerate(row):
            table.cell(r, c).text = str(value)
    third = deck.slides.add_slide(deck.slide_layouts[6])
    box = third.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame
    box.text = "Questions go to the finance office."
    deck.core_properties.title = "Board update"
    deck.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    """Sheet "Summary" (a title row, then a two-column table), sheet "Inventory" with PARTS from row 17."""
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append(["Stock report, spring"])
    summary.append([])
    summary.append(["Depot", "Manager"])
    summary.append(["Leeds", "Ada Brooks"])
    inventory = book.create_sheet("Inventory")
    for i, row in enumerate(PARTS):
        for j, value in enumerate(row):
            inventory.cell(row=17 + i, column=2 + j, value=value)
    inventory["F21"] = "=SUM(E18:E20)"  # saved without a value, as generators do: read as empty
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_epub(path: Path, version: int = 3) -> Path:
    """Three spine items: a cover picture page (no text), "The Harbour" and "The Storm", titled by an EPUB 3
    nav document or (`version=2`) an NCX table of contents."""
    def page(body: str) -> str:
        return ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
                f"<head><title>x</title></head><body>{body}</body></html>")

    files = {
        "mimetype": "application/epub+zip",
        "META-INF/container.xml": (
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>"),
        "OEBPS/book.opf": (
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>'
            "<dc:title>The Lighthouse Keeper</dc:title><dc:language>en</dc:language></metadata><manifest>"
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
            '<item id="cover" href="cover.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="c2" href="text/two%20storm.xhtml" media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="cover"/><itemref idref="c1"/><itemref idref="c2"/></spine></package>'),
        "OEBPS/nav.xhtml": page(
            '<nav xmlns:epub="http://www.idpf.org/2007/ops" epub:type="toc"><ol>'
            '<li><a href="text/one.xhtml">The Harbour</a></li><li><a href="text/two%20storm.xhtml#s">The Storm</a>'
            "</li></ol></nav>"),
        "OEBPS/cover.xhtml": page('<img src="cover.png" alt=""/>'),
        "OEBPS/text/one.xhtml": page("<h1>The Harbour</h1><p>Mara kept the lamp lit for forty years.</p>"),
        "OEBPS/text/two storm.xhtml": page(
            "<h1>The Storm</h1><p>The wind rose at dusk.</p><h2>Rescue</h2>"
            "<p>Mara rowed out to the fishing boat Saltfinch and brought back six sailors.</p>"),
    }
    if version == 2:
        files["OEBPS/book.opf"] = files["OEBPS/book.opf"].replace(
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
            '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>').replace(
            "<spine>", '<spine toc="ncx">')
        del files["OEBPS/nav.xhtml"]
        files["OEBPS/toc.ncx"] = (
            '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>'
            '<navPoint id="a"><navLabel><text>The Harbour</text></navLabel><content src="text/one.xhtml"/>'
            '</navPoint><navPoint id="b"><navLabel><text>The Storm</text></navLabel>'
            '<content src="text/two%20storm.xhtml"/></navPoint></navMap></ncx>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", files.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, text in files.items():
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_odt(path: Path) -> Path:
    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="Garden plan"))
    doc.text.addElement(P(text="Tomatoes need six hours of sun a day."))
    doc.text.addElement(H(outlinelevel=2, text="Beds"))
    items = List()
    for text in ("Bed one holds the basil.", "Bed two holds the beans."):
        item = ListItem()
        item.addElement(P(text=text))
        items.addElement(item)
    doc.text.addElement(items)
    doc.text.addElement(_odf_table("Plants", [["Plant", "Bed"], ["Basil", "B1"], ["Runner beans", "B2"]]))
    doc.save(str(path))
    return path


def write_ods(path: Path) -> Path:
    doc = OpenDocumentSpreadsheet()
    doc.spreadsheet.addElement(_odf_table("Budget", [["Item", "Cost"], ["Seeds", "14"], ["Compost", "30"]]))
    doc.save(str(path))
    return path


def write_odp(path: Path) -> Path:
    from odf.draw import Frame, Page, TextBox
    from odf.presentation import Notes

    doc = OpenDocumentPresentation()
    layout = PageLayout(name="pl")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="m", pagelayoutname=layout)
    doc.masterstyles.addElement(master)
    slides = [("Welcome", "Doors open at nine.", None),
              ("Lunch", "Lunch is served in the atrium.", "Vegan boxes are on the left.")]
    for n, (title, body, notes) in enumerate(slides):
        page = Page(name=f"p{n}", masterpagename=master)
        for cls, text in (("title", title), ("outline", body)):
            frame = Frame(width="20cm", height="3cm", x="1cm", y=f"{1 + 4 * (cls != 'title')}cm")
            frame.setAttrNS(PRESENTATIONNS, "class", cls)
            box = TextBox()
            box.addElement(P(text=text))
            frame.addElement(box)
            page.addElement(frame)
        if notes:
            holder = Notes()
            frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
            frame.setAttrNS(PRESENTATIONNS, "class", "notes")
            box = TextBox()
            box.addElement(P(text=notes))
            frame.addElement(box)
            holder.addElement(frame)
            page.addElement(holder)
        doc.presentation.addElement(page)
    doc.save(str(path))
    return path


def _odf_table(name: str, rows: list[list[str]]) -> Table:
    table = Table(name=name)
    for row in rows:
        element = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            element.addElement(cell)
        table.addElement(element)
    return table


RTF = (r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}{\info{\title Kiln log}}" "\n"
       r"{\pard\b Kiln log\b0\par}" "\n"
       r"{\pard The glaze firing reached 1,240 degrees in caf\'e9 kiln two.\par}" "\n"
       r"\trowd\cellx2000\cellx4000 Firing\cell Peak\cell\row" "\n"
       r"\trowd\cellx2000\cellx4000 Bisque\cell 1,000\cell\row" "\n"
       r"{\pard Next firing: Friday \u8212? weather permitting.\par}" "\n}")


def write_eml(path: Path) -> Path:
    """A message with a plain body, a text attachment, an HTML alternative and a PDF it does not read."""
    message = EmailMessage()
    message["Subject"] = "Office move"
    message["From"] = "Ada Brooks <ada@example.org>"
    message["To"] = "team@example.org"
    message["Date"] = "Tue, 03 Mar 2026 09:15:00 +0000"
    message.set_content("Hello all,\n\nThe York office moves to Canal Street on 14 April.\n\nAda\n")
    message.add_alternative("<p>The York office moves to <b>Canal Street</b> on 14 April.</p>", subtype="html")
    message.add_attachment("Loading bay keys are kept in the blue safe.\n", filename="keys.txt")
    message.add_attachment(b"%PDF-1.4 not really", maintype="application", subtype="pdf", filename="map.pdf")
    path.write_bytes(bytes(message))
    return path
