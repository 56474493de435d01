"""Documents with known structure for the fidelity bench: PDF (reportlab), DOCX, HTML and Markdown.

Each document is a list of blocks — headings, paragraphs (real English from the SQuAD 2.0 sample), and
tables with a header row and unique row keys — written out in one format with that format's habits:
PDFs get one or two columns, ragged or justified lines, hyphenation, first-line indents or spaced
paragraphs, running headers and footers with page numbers, and paragraphs and tables that run over
page and column breaks. The truth is the block list itself; nothing here reads documents back.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from html import escape as html_escape
from pathlib import Path
from xml.sax.saxutils import escape

from bench import measure

CITIES = ["Leeds", "Porto", "Oslo", "Lyon", "Graz", "Turku", "Ghent", "Cork", "Bergen", "Brno"]
TABLES = [(["Part", "Warehouse", "Bay"], "P"), (["Item", "Weight", "Supplier"], "I"),
          (["Code", "Owner", "Status"], "C"), (["Route", "Depot", "Driver", "Stops"], "R")]


@dataclass
class Doc:
    """One generated document: its blocks and the layout choices it was written with."""

    name: str
    blocks: list[dict] = field(default_factory=list)  # {"kind": "heading"|"paragraph", "text"} or table
    style: dict = field(default_factory=dict)


def paragraphs(limit: int | None = None) -> list[tuple[str, str]]:
    """(title, text) of SQuAD 2.0 sample paragraphs that the PDF base fonts can draw (Windows-1252)."""
    out = []
    with measure.SQUAD_CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            text = " ".join(row["text"].split())
            try:
                text.encode("cp1252")
            except UnicodeEncodeError:
                continue
            if 150 < len(text) < 1400:
                out.append((row["title"].replace("_", " "), text))
    return out[:limit]


def make_docs(count: int, fmt: str, rng: random.Random, pool: list[tuple[str, str]], keys: list[int]) -> list[Doc]:
    """`count` documents of 2–4 sections, each with 1–4 paragraphs and sometimes a table."""
    docs = []
    for i in range(count):
        picked = rng.sample(pool, 21)
        titles, texts = picked[:5], picked[5:]
        doc = Doc(f"{fmt}-{i:03d}", style={"numbered": rng.random() < 0.5})
        doc.blocks.append({"kind": "heading", "text": f"Field study {i}: {titles[0][0]}"})
        for s in range(rng.randint(2, 4)):
            title = titles[s + 1][0]
            doc.blocks.append({"kind": "heading", "text": f"{s + 1}. {title}" if doc.style["numbered"] else title})
            for _ in range(rng.randint(1, 4)):
                doc.blocks.append({"kind": "paragraph", "text": texts.pop()[1]})
            if rng.random() < 0.4:
                doc.blocks.append(_table(rng, keys))
        docs.append(doc)
    return docs


def _table(rng: random.Random, keys: list[int]) -> dict:
    header, prefix = rng.choice(TABLES)
    rows = []
    for _ in range(rng.randint(3, 12)):
        keys[0] += 1
        values = {"Warehouse": rng.choice(CITIES), "Supplier": rng.choice(CITIES), "Depot": rng.choice(CITIES),
                  "Bay": f"B{rng.randint(1, 60)}", "Weight": f"{rng.randint(1, 90)} kg",
                  "Owner": rng.choice(["Ana", "Bo", "Cem", "Dita", "Eli", "Finn"]),
                  "Status": rng.choice(["open", "closed", "pending"]), "Driver": rng.choice(["Gus", "Hana", "Ivo"]),
                  "Stops": str(rng.randint(3, 40))}
        rows.append([f"{prefix}-{keys[0]}"] + [values[c] for c in header[1:]])
    return {"kind": "table", "header": header, "rows": rows}


def write_pdf(doc: Doc, folder: Path, rng: random.Random) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

    style = doc.style
    style.update(two_columns=rng.random() < 0.4, justify=rng.random() < 0.5, indent=rng.random() < 0.3,
                 hyphenate=rng.random() < 0.7, running=rng.random() < 0.8, size=rng.choice([9, 10, 11]),
                 font=rng.choice(["Helvetica", "Times-Roman"]))
    size, font = style["size"], style["font"]
    bold = "Helvetica-Bold" if font == "Helvetica" else "Times-Bold"
    body = ParagraphStyle("body", fontName=font, fontSize=size, leading=size * 1.25,
                          alignment=TA_JUSTIFY if style["justify"] else TA_LEFT,
                          firstLineIndent=size * 1.5 if style["indent"] else 0,
                          spaceAfter=0 if style["indent"] else size * 0.8,
                          hyphenationLang="en_GB" if style["hyphenate"] else "", embeddedHyphenation=1)
    heading = [ParagraphStyle("h1", fontName=bold, fontSize=size + 6, leading=(size + 6) * 1.2, spaceAfter=8),
               ParagraphStyle("h2", fontName=bold, fontSize=size + 1, leading=(size + 1) * 1.3,
                              spaceBefore=6, spaceAfter=4)]
    cell = ParagraphStyle("cell", fontName=font, fontSize=size - 1, leading=(size - 1) * 1.2)
    story = []
    for n, block in enumerate(doc.blocks):
        if block["kind"] == "heading":
            story.append(Paragraph(escape(block["text"]), heading[min(n, 1)]))
        elif block["kind"] == "paragraph":
            story.append(Paragraph(escape(block["text"]), body))
        else:
            data = [[Paragraph(escape(c), cell) for c in row] for row in [block["header"], *block["rows"]]]
            table = Table(data, repeatRows=1)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
            story += [Spacer(1, 4), table, Spacer(1, 8)]
    width, height = A4
    margin = 60
    path = folder / f"{doc.name}.pdf"
    template = BaseDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                               bottomMargin=margin)
    if style["two_columns"]:
        column = (width - 2 * margin - 18) / 2
        frames = [Frame(margin, margin, column, height - 2 * margin),
                  Frame(margin + column + 18, margin, column, height - 2 * margin)]
    else:
        frames = [Frame(margin, margin, width - 2 * margin, height - 2 * margin)]
    header = f"{doc.name} - {rng.choice(['Internal', 'Draft', 'Confidential'])} report"

    def running(canvas: object, document: object) -> None:
        if style["running"]:
            canvas.saveState()
            canvas.setFont("Helvetica", 8)
            canvas.drawString(margin, height - 35, header)
            canvas.drawRightString(width - margin, 30, f"Page {document.page}" if len(header) % 2 else
                                   str(document.page))
            canvas.restoreState()

    template.addPageTemplates([PageTemplate(frames=frames, onPage=running)])
    template.build(story)
    return path


def write_markdown(doc: Doc, folder: Path) -> Path:
    parts = []
    for n, block in enumerate(doc.blocks):
        if block["kind"] == "heading":
            parts.append(("# " if n == 0 else "## ") + block["text"])
        elif block["kind"] == "paragraph":
            parts.append(block["text"])
        else:
            rows = [block["header"], ["---"] * len(block["header"]), *block["rows"]]
            parts.append("\n".join("| " + " | ".join(r) + " |" for r in rows))
    path = folder / f"{doc.name}.md"
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def write_html(doc: Doc, folder: Path) -> Path:
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>"
             f"{html_escape(doc.blocks[0]['text'])}</title></head><body><main>"]
    for n, block in enumerate(doc.blocks):
        if block["kind"] == "heading":
            tag = "h1" if n == 0 else "h2"
            parts.append(f"<{tag}>{html_escape(block['text'])}</{tag}>")
        elif block["kind"] == "paragraph":
            parts.append(f"<p>{html_escape(block['text'])}</p>")
        else:
            head = "".join(f"<th>{html_escape(c)}</th>" for c in block["header"])
            body = "".join("<tr>" + "".join(f"<td>{html_escape(c)}</td>" for c in r) + "</tr>" for r in block["rows"])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    path = folder / f"{doc.name}.html"
    path.write_text("\n".join(parts) + "</main></body></html>\n", encoding="utf-8")
    return path


def write_docx(doc: Doc, folder: Path) -> Path:
    import docx

    out = docx.Document()
    for n, block in enumerate(doc.blocks):
        if block["kind"] == "heading":
            out.add_heading(block["text"], level=0 if n == 0 else 1)
        elif block["kind"] == "paragraph":
            out.add_paragraph(block["text"])
        else:
            table = out.add_table(rows=0, cols=len(block["header"]))
            for row in [block["header"], *block["rows"]]:
                cells = table.add_row().cells
                for c, value in zip(cells, row, strict=True):
                    c.text = value
    path = folder / f"{doc.name}.docx"
    out.save(str(path))
    return path
