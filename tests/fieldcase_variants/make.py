"""Writes the documents of the field-case variants (tests/fieldcase_variants/*/docs/), byte for byte.

Each variant is another invented document of a kind the shared field cases show (../shared/fieldcases/):
other ligatures, hyphens at page and column breaks, pages turned 270° and 180°, merged and empty table cells,
a BOM with CRLF, Windows-1252 bytes inside UTF-8, zero-width joiners inside words, same-named files three
folders deep, Word text boxes without a fallback copy and tables nested two deep. Binary and byte-exact
files (PDF, DOCX, legacy encodings, BOMs, CR/CRLF, invisible characters) are written here so what they hold
is readable in one place; plain UTF-8 HTML, Markdown and text variants are committed as they are. The output
is committed and the bytes are the same on every run, so tests never run this. Run it from the repository
root after changing a document: `python tests/fieldcase_variants/make.py`. It needs reportlab, pypdf and
python-docx (requirements-dev.txt / requirements.txt) and Debian's DejaVu font (fonts-dejavu-core).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import docx
from pypdf import PdfReader, PdfWriter
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

HERE = Path(__file__).resolve().parent
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # has the U+FB00–FB06 ligature glyphs
WIDTH, HEIGHT = A4


def _docs(case: str) -> Path:
    folder = HERE / case / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _lines(canvas: Canvas, lines: list[str], x: float = 72, top: float = HEIGHT - 90, leading: float = 15,
           font: str = "Helvetica", size: float = 11) -> None:
    canvas.setFont(font, size)
    for n, line in enumerate(lines):
        canvas.drawString(x, top - n * leading, line)


def _canvas_pdf(path: Path, pages: list[Callable[[Canvas], None]], rotate: dict[int, int] | None = None,
                landscape: frozenset[int] = frozenset()) -> None:
    """A PDF whose page i is drawn by `pages[i]`; `rotate` sets /Rotate on pages (as a scanner or a
    'rotate page' command does), `landscape` draws those pages on a landscape sheet."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    for n, draw in enumerate(pages):
        canvas.setPageSize((HEIGHT, WIDTH) if n in landscape else A4)
        draw(canvas)
        canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    for n, degrees in (rotate or {}).items():
        writer.pages[n].rotate(degrees)
    with path.open("wb") as handle:
        writer.write(handle)


def ligatures() -> None:
    """ﬀ ﬃ ﬄ ﬆ ﬅ (not only ﬁ ﬂ) in the text layer, in a heading and in body lines, as a typesetter leaves them."""
    pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))

    def page(canvas: Canvas) -> None:
        _lines(canvas, ["Oﬃce Logistics Review"], font="DejaVu", size=16, top=HEIGHT - 72)
        _lines(canvas, [
            "The staﬀ canteen now serves a ﬁxed lunch menu on weekdays.",
            "Oﬀ-site backups are taken every night at 02:00 by the storage team.",
            "Eﬀective from May, the shuﬄe bus to the car park runs every twenty minutes.",
            "The ﬆandard delivery window for stationery is three working days.",
            "The eﬃciency bonus is paid to all staﬀ in December.",
            "Aﬄuent donors funded the new ﬁtness room on the ground ﬂoor.",
            "The ﬅatue in the lobby was cleaned in April.",
        ], font="DejaVu")
    _canvas_pdf(_docs("01-pdf-ligatures-ff-ffi-st") / "logistics.pdf", [page])


