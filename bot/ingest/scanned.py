"""Scanned pages → text with word boxes: render (or decode) the pages, OCR those not in the cache, and fit
the text into the document.

`ocr_pages` is what the image reader and the PDF reader call: it renders the asked pages in a bounded child
(`page_images`), looks each page up in the OCR cache by the hash of its pixels, OCRs the rest one by one
(`ocr.recognize`, reporting "ocr" progress as pages done / pages) and says, per page it could not read,
why. `replace_pages` puts OCR text in place of a PDF's empty pages, moving later page starts and word boxes
along. Nothing here parses a file format itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bot.config import Settings
from bot.errors import DocumentError
from bot.ingest import ocr
from bot.ingest.decoding import guess_title
from bot.ingest.ocr_cache import OcrCache, cache_key
from bot.ingest.page_images import PageImage, render_in_child
from bot.ingest.pdf_boxes import page_ends
from bot.ingest.readers.blocks import Reading
from bot.types import WordBox

Progress = Callable[[str, int, int, str], None]
OCR_DPI = 300  # tesseract's advice; a page that is one scanned image is rendered at the scan's own dpi if less
BATCH = 16  # pages rendered per child process: progress stays lively and the temp folder small
OFF = "OCR is off (BOT_OCR=0); set BOT_OCR=1 to read scanned pages"


@dataclass(frozen=True)
class OcrOptions:
    enabled: bool = True
    timeout_s: float = 60.0  # per page
    cache_dir: Path | None = None  # <index folder>/ocr; None keeps no cache
    read_seconds: float = 20.0  # for rendering a batch of pages, plus 2 s a page
    memory_mb: int = 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> OcrOptions:
        return cls(settings.ocr, settings.ocr_timeout_s, settings.index_dir / "ocr", settings.read_timeout_s,
                   settings.read_memory_mb)

    def engine_label(self) -> str:
        """What reads scanned pages: "off", "missing" or the tesseract version."""
        return "off" if not self.enabled else ocr.engine() or "missing"

    def unavailable(self) -> str:
        """Why OCR cannot run now ('' when it can)."""
        if not self.enabled:
            return OFF
        if not ocr.engine():
            return f"OCR needs tesseract with English data, which is not installed; {ocr.INSTALL}"
        return ""


@dataclass(frozen=True)
class PageText:
    text: str
    boxes: tuple[WordBox, ...]  # offsets into `text`


def ocr_pages(path: Path, kind: str, pages: list[int], options: OcrOptions, progress: Progress | None = None,
              label: str = "") -> tuple[dict[int, PageText], dict[int, str]]:
    """OCR of `pages` (1-based; [] = every frame of an image): the text of each page read, and the reason
    for each page that was not. A damaged file raises `DocumentError`."""
    reason = options.unavailable()
    if reason:
        return {}, {p: reason for p in pages} if pages else {1: reason}
    cache = OcrCache(options.cache_dir)
    engine = ocr.engine()
    done: dict[int, PageText] = {}
    failed: dict[int, str] = {}
    batches = [pages[i:i + BATCH] for i in range(0, len(pages), BATCH)] if pages else [[]]
    total, count = len(pages) or 1, 0
    for batch in batches:
        with tempfile.TemporaryDirectory(prefix="citebot-ocr-") as tmp:
            seconds = options.read_seconds + 2.0 * max(1, len(batch))
            known = (options.cache_dir, engine) if options.cache_dir is not None else None
            images = render_in_child(path, kind, batch, OCR_DPI, Path(tmp), True, seconds, options.memory_mb, known)
            total = max(total, count + len(images))
            for image in images:
                if progress:
                    progress("ocr", count, total, f"{label} page {image.page}".strip())
                result = _read_page(image, cache, engine, options)
                if isinstance(result, str):
                    failed[image.page] = result
                else:
                    done[image.page] = result
                count += 1
    if progress:
        progress("ocr", total, total, "")
    return done, failed


def _read_page(image: PageImage, cache: OcrCache, engine: str, options: OcrOptions) -> PageText | str:
    """One rendered page's text, from the cache or from tesseract (then cached), or why it could not be read."""
    key = cache_key(image.pixels_sha256, engine, image.dpi)
    tsv = cache.get(key)
    if tsv is None:
        if image.png is None:  # the renderer saw it in the cache, which lost it since
            return "the OCR cache changed while the file was read; read it again"
        try:
            tsv = ocr.recognize(image.png.read_bytes(), image.dpi, options.timeout_s, options.memory_mb)
        except DocumentError as err:
            return str(err)
        cache.put(key, tsv)
    result = ocr.parse_tsv(tsv, 72.0 / (image.dpi or 72))
    boxes = tuple(WordBox(s, e, image.page, x0, y0, x1, y1, conf) for s, e, x0, y0, x1, y1, conf in result.words)
    return PageText(result.text, boxes)


