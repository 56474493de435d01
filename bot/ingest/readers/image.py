"""An image file (.png, .jpg/.jpeg, .tif/.tiff: a scanned letter, a phone photo of a page) → its OCR text.

Every frame of the image is a page (a multi-page TIFF is a multi-page document); each is OCR'd through
`scanned.ocr_pages`, so decoding runs in the bounded child, tesseract in its own, and a page seen before
comes from the cache. The title is the first line of text, else the file's name. A page that cannot be read
is left out; when none can, the file is refused with the reason (OCR off, tesseract missing, a timeout).
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import DocumentError
from bot.ingest.decoding import guess_title
from bot.ingest.readers.blocks import Reading
from bot.ingest.scanned import OcrOptions, PageText, Progress, join_pages, ocr_pages

SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})


def read_image(path: Path, fallback_title: str, options: OcrOptions, progress: Progress | None = None,
               label: str = "") -> Reading:
    """The image's pages of OCR text with their word boxes; `DocumentError` says why not."""
    done, failed = ocr_pages(path, "image", [], options, progress, label)
    if not any(page.text for page in done.values()):
        if failed:
            raise DocumentError(f"the image could not be read: {next(iter(failed.values()))}")
        raise DocumentError("no text was found in the image (OCR read nothing)")
    pages = [done.get(n, PageText("", ())) for n in range(1, max(done) + 1)]
    text, starts, boxes = join_pages(pages)
    return Reading(guess_title(text, fallback_title), text, starts, boxes=boxes)