def hyphen_breaks() -> None:
    """Words hyphenated at the foot of a page (a running footer and header between the halves) and at the
    foot of the left column of a two-column page, and a real compound hyphen at a column end."""
    header = "Northwind Depot - quarterly report"

    def running(canvas: Canvas, number: int) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, HEIGHT - 40, header)
        canvas.drawRightString(WIDTH - 72, 30, f"Page {number}")

    def first(canvas: Canvas) -> None:
        running(canvas, 1)
        _lines(canvas, ["Stock and Dispatch"], font="Helvetica-Bold", size=15, top=HEIGHT - 80)
        body = ["The depot counted every pallet twice during the quarter, once in the",
                "first week and once in the last, and the counts agreed on all but nine",
                "lines of stock.", "",
                "Most of the difference came from returns that were booked late by the",
                "customer desk. After the second count the warehouse team completed the recon-"]
        # the lines run down to the foot of the page, so the hyphen sits just above the page number
        _lines(canvas, body, top=110 + 15 * (len(body) - 1))

    def second(canvas: Canvas) -> None:
        running(canvas, 2)
        _lines(canvas, ["ciliation of all stock counts in the first week of May, two weeks early."],
               top=HEIGHT - 80)
        left = ["The dispatch office replaced its",
                "paper pick lists in February. The",
                "new dispatch soft-"]
        right = ["ware reduced picking errors by a",
                 "third within six weeks. Drivers",
                 "now plan cross-",
                 "border shipments a day ahead."]
        _lines(canvas, left, x=72, top=HEIGHT - 130, size=10, leading=13)
        _lines(canvas, right, x=WIDTH / 2 + 10, top=HEIGHT - 130, size=10, leading=13)
    _canvas_pdf(_docs("02-pdf-hyphenation-page-column") / "depot-report.pdf", [first, second])


def rotated() -> None:
    """A page turned with /Rotate 270, a landscape sheet turned with /Rotate 180 (upside down), and a table
    typeset reading top-to-bottom (text rotated -90°) on a portrait page."""
    def normal(canvas: Canvas) -> None:
        _lines(canvas, ["Calibration Log"], font="Helvetica-Bold", size=16, top=HEIGHT - 72)
        _lines(canvas, ["The bench scales are calibrated every Monday by the lab technician."])

    def sideways_table(canvas: Canvas) -> None:
        canvas.saveState()
        canvas.translate(90, HEIGHT - 80)
        canvas.rotate(-90)
        _lines(canvas, ["Instrument tolerances",
                        "The thermometer tolerance is 0.2 degrees at room temperature.",
                        "The pipette tolerance is 1.5 percent of the set volume."], x=0, top=0, leading=18)
        canvas.restoreState()

    def turned(canvas: Canvas) -> None:
        _lines(canvas, ["Sign-off", "The calibration records were signed off by Tomas Reyes in March."],
               top=WIDTH - 80)

    def upside_down(canvas: Canvas) -> None:
        _lines(canvas, ["Storage", "Spare temperature probes are stored in cabinet 12 of the cold room."],
               top=WIDTH - 80)
    _canvas_pdf(_docs("15-pdf-rotated-270-180") / "calibration.pdf", [normal, sideways_table, turned, upside_down],
                rotate={2: 270, 3: 180}, landscape=frozenset({2, 3}))


