"""Scanned pages made by the tests themselves: text drawn on a white letter page at 200 dpi with Pillow's
built-in font (no system fonts needed), turned slightly and sprinkled with speckle, as a cheap flatbed scan
looks; saved as PNG, JPEG or an image-only PDF. `scan` also says where each line was drawn (in points from
the page's top-left), so a test can check a highlight against where the words really are, and
`word_accuracy` scores OCR text against the source. Imported by tests and bench/ocr.py, not a fixture file.
"""

from __future__ import annotations

import difflib
import io
import math
import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

DPI = 200
HARBOUR = ("The Harbour Trust was founded in 1911 by Margaret Ellison, a shipping clerk who wanted the old quay "
           "kept open to the public. Its first meeting took place in the back room of the Anchor Inn, where "
           "twelve members agreed to pay one shilling each year. By 1930 the trust owned three warehouses and a "
           "small dry dock, which it rented to boat builders at a fair price. The dry dock closed in 1968 after "
           "a storm broke its gates, and the trust spent four years raising money to repair them. Today the "
           "quay hosts a fish market on Saturdays and a lantern festival every October.")
ORCHARD = ("Pell Orchard grows nine kinds of pear on a south slope above the river. The oldest trees were "
           "planted by Tomas Brandt in 1952 and still crop every second year. Picking starts in the last week "
           "of August with the early Clapp variety, and the Comice pears follow in late September. The orchard "
           "sells its fruit at the gate and sends the bruised pears to a cider maker in Lowfield.")
LIBRARY = ("The Quarry Library lends tools as well as books. Members may borrow a ladder, a drill or a sewing "
           "machine for one week at a time. The library opened its tool room in 2019 after a gift from the "
           "Hillside Builders Guild, and it now holds more than three hundred tools.")


@dataclass(frozen=True)
class Line:
    text: str
    box: tuple[float, float, float, float]  # where it was drawn, in points from the top-left (before turning)


def scan(text: str, angle: float = 0.6, speckle: float = 0.01, seed: int = 1) -> tuple[Image.Image, list[Line]]:
    """A 200-dpi grey letter page showing `text` in 11-point type with one-inch margins."""
    rng = random.Random(seed)
    width, height = int(8.5 * DPI), int(11 * DPI)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=round(11 * DPI / 72))
    lines, y = [], DPI
    for line in textwrap.wrap(" ".join(text.split()), 70):
        left, top, right, bottom = draw.textbbox((DPI, y), line, font=font)
        draw.text((DPI, y), line, fill=0, font=font)
        lines.append(Line(line, tuple(v * 72 / DPI for v in (left, top, right, bottom))))
        y += round(16.5 * DPI / 72)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = image.load()
    for _ in range(int(width * height * speckle)):
        pixels[rng.randrange(width), rng.randrange(height)] = rng.choice((0, 128, 255))
    return image, lines


def turned(x: float, y: float, angle: float) -> tuple[float, float]:
    """Where a point drawn at (x, y) points ends up once `scan` turned the page by `angle` degrees (Pillow
    turns counter-clockwise about the middle of the page, y pointing down)."""
    cx, cy = 8.5 * 72 / 2, 11 * 72 / 2
    a = math.radians(angle)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a)


def save_png(path: Path, text: str, **kwargs: float) -> list[Line]:
    image, lines = scan(text, **kwargs)
    image.save(path, format="PNG", dpi=(DPI, DPI))
    return lines


def save_jpeg(path: Path, text: str, **kwargs: float) -> list[Line]:
    image, lines = scan(text, **kwargs)
    image.save(path, format="JPEG", quality=85, dpi=(DPI, DPI))
    return lines


def scanned_pdf(pages: list[Image.Image]) -> bytes:
    """An image-only PDF (no text layer), one page per image, each page 8.5 × 11 inches."""
    out = io.BytesIO()
    first, *rest = [p.convert("RGB") for p in pages]
    first.save(out, format="PDF", resolution=float(DPI), save_all=True, append_images=rest)
    return out.getvalue()


def join_pdfs(*parts: bytes) -> bytes:
    """One PDF with the pages of each part, in order (a text page and a scanned one make a mixed PDF)."""
    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def words(text: str) -> list[str]:
    stripped = (w.strip(".,;:!?\"'()") for w in text.split())
    return [w.lower() for w in stripped if w]


def word_accuracy(reference: str, ocr_text: str) -> float:
    """The share of the reference's words that OCR read right, in order (difflib's matching blocks)."""
    ref, hyp = words(reference), words(ocr_text)
    matcher = difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(ref)
