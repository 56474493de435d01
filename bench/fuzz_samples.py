"""Valid files of every format Citebot reads or is about to read, written from a few paragraphs of text.

Each maker takes paragraphs (the first is the title) and returns the file's bytes; the reader fuzzer
(bench/fuzz_readers.py) damages these and checks the good ones are still answered. PDFs are written by
hand (a classic cross-reference table, or an object stream with a cross-reference stream, so both can be
broken); zip formats use their own library when it is installed (python-docx, python-pptx, openpyxl) or
are assembled part by part (EPUB, ODT). Nothing here reads a file.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from email.message import EmailMessage
from xml.sax.saxutils import escape


def txt(paragraphs: list[str]) -> bytes:
    return "\n\n".join(paragraphs).encode("utf-8")


def md(paragraphs: list[str]) -> bytes:
    return f"# {paragraphs[0]}\n\n" .encode() + "\n\n".join(paragraphs[1:]).encode("utf-8")


def html(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(paragraphs[0])}</title></head>"
            f"<body><nav>Home</nav><main><h1>{escape(paragraphs[0])}</h1>{body}</main></body></html>").encode()


def _pdf_content(lines: list[str]) -> bytes:
    ops = ["BT /F1 11 Tf 72 720 Td 14 TL"]
    for line in lines:
        ops.append("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*")
    return "\n".join([*ops, "ET"]).encode("latin-1", "replace")


def pdf(paragraphs: list[str], object_stream: bool = False) -> bytes:
    """A one-page-per-paragraph PDF with Flate-compressed content; `object_stream` puts the page objects in
    an /ObjStm indexed by a cross-reference stream (PDF 1.5), else a classic xref table."""
    pages = paragraphs[1:] or paragraphs
    n = len(pages)
    # 1 catalog, 2 page tree, 3 font, 4 info, then per page: page object, content stream.
    plain: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
                               3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                               4: b"<< /Title (" + paragraphs[0].encode("latin-1", "replace") + b") >>"}
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n))
    small: dict[int, bytes] = {2: f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode()}
    for i, text in enumerate(pages):
        small[5 + 2 * i] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R"
                            f" >> >> /Contents {6 + 2 * i} 0 R >>").encode()
        stream = zlib.compress(_pdf_content([text[j:j + 80] for j in range(0, len(text), 80)]))
        plain[6 + 2 * i] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, tuple[int, int, int]] = {}  # number → (type, field 2, field 3) of its xref entry
    if not object_stream:
        plain.update(small)
        small = {}
    for number in sorted(plain):
        offsets[number] = (1, out.tell(), 0)
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, plain[number]))
    total = 5 + 2 * n
    if small:
        stm = total  # the object stream's own number
        header, body = [], b""
        for index, number in enumerate(sorted(small)):
            header.append(f"{number} {len(body)}")
            body += small[number] + b"\n"
            offsets[number] = (2, stm, index)
        head = (" ".join(header) + "\n").encode()
        data = zlib.compress(head + body)
        offsets[stm] = (1, out.tell(), 0)
        out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\nstream\n%s\n"
                  b"endstream\nendobj\n" % (stm, len(small), len(head), len(data), data))
        xref_number = stm + 1
        offsets[xref_number] = (1, out.tell(), 0)
        rows = b"".join(bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
                        for t, a, b in (offsets.get(k, (0, 0, 0)) for k in range(xref_number + 1)))
        xref = zlib.compress(rows)
        start = offsets[xref_number][1]
        out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Info 4 0 R /Length %d /Filter "
                  b"/FlateDecode >>\nstream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
                  % (xref_number, xref_number + 1, len(xref), xref, start))
        return out.getvalue()
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % total)
    for number in range(1, total):
        out.write(b"%010d 00000 n \n" % offsets[number][1])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (total, start))
    return out.getvalue()


def pdf_object_stream(paragraphs: list[str]) -> bytes:
    return pdf(paragraphs, object_stream=True)


def docx(paragraphs: list[str]) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(paragraphs[0], style="Title")
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Kind", "Sample"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx(paragraphs: list[str]) -> bytes:
    from pptx import Presentation

    deck = Presentation()
    for text in paragraphs[1:]:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = paragraphs[0]
        slide.placeholders[1].text = text
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def xlsx(paragraphs: list[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = paragraphs[0][:30]
    sheet.append(["Fact"])
    for text in paragraphs[1:]:
        sheet.append([text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(parts: list[tuple[str, str]], stored_first: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, text) in enumerate(parts):
            method = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), text, compress_type=method)
    return out.getvalue()


def epub(paragraphs: list[str]) -> bytes:
    title = escape(paragraphs[0])
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:])
    return _zip([
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:'
         'opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/'
         'oebps-package+xml"/></rootfiles></container>'),
        ("OEBPS/content.opf", f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
         f'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">'
         f'fuzz</dc:identifier><dc:title>{title}</dc:title><dc:language>en</dc:language></metadata><manifest>'
         f'<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref '
         f'idref="c1"/></spine></package>'),
        ("OEBPS/c1.xhtml", f'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
         f'<head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>'),
    ])


def odt(paragraphs: list[str]) -> bytes:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs[1:])
    return _zip([
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
         'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
         'manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path='
         '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'),
        ("content.xml", f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
         f'<office:body><office:text><text:h text:outline-level="1">{escape(paragraphs[0])}</text:h>{body}'
         f'</office:text></office:body></office:document-content>'),
    ])


def eml(paragraphs: list[str]) -> bytes:
    message = EmailMessage()
    message["Subject"] = paragraphs[0]
    message["From"] = "Fuzz <fuzz@example.org>"
    message["To"] = "Reader <reader@example.org>"
    message.set_content("\n\n".join(paragraphs[1:]))
    message.add_alternative(html(paragraphs).decode(), subtype="html")
    return message.as_bytes()


def csv_(paragraphs: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["topic", "fact"])
    for text in paragraphs[1:]:
        writer.writerow([paragraphs[0], text])
    return out.getvalue().encode("utf-8")


def rtf(paragraphs: list[str]) -> bytes:
    def plain(text: str) -> str:
        return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    body = "".join(f"{plain(p)}\\par\n" for p in paragraphs)
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\fs24 " + body + "}").encode("latin-1", "replace")


def png(paragraphs: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=28)
    image = Image.new("L", (1400, 90 + 50 * len(paragraphs)), 255)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(paragraphs):
        draw.text((30, 30 + 50 * i), text[:80], fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