def wrapped_columns() -> None:
    """A two-column justified page: sentences wrap over several lines and one runs from the foot of the
    left column to the head of the right one; a title spans both columns."""
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=10, leading=12.5, alignment=TA_JUSTIFY,
                          spaceAfter=8)
    texts = [
        "The harbour office is staffed from six in the morning until ten at night on every day of the week, "
        "and outside those hours calls are forwarded to the coastguard station at Pellan Point.",
        "Every vessel longer than twelve metres must report its arrival to the harbour master at least two "
        "hours before entering the outer channel, giving its name, draught and cargo.",
        "Fuel is sold at the north quay pump, which takes cards only and is closed on public holidays.",
        "Berths on the visitor pontoon are allocated on arrival and cannot be booked in advance, although "
        "groups of more than five boats may write to the office a week ahead.",
        "Waste oil must be taken to the collection tank beside the slipway, where the attendant records the "
        "volume and the vessel name in the waste register before it is accepted.",
        "Anchoring is forbidden in the approach channel and within two hundred metres of the lifeboat station, "
        "and boats that drag their anchor in the outer harbour must move to a mooring buoy.",
        "During the regatta week in August the inner basin is closed to all visiting vessels, and the harbour "
        "office opens an hour earlier to handle the extra traffic on the quay.",
    ]
    path = _docs("22-pdf-wrapped-two-columns") / "harbour-guide.pdf"
    margin, gap = 60, 18
    column = (WIDTH - 2 * margin - gap) / 2
    height = 330  # short columns, so text flows from the left column into the right one mid-paragraph
    frames = [Frame(margin, HEIGHT - margin - height, column, height, id="left"),
              Frame(margin + column + gap, HEIGHT - margin - height, column, height, id="right")]

    def title(canvas: Canvas, _document: object) -> None:
        canvas.setFont("Helvetica-Bold", 16)
        canvas.drawString(margin, HEIGHT - 45, "Harbour Guide for Visiting Crews")
    template = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    template.addPageTemplates([PageTemplate(frames=frames, onPage=title)])
    template.build([Paragraph(t, body) for t in texts])


def encodings() -> None:
    """A UTF-8 note with a handful of good accented letters and more Windows-1252 bytes pasted in (smart
    quotes, €, an en dash); a Latin-1 file with accents only (no byte that only Windows-1252 uses)."""
    folder = _docs("05-txt-cp1252-in-utf8")
    mixed = ("Canteen price list\n\nThe caf\u00e9 menu changes on Mondays.\n\n".encode()
             + b"The \x93daily soup\x94 costs \x804.20 and comes with bread.\n\n"
             + b"The chef\x92s special \x96 a vegetable curry \x96 costs \x806.50.\n\n"
             + b"Coffee is free for staff before 8 am.\n")
    (folder / "canteen.txt").write_bytes(mixed)
    latin1 = ("Trade fair notes\n\nThe spring trade fair is held in K\u00f6ln at the Messe halls.\n\n"
              "Our stand is run by Ren\u00e9e Fa\u00dfbender and two colleagues.\n\n"
              "Brochures are printed in M\u00fcnster the week before.\n").encode("latin-1")
    (folder / "fair.txt").write_bytes(latin1)


def bom_crlf() -> None:
    """UTF-8 with BOM *and* CRLF line endings: Markdown whose first line is a heading, and a plain text file."""
    folder = _docs("08-bom-with-crlf")
    md = "# Lab safety\n\nGoggles must be worn at every bench.\n\n## Spills\n\nAcid spills are covered with " \
         "the yellow neutraliser powder.\n\n## Waste\n\nSharps go in the red tub by the sink.\n"
    (folder / "safety.md").write_bytes(b"\xef\xbb\xbf" + md.replace("\n", "\r\n").encode())
    txt = "Key register\n\nThe master key is kept in the safe in room 104.\n\nSpare keys are signed out at the " \
          "front desk.\n"
    (folder / "keys.txt").write_bytes(b"\xef\xbb\xbf" + txt.replace("\n", "\r\n").encode())


def line_endings() -> None:
    """Old-Mac CR-only line endings, a file mixing CRLF and LF, and CRLF Markdown with list items."""
    folder = _docs("09-cr-and-mixed-line-endings")
    cr = ("Boiler room\n\nThe boiler is serviced every October by Hearth & Co.\nThe pressure should read "
          "between 1 and 1.5 bar.\n\nThe stopcock is under the stairs next to the meter cupboard.\n")
    (folder / "boiler.txt").write_bytes(cr.replace("\n", "\r").encode())
    mixed = ("Garden rota\r\n\r\nThe lawn is mown on Wednesdays.\nHedges are trimmed twice a year.\r\n\r\n"
             "The compost heap is turned by the volunteers on the last Saturday of each month.\r\n")
    (folder / "garden.txt").write_bytes(mixed.encode())
    md = ("# Printer guide\n\nThe printers are on every floor.\n\n## Toner\n\n- Toner is ordered by the office "
          "manager.\n- Empty cartridges go back in their box for collection.\n\n## Jams\n\nA paper jam is "
          "cleared by opening the side panel, never the front.\n")
    (folder / "printers.md").write_bytes(md.replace("\n", "\r\n").encode())


