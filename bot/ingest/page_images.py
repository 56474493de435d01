"""Pages as images: a PDF's pages rendered by PDFium (pypdfium2), an image file's frames decoded by Pillow.

Both parse untrusted files, so they run in a bounded child (`python -m bot.ingest.page_images`, started by
`render_in_child` through `sandbox.run_module`): the child caps its own memory before importing either
library, writes one grayscale PNG per page into a folder the parent gives, and prints JSON naming each
PNG with the SHA-256 of its pixels (what the OCR cache is keyed by) and the page's size in PDF points.
An image file is shown at `dpi` but OCR'd at its own resolution.
`clean=True` removes speckle with a 3×3 median filter first, for OCR: on speckled 200-dpi scans it took word
accuracy from 0.87 to 0.99 (bench/ocr.py). A page already in the OCR cache is hashed but not written.
Not here: OCR itself (`ocr`), the cache (`ocr_cache`), building documents (`scanned`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DocumentError
from bot.ingest.ocr_cache import OcrCache, cache_key
from bot.ingest.sandbox import limit_memory, run_module

MAX_PIXELS = 80_000_000  # a 300-dpi A0 poster; a bigger "image" is a decompression bomb, not a page
IMAGE_DPI_RANGE = (100, 1200)  # an image's own dpi is believed only in this range (phones write 72)
_WHAT = {"pdf": "PDF", "image": "image"}


@dataclass(frozen=True)
class PageImage:
    page: int  # 1-based
    png: Path | None  # None: the page is in the OCR cache, so it was not written
    pixels_sha256: str
    width_pt: float
    height_pt: float
    dpi: int  # 0 when an image file does not say (sizes are then in pixels: 1 px = 1 pt)


def render_in_child(path: Path, kind: str, pages: list[int], dpi: int, out_dir: Path, clean: bool,
                    seconds: float, memory_mb: int, cached: tuple[Path, str] | None = None) -> list[PageImage]:
    """Pages `pages` (1-based; [] = every frame of an image) of the file as PNGs in `out_dir`. With `cached`
    (an OCR cache folder and the OCR engine), a page already in that cache gets no PNG (`png` is None)."""
    folder, engine = cached if cached is not None else (None, "")
    args = [kind, str(path.absolute()), ",".join(map(str, pages)), str(dpi), str(out_dir.absolute()),
            "1" if clean else "0", str(folder.absolute()) if folder else "", engine, str(memory_mb)]
    result = run_module("bot.ingest.page_images", args, _WHAT[kind], seconds, memory_mb)
    return [PageImage(int(p["page"]), Path(p["png"]) if p["png"] else None, str(p["sha256"]), float(p["width_pt"]),
                      float(p["height_pt"]), int(p["dpi"])) for p in result["pages"]]


def _pdf_pages(path: Path, pages: list[int], dpi: int, native: bool) -> list[tuple[int, object, int]]:
    import pypdfium2 as pdfium  # only in the child, under its memory cap

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as err:
        raise DocumentError(f"the PDF could not be rendered ({err})") from err
    out = []
    for number in pages:
        if not 1 <= number <= len(pdf):
            raise DocumentError(f"the PDF has no page {number}")
        page = pdf[number - 1]
        page_dpi = min(dpi, _scan_dpi(page, pdfium)) if native else dpi
        bitmap = page.render(scale=page_dpi / 72, grayscale=True)
        out.append((number, bitmap.to_pil(), page_dpi))
    return out


def _scan_dpi(page: object, pdfium: object) -> int:
    """The resolution of the scan a page is made of (an image covering most of it), at least 150; 10,000 for
    a page that is not one. Rendering a 200-dpi scan at 300 dpi adds nothing but time for OCR (2.2× the
    pixels)."""
    width, height = page.get_size()
    for image in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        left, bottom, right, top = image.get_bounds()
        if (right - left) * (top - bottom) >= 0.8 * width * height:
            pixels = max(image.get_px_size()[0] / max(right - left, 1), image.get_px_size()[1] / max(top - bottom, 1))
            return max(150, round(pixels * 72))
    return 10_000


def _image_pages(path: Path) -> list[tuple[int, object, int]]:
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2  # Pillow refuses twice this: MAX_PIXELS
    try:
        image = Image.open(path)
        out = []
        for number, frame in enumerate(ImageSequence.Iterator(image), 1):
            dpi = round(float(frame.info.get("dpi", (0, 0))[0] or 0))
            dpi = dpi if IMAGE_DPI_RANGE[0] <= dpi <= IMAGE_DPI_RANGE[1] else 0
            out.append((number, ImageOps.exif_transpose(frame).convert("L"), dpi))
    except Image.DecompressionBombError as err:
        raise DocumentError(f"the image has more than {MAX_PIXELS // 1_000_000} million pixels") from err
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as err:
        raise DocumentError("the image is damaged or not in the format its name says; save it again") from err
    return out


def _child(kind: str, path: str, pages: str, dpi: str, out_dir: str, clean: str, cache_dir: str,
           engine: str) -> dict[str, object]:
    from PIL import Image, ImageFilter

    numbers = [int(p) for p in pages.split(",") if p]
    found = _pdf_pages(Path(path), numbers, int(dpi), clean == "1") if kind == "pdf" else _image_pages(Path(path))
    written = []
    for number, image, page_dpi in found:
        digest = hashlib.sha256(f"{image.mode} {image.size}\0".encode() + image.tobytes()).hexdigest()
        points = 72 / (page_dpi or 72)
        size = {"width_pt": image.width * points, "height_pt": image.height * points}
        if cache_dir and OcrCache(Path(cache_dir)).has(cache_key(digest, engine, page_dpi)):
            written.append({"page": number, "png": "", "sha256": digest, **size, "dpi": page_dpi})
            continue  # filtering and writing a 300-dpi page costs more than rendering it
        if clean == "1":
            image = image.filter(ImageFilter.MedianFilter(3))
        elif kind == "image":  # for the eye: an image file at `dpi` (a photo without one, at most 1,600 px wide)
            shrink = int(dpi) / page_dpi if page_dpi else 1600 / image.width
            if shrink < 1:
                image = image.resize((round(image.width * shrink), round(image.height * shrink)),
                                     Image.Resampling.LANCZOS)
        png = Path(out_dir) / f"page-{number}.png"
        image.save(png, format="PNG", compress_level=1)  # read once, by tesseract or the browser
        written.append({"page": number, "png": str(png), "sha256": digest, **size, "dpi": page_dpi})
    return {"pages": written}


if __name__ == "__main__":
    limit_memory(int(sys.argv[9]))
    try:
        answer = _child(*sys.argv[1:9])
    except DocumentError as err:
        answer = {"error": str(err)}
    except MemoryError:
        answer = {"error": "out of memory"}
    sys.stdout.write(json.dumps(answer))