def ocr_empty_pdf_pages(path: Path, reading: Reading, fallback_title: str, options: OcrOptions,
                        progress: Progress | None = None, label: str = "") -> Reading:
    """The PDF reader's hook: the reading with the PDF's pages without a text layer OCR'd and put in place,
    and a note for each page left out; a PDF with no text at all after that raises `DocumentError` with the
    reason."""
    title, text, starts, boxes = reading.title, reading.text, reading.pages, reading.boxes
    empty = empty_pages(text, starts)
    if not empty:
        return reading
    done, failed = ocr_pages(path, "pdf", empty, options, progress, label)
    had_text = len(empty) < len(starts)
    text, starts, boxes = replace_pages(text, starts, boxes, {n: p for n, p in done.items() if p.text})
    if not text.strip():
        reason = next(iter(failed.values()), "OCR found no text on its pages")
        raise DocumentError(f"the PDF has no text layer (it may be scanned images): {reason}")
    return replace(reading, title=title if had_text else guess_title(text, fallback_title), text=text,
                   pages=starts, boxes=boxes, notes=_notes(done, failed))


def _notes(done: dict[int, PageText], failed: dict[int, str]) -> tuple[str, ...]:
    """A line per page of scanned images that gave no text: why it was skipped, or that OCR found none."""
    notes = {n: f"page {n}: skipped, {reason}" for n, reason in failed.items()}
    notes.update({n: f"page {n}: OCR found no text on it" for n, page in done.items() if not page.text})
    return tuple(notes[n] for n in sorted(notes))


def join_pages(pages: list[PageText], separator: str = "\n\n") -> tuple[str, tuple[int, ...], tuple[WordBox, ...]]:
    """Pages → (text, start offset of each page, word boxes with document offsets)."""
    parts: list[str] = []
    starts: list[int] = []
    boxes: list[WordBox] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        parts.append(page.text)
        boxes += [_shift(b, offset) for b in page.boxes]
        offset += len(page.text) + len(separator)
    return separator.join(parts), tuple(starts), tuple(boxes)


def empty_pages(text: str, starts: tuple[int, ...], min_chars: int = 8) -> list[int]:
    """1-based pages whose text has fewer than `min_chars` visible characters: no text layer to speak of
    (a scanner's stamped page number does not make a page of text)."""
    ends = [*starts[1:], len(text)]
    return [i + 1 for i, (s, e) in enumerate(zip(starts, ends, strict=True))
            if len("".join(text[s:e].split())) < min_chars]


def replace_pages(text: str, starts: tuple[int, ...], boxes: tuple[WordBox, ...], new: dict[int, PageText],
                  separator: str = "\n\n") -> tuple[str, tuple[int, ...], tuple[WordBox, ...]]:
    """`text` with the text of each page in `new` replaced by its OCR text; page starts and the other pages'
    word boxes move along. A page's own text runs from its start to the separator before the next page."""
    out: list[str] = []
    out_starts: list[int] = []
    out_boxes: list[WordBox] = []
    shift_of: dict[int, int] = {}  # page → how far its text moved
    ends = page_ends(text, starts, separator)
    cursor, shift = 0, 0
    for number, (start, end) in enumerate(zip(starts, ends, strict=True), 1):
        out.append(text[cursor:start])
        out_starts.append(start + shift)
        shift_of[number] = shift
        if number in new:
            out.append(new[number].text)
            out_boxes += [_shift(b, start + shift) for b in new[number].boxes]
            shift += len(new[number].text) - (end - start)
        else:
            out.append(text[start:end])
        cursor = end
    out.append(text[cursor:])
    out_boxes += [_shift(b, shift_of.get(b.page, 0)) for b in boxes if b.page not in new]
    out_boxes.sort(key=lambda b: b.start)
    return "".join(out), tuple(out_starts), tuple(out_boxes)


def _shift(box: WordBox, by: int) -> WordBox:
    return WordBox(box.start + by, box.end + by, box.page, box.x0, box.y0, box.x1, box.y1, box.confidence)