def invisible() -> None:
    """Zero-width joiners and non-joiners inside words, a word joiner and a stray U+FEFF inside a name,
    left-to-right marks, a narrow no-break space and a figure space, as pasted text brings them."""
    folder = _docs("10-invisible-zwj-wj-marks")
    text = ("Depot notes\n\n"
            "The ware\u200dhouse inspection passed on Wednesday.\n\n"
            "The office inspection passed on Friday.\n\n"
            "The dis\u200cpatch deadline is 4\u202fpm on weekdays.\n\n"
            "The Os\u2060wald contract ends in March.\n\n"
            "The Brannock contract ends in June.\n\n"
            "The Tel\ufeffford account is managed by Amara.\n\n"
            "The Kingsley account is managed by Joel.\n\n"
            "\u200eOrder\u2007number 5521 was shipped from Gdansk.\u200e\n\n"
            "Order number 5520 was shipped from Riga.\n")
    (folder / "depot.txt").write_text(text, encoding="utf-8")


def nested_same_names() -> None:
    """The same file name three folders deep under two parents, and again at the top."""
    root = _docs("12-same-name-three-deep")
    for site, day, room in (("north", "Tuesday", "the loading bay"), ("south", "Thursday", "the car park")):
        folder = root / site / "site" / "safety"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "drill.md").write_text(f"# {site.title()} site fire drill\n\nThe {site} site's fire drill is "
                                         f"on {day}. Staff gather at {room}.\n", encoding="utf-8")
    (root / "drill.md").write_text("# Fire drills\n\nEvery site holds one fire drill each quarter.\n",
                                   encoding="utf-8")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (f'xmlns:w="{_W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"')


def _p(text: str, extra: str = "") -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>{extra}</w:p>"


def _tc(content: str, props: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}{content}</w:tc>"


