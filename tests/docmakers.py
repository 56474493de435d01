"""Real files of each supported format, written by the tests themselves (no binary fixtures in the repo).

`pdf_bytes` hand-writes a minimal PDF (catalog, page tree, Helvetica, one content stream per page, a
correct cross-reference table) so text extraction has something real to read; `encrypt_pdf` lets pypdf
protect it; `write_docx` uses python-docx. Imported by the test modules, not a fixture file.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from pypdf import PdfReader, PdfWriter


def pdf_bytes(pages: list[str], title: str | None = None) -> bytes:
    """A PDF whose page i shows `pages[i]`, one text line per '\\n'-separated line."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        ops = ["BT /F1 11 Tf 72 720 Td 14 TL"]
        for line in text.split("\n"):
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        stream = "\n".join([*ops, "ET"]).encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R "
                       f">> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    info = ""
    if title is not None:
        objects.append(f"<< /Title ({title}) >>".encode())
        info = f" /Info {len(objects)} 0 R"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    """`data` protected with RC4 (which pypdf can write without extra packages)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_docx(path: Path, title: str | None = None) -> Path:
    """A Word file with a Title paragraph, two headings, paragraphs, a bulleted item and a table."""
    document = docx.Document()
    if title:
        document.core_properties.title = title
    document.add_paragraph("Orchard Handbook", style="Title")
    document.add_heading("Pruning", level=1)
    document.add_paragraph("Apple trees are pruned in late winter while they are dormant.")
    document.add_paragraph("Remove crossing branches first.", style="List Bullet")
    document.add_heading("Harvest", level=2)
    document.add_paragraph("Pears ripen off the tree, so they are picked while still firm.")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate((("Fruit", "Month"), ("Pear", "September"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(str(path))
    return path


HTML_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Beekeeping basics</title>
<style>body { color: red }</style>
<script>var tracker = "SECRET-SCRIPT-TEXT"; document.write("Injected");</script></head>
<body>
<header><a href="/">Home</a> | Site banner text</header>
<nav><ul><li>Navigation link one</li><li>Navigation link two</li></ul></nav>
<h1>Keeping bees</h1>
<p>A hive holds one queen, who lays up to <b>two thousand</b> eggs a day.</p>
<h2>Equipment</h2>
<ul><li>A smoker calms the colony.</li><li>A veil protects the face.</li></ul>
<aside>Advertisement: buy honey</aside>
<noscript>Please enable JavaScript</noscript>
<footer>Copyright footer text</footer>
</body></html>
"""


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (f'xmlns:w="{_W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"')


def _p(text: str, extra: str = "") -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>{extra}</w:p>"


def _tbl(rows: list[list[str]], bold_first: bool = False) -> str:
    def cell(value: str, bold: bool) -> str:
        if value.startswith("<w:tbl>"):
            return f"<w:tc><w:p/>{value}<w:p/></w:tc>"
        rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
        return f"<w:tc><w:p><w:r>{rpr}<w:t>{value}</w:t></w:r></w:p></w:tc>"
    return "<w:tbl>" + "".join("<w:tr>" + "".join(cell(v, bold_first and r == 0) for v in row) + "</w:tr>"
                               for r, row in enumerate(rows)) + "</w:tbl>"


def write_rich_docx(path: Path) -> Path:
    """A Word file with what python-docx's own text leaves out: a text box written twice (mc:Choice and
    mc:Fallback, as Word does), a bold-header table with a table nested in a cell, a key/value table, and a
    footnote and an endnote referenced from the body."""
    import zipfile

    base = io.BytesIO()
    docx.Document().save(base)
    box = ("<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>"
           + _p("Visitors collect lanyards from desk 9.") + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
           "<mc:Fallback><w:pict><v:textbox><w:txbxContent>" + _p("Visitors collect lanyards from desk 9.")
           + "</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    nested = _tbl([["Gate A", "north car park"], ["Gate B", "cycle racks"]])
    body = (_p("Site guide")
            + _p("The depot opens at 06:00.", box)
            + "<w:p><w:r><w:t>Forklifts are charged overnight.</w:t></w:r>"
              "<w:r><w:footnoteReference w:id=\"2\"/></w:r></w:p>"
            + "<w:p><w:r><w:t>Spill kits sit by every door.</w:t></w:r>"
              "<w:r><w:endnoteReference w:id=\"1\"/></w:r></w:p>"
            + _tbl([["Vehicle", "Driver", "Licence"], ["Van 3", "Ines", "C1-448"], ["Truck 7", "Omar", "C-902"]],
                   bold_first=True)
            + _tbl([["Entrances", nested]])
            + _tbl([["Wi-Fi", "DepotGuest"], ["Password", "amber-4417"]]))
    document = f"<w:document {_NS}><w:body>{body}</w:body></w:document>"

    def notes(kind: str, tag: str, note_id: str, text: str) -> str:
        return (f"<w:{kind} {_NS}><w:{tag} w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p>"
                f"</w:{tag}><w:{tag} w:id=\"{note_id}\">{_p(text)}</w:{tag}></w:{kind}>")
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml."
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = document.encode()
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", (
                    f'<Relationship Id="rIdF" Type="{rel}footnotes" Target="footnotes.xml"/>'
                    f'<Relationship Id="rIdE" Type="{rel}endnotes" Target="endnotes.xml"/></Relationships>').encode())
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    f'<Override PartName="/word/footnotes.xml" ContentType="{ctype}footnotes+xml"/>'
                    f'<Override PartName="/word/endnotes.xml" ContentType="{ctype}endnotes+xml"/></Types>').encode())
            out.writestr(item, data)
        out.writestr("word/footnotes.xml", notes("footnotes", "footnote", "2", "Chargers are on circuit F2."))
        out.writestr("word/endnotes.xml", notes("endnotes", "endnote", "1", "Refill kits from store room 5."))
    return path