def _tr(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def word_boxes_tables() -> None:
    """A text box written only as VML (Word 2007), one only as DrawingML (no fallback), one inside a table
    cell; a table nested two deep; cells merged across (gridSpan) and down (vMerge), and an empty cell."""
    vml_box = ("<w:r><w:pict><v:shape><v:textbox><w:txbxContent>" + _p("The first-aid room is on floor 3.")
               + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    dml_box = ("<w:r><w:drawing><wp:anchor><a:graphic><a:graphicData "
               "uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:wsp><wps:txbx>"
               "<w:txbxContent>" + _p("The security desk can be reached on extension 5150.")
               + "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>")
    cell_box = ("<w:r><w:pict><v:shape><v:textbox><w:txbxContent>" + _p("Returns are collected at 15:00.")
                + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    deepest = "<w:tbl>" + _tr(_tc(_p("Mileage code")), _tc(_p("MLG-31"))) + "</w:tbl>"
    middle = "<w:tbl>" + _tr(_tc(_p("Travel")), _tc("<w:p/>" + deepest + "<w:p/>")) + "</w:tbl>"
    codes = "<w:tbl>" + _tr(_tc(_p("Budget codes")), _tc("<w:p/>" + middle + "<w:p/>")) + "</w:tbl>"
    bold = "<w:rPr><w:b/></w:rPr>"

    def head(text: str) -> str:
        return _tc(f"<w:p><w:r>{bold}<w:t>{text}</w:t></w:r></w:p>")
    rota = ("<w:tbl>" + _tr(head("Team"), head("Day"), head("Lead"))
            + _tr(_tc(_p("Packing"), "<w:vMerge w:val=\"restart\"/>"), _tc(_p("Monday")), _tc(_p("Hana")))
            + _tr(_tc("<w:p/>", "<w:vMerge/>"), _tc(_p("Tuesday")), _tc(_p("Viktor")))
            + _tr(_tc(_p("Loading")), _tc(_p("closed for stocktake"), "<w:gridSpan w:val=\"2\"/>"))
            + _tr(_tc(_p("Returns")), _tc(_p("Friday")), _tc("<w:p/>"))
            + "</w:tbl>")
    post = "<w:tbl>" + _tr(_tc(_p("Post room")), _tc(_p("Ground floor") + _p("", cell_box))) + "</w:tbl>"
    body = (_p("Warehouse handbook") + _p("Read this before your first shift.", vml_box)
            + _p("Lockers are emptied every Sunday night.", dml_box) + rota + codes + post
            + _p("Hi-vis vests are worn in all loading areas."))
    _write_docx(_docs("14-docx-vml-box-deep-tables") / "warehouse.docx", body)


def _write_docx(path: Path, body: str) -> None:
    """A Word file whose body is `body` (WordprocessingML), on python-docx's blank document's parts."""
    base = io.BytesIO()
    blank = docx.Document()
    blank.core_properties.created = blank.core_properties.modified = datetime(2026, 1, 1, tzinfo=UTC)
    blank.save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = f"<w:document {_NS}><w:body>{body}</w:body></w:document>".encode()
            # a fixed date, and fixed core properties below, so rerunning this changes no committed byte
            out.writestr(zipfile.ZipInfo(item.filename, (2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def word_invisible_marks() -> None:
    """Word's own forms of invisible and special characters: <w:softHyphen/> inside a word,
    <w:noBreakHyphen/> in a hyphenated word, a word split over runs, a zero-width space in a name."""
    def runs(*parts: str) -> str:
        return "<w:p>" + "".join(p if p.startswith("<w:") and not p.startswith("<w:t") else
                                 f"<w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r>" for p in parts) + "</w:p>"
    soft, hard = "<w:r><w:softHyphen/></w:r>", "<w:r><w:noBreakHyphen/></w:r>"
    body = (runs("Release notes")
            + runs("The inter", soft, "oper", soft, "ability tests passed on Tuesday after two retries.")
            + runs("The load tests passed on Monday without retries.")
            + runs("Invoices are sent by e", hard, "mail to the accounts team every Friday.")
            + runs("Invoices are printed by the post room on request.")
            + runs("The price", hard, "determining factors are freight rates and fuel costs.")
            + runs("The Mar", "low ", "account is managed by Priya.")
            + runs("The Fen\u200bwick account is managed by Tomas."))
    _write_docx(_docs("10-docx-soft-and-nobreak-hyphens") / "notes.docx", body)


def word_controls_and_boxes() -> None:
    """Rows wrapped in content controls (a repeating section, w:sdt around w:tr), a table inside a text box,
    a text box inside a text box, and a cell whose text sits in a content control."""
    def sdt(content: str) -> str:
        return f"<w:sdt><w:sdtPr/><w:sdtContent>{content}</w:sdtContent></w:sdt>"
    bold = "<w:rPr><w:b/></w:rPr>"

    def head(text: str) -> str:
        return _tc(f"<w:p><w:r>{bold}<w:t>{text}</w:t></w:r></w:p>")
    rooms = ("<w:tbl>" + _tr(head("Room"), head("Owner"), head("Seats"))
             + sdt(_tr(_tc(_p("Lark")), _tc(_p("Finance")), _tc(_p("8"))))
             + sdt(_tr(_tc(_p("Wren")), _tc(_p("Legal")), _tc(_p("14"))))
             + _tr(_tc(_p("Heron")), _tc(sdt(_p("Design"))), _tc(_p("6"))) + "</w:tbl>")
    inner_box = ("<w:r><w:pict><v:shape><v:textbox><w:txbxContent>" + _p("Night calls go to the duty manager.")
                 + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    box_table = ("<w:tbl>" + _tr(_tc(_p("Wi-Fi network")), _tc(_p("GuestNet")))
                 + _tr(_tc(_p("Wi-Fi code")), _tc(_p("plover-82"))) + "</w:tbl>")
    outer_box = ("<w:r><w:pict><v:shape><v:textbox><w:txbxContent>" + _p("Front desk", inner_box) + box_table
                 + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    body = (_p("Office guide") + _p("Meeting rooms are booked through the front desk.", outer_box) + rooms
            + _p("The kitchen is cleaned every evening."))
    _write_docx(_docs("14-docx-content-controls-box-in-box") / "office.docx", body)


def page_break_sentence() -> None:
    """One column, first-line indents and no space between paragraphs, running header and footer, and a
    sentence that runs from the foot of page 1 to the head of page 2."""
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=11, leading=14, firstLineIndent=16,
                          alignment=TA_JUSTIFY)
    filler = ("The archive reading room is open to members of the public on weekdays, and every visitor signs "
              "the register at the desk before any boxes are brought up from the stacks. ")
    texts = [filler * 3, filler * 4,
             "Photographs may be taken without flash for private study, but the archivist must approve any "
             "copy that is meant for publication, and a fee of twelve pounds is charged for each image that "
             "appears in a printed book or on a commercial website.", filler * 2,
             "Fragile maps are handled only with cotton gloves, which the desk lends to every visitor free of "
             "charge, and they are read on the large table by the north window.", filler * 3]
    path = _docs("22-pdf-sentence-over-page-break") / "archive-rules.pdf"

    def running(canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, HEIGHT - 40, "County Archive - reading room rules")
        canvas.drawRightString(WIDTH - 72, 30, str(document.page))
    # a short frame, so the third paragraph's photograph sentence falls across the page break
    template = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    template.addPageTemplates([PageTemplate(frames=[Frame(72, HEIGHT - 72 - 222, WIDTH - 144, 222)],
                                            onPage=running)])
    template.build([Paragraph(t.strip(), body) for t in texts])


def declared_wrongly() -> None:
    """HTML saved as Windows-1252 under a template's `<meta charset="utf-8">`, and one that declares nothing."""
    folder = _docs("05-html-declared-utf8-but-cp1252")
    (folder / "menu.html").write_bytes(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Café menu</title></head>\n<body><main>\n"
        "<h1>Café menu</h1>\n<p>The “house salad” costs €7.80 and is served until 3 pm.</p>\n"
        "<p>The crème brûlée – our best seller – costs €4.50.</p>\n"
        "<p>Tap water is free; sparkling water costs €2.</p>\n</main></body></html>\n".encode("cp1252"))
    (folder / "hours.htm").write_bytes(
        "<html><head><title>Opening hours</title></head><body>\n<p>The Grünwald shop opens at 9:00 – "
        "except on Sundays.</p>\n<p>The shop’s repair desk closes at 16:30.</p>\n</body></html>\n".encode("cp1252"))


def bom_front_matter() -> None:
    """BOM and CRLF on Markdown that opens with YAML front matter (Obsidian, Jekyll, Hugo), and an Excel
    "CSV UTF-8" file (BOM, CRLF)."""
    folder = _docs("08-bom-front-matter-csv")
    md = ("---\ntitle: Travel policy\nauthor: HR\ntags: [policy, travel]\n---\n\n# Travel policy\n\n"
          "Train travel is booked in standard class.\n\n## Hotels\n\nHotel stays are capped at 140 pounds a night.\n")
    (folder / "travel.md").write_bytes(b"\xef\xbb\xbf" + md.replace("\n", "\r\n").encode())
    csv = "Site,Manager,Phone\nLeeds,Asha Patel,0113 555 0101\nYork,Ben Ortiz,01904 555 0199\n"
    (folder / "sites.csv").write_bytes(b"\xef\xbb\xbf" + csv.replace("\n", "\r\n").encode())


def hard_wrapped_crlf() -> None:
    """A plain-text export (an e-mail, a terminal capture) hard-wrapped at 60 columns with CRLF: sentences
    run over line ends, and paragraphs are separated by blank lines."""
    import textwrap

    paragraphs = [
        "Minutes of the site committee",
        "The committee agreed that the east gate will be closed to delivery lorries from the first of June, "
        "because the new housing estate has made the lane too narrow for them to turn safely.",
        "All deliveries will use the west gate, where the security guard checks every driver's booking "
        "reference against the list sent by the goods-in office the evening before.",
        "The next meeting is on the twelfth of July in the training room above the canteen.",
    ]
    text = "\r\n\r\n".join("\r\n".join(textwrap.wrap(p, 60)) for p in paragraphs) + "\r\n"
    (_docs("09-crlf-hard-wrapped-text") / "minutes.txt").write_bytes(text.encode())


def ligature_at_line_end() -> None:
    """Ligatures next to a line-end hyphen ("of-/ﬁce", "ef-/ﬁcient", "traf-/ﬁc") and inside a heading of a
    page turned with /Rotate 90."""
    pdfmetrics.registerFont(TTFont("DejaVu", DEJAVU))

    def page(canvas: Canvas) -> None:
        _lines(canvas, ["Depot Oﬃce Notes"], font="DejaVu", size=16, top=WIDTH - 60)
        _lines(canvas, [
            "The depot's new booking system is the most ef-",
            "ﬁcient one we have tried, and it sends every driver a slot time by text message.",
            "Visitors must report to the ground-ﬂoor of-",
            "ﬁce next to the weighbridge before they enter the yard.",
            "During the morning peak, traf-",
            "ﬁc is directed to the overﬂow car park behind the workshop.",
        ], font="DejaVu", top=WIDTH - 90)
    _canvas_pdf(_docs("01-pdf-ligatures-hyphen-rotated") / "depot-notes.pdf", [page], rotate={0: 90},
                landscape=frozenset({0}))


def word_layout_table() -> None:
    """A newsletter laid out in a one-row, two-column Word table: each cell a heading and paragraphs."""
    document = docx.Document()
    document.core_properties.created = document.core_properties.modified = datetime(2026, 1, 1, tzinfo=UTC)
    document.add_heading("School newsletter", 0)
    table = document.add_table(rows=1, cols=2)
    columns = {"Sports day": ["Sports day is on the 14th of June on the upper field, and parents are welcome "
                              "from 1 pm.", "The egg and spoon race starts at 2 pm sharp, and the relay closes "
                              "the afternoon."],
               "Library": ["The library is open every lunchtime except Fridays, when the shelves are tidied.",
                           "Overdue books are charged at ten pence a day."]}
    for cell, (heading, paragraphs) in zip(table.rows[0].cells, columns.items(), strict=True):
        cell.paragraphs[0].text = heading
        cell.paragraphs[0].style = document.styles["Heading 2"]
        for text in paragraphs:
            cell.add_paragraph(text)
    document.add_paragraph("The office is closed on the last Friday of term.")
    base = io.BytesIO()
    document.save(base)
    path = _docs("14-docx-layout-table") / "newsletter.docx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            out.writestr(zipfile.ZipInfo(item.filename, (2026, 1, 1, 0, 0, 0)), source.read(item.filename),
                         zipfile.ZIP_DEFLATED)


def main() -> None:
    """Write every variant's generated documents."""
    for write in (ligatures, hyphen_breaks, rotated, wrapped_columns, encodings, bom_crlf, line_endings, invisible,
                  nested_same_names, word_boxes_tables, word_invisible_marks, word_controls_and_boxes,
                  page_break_sentence, declared_wrongly, bom_front_matter, hard_wrapped_crlf,
                  ligature_at_line_end, word_layout_table):
        write()


if __name__ == "__main__":
    main()
