"""The citation view's page side: the cited page of a PDF or image, rendered as a picture, with the cited
sentence's words highlighted on it.

`page_html` takes the same reference as `docview` (numbers checked against the documents the store holds),
finds the sentence's word boxes (`Document.boxes_in`) and its page, renders that page once per file
content in a bounded child (`page_images`, PDFium or Pillow) into a cache folder inside Gradio's own
temporary folder, and returns HTML: the page image, served by Gradio's file route (never inlined into
answers or the /chat JSON), and one highlight per line of the sentence, placed in percent of the page so it
scales with the image. A file changed since it was indexed is not shown against stale boxes. Pure files
and strings; the panel it goes in is the UI's business, the text view `docview`'s.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import DocumentError
from bot.faces.docview import doc_key, parse_reference
from bot.ingest.page_images import render_in_child
from bot.ingest.readers.image import SUFFIXES as IMAGE_SUFFIXES
from bot.types import Document, WordBox

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.store import Store

VIEW_DPI = 120  # a letter page is 1,020 px wide: sharp in a half-screen panel, ~150 KB as a grey PNG
_hashes: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) → SHA-256, so a click hashes once


def page_cache_dir() -> Path:
    """Where rendered pages are kept: inside Gradio's temporary folder, which its file route serves already
    (as files it made) and the UI's blocked paths never cover."""
    base = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")
    return base / "citebot-pages"


def page_html(store: Store | None, token: object, settings: Settings) -> str:
    """The cited page with the sentence highlighted, a short message when it cannot be shown, or "" for a
    document without pages (text, Markdown, HTML, Word)."""
    ref = parse_reference(token)
    if ref is None or store is None:
        return ""
    doc = next((d for d in store.documents.values() if doc_key(d.doc_id) == ref.key), None)
    if doc is None or not doc.boxes:
        return ""
    start, end = ref.sentence_start, ref.sentence_end
    if end <= start:  # a passage opened without a sentence ("view"): highlight the passage
        start, end = ref.start, ref.end
    boxes = doc.boxes_in(start, end)
    page = boxes[0].page if boxes else doc.page_at(start)
    if page is None:
        return ""
    try:
        image, size = _rendered(doc, page, store, settings)
    except DocumentError as err:
        return _message(f"The page could not be shown: {err}.")
    lines = highlight_lines([b for b in boxes if b.page == page])
    marks = "".join(f'<span class="cb-box" style="left:{x0 / size[0]:.3%};top:{y0 / size[1]:.3%};'
                    f'width:{(x1 - x0) / size[0]:.3%};height:{(y1 - y0) / size[1]:.3%}"></span>'
                    for x0, y0, x1, y1 in lines)
    ocr = any(b.confidence is not None for b in boxes)
    note = ' · <span class="cb-ocr">read by OCR</span>' if ocr else ""
    return (f'<div class="cb-pageview" data-page="{page}"><div class="cb-page-head">Page {page} of '
            f"<b>{_esc(doc.title)}</b>{note}</div>"
            f'<div class="cb-page" style="aspect-ratio:{size[0]:.2f}/{size[1]:.2f}">'
            f'<img src="/gradio_api/file={_esc(str(image))}" alt="page {page} of {_esc(doc.title)}">{marks}'
            "</div></div>")


def highlight_lines(boxes: list[WordBox]) -> list[tuple[float, float, float, float]]:
    """Word boxes in reading order → one rectangle per run of words on the same line (a word whose vertical
    middle lies inside the previous word's band, and not far to its left, continues the line)."""
    lines: list[list[float]] = []
    for b in boxes:
        last = lines[-1] if lines else None
        middle = (b.y0 + b.y1) / 2
        if last is not None and last[1] <= middle <= last[3] and b.x0 >= last[0] - 1:
            last[:] = [min(last[0], b.x0), min(last[1], b.y0), max(last[2], b.x1), max(last[3], b.y1)]
        else:
            lines.append([b.x0, b.y0, b.x1, b.y1])
    return [(x0, y0, x1, y1) for x0, y0, x1, y1 in lines]


def _rendered(doc: Document, page: int, store: Store, settings: Settings) -> tuple[Path, tuple[float, float]]:
    """The page's PNG (rendered now, or found in the cache) and the page's size in points."""
    path = settings.docs_dir / doc.doc_id
    record = store.manifest.get("sources", {}).get("files", {}).get(doc.doc_id, {})
    try:
        digest = _sha256(path)
    except OSError as err:
        raise DocumentError("the file is no longer in the documents folder") from err
    if record.get("sha256") not in (None, digest):
        raise DocumentError("the file changed since it was indexed; sync the index to see it again")
    kind = "image" if Path(doc.doc_id).suffix.lower() in IMAGE_SUFFIXES else "pdf"
    folder = page_cache_dir() / f"{digest[:32]}-{VIEW_DPI}"
    png, size_file = folder / f"page-{page}.png", folder / f"page-{page}.json"
    if not (png.is_file() and size_file.is_file()):
        folder.mkdir(parents=True, exist_ok=True)
        # Rendered beside the cache and moved in whole, so a second click meanwhile never reads half a PNG.
        with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".tmp-") as tmp:
            images = render_in_child(path, kind, [page] if kind == "pdf" else [], VIEW_DPI, Path(tmp), False,
                                     settings.read_timeout_s, settings.read_memory_mb)
            for image in images:  # an image file's frames all come at once
                (Path(tmp) / f"page-{image.page}.json").write_text(json.dumps([image.width_pt, image.height_pt]))
                os.replace(image.png, folder / f"page-{image.page}.png")
                os.replace(Path(tmp) / f"page-{image.page}.json", folder / f"page-{image.page}.json")
    try:
        width, height = json.loads(size_file.read_text())
    except (OSError, ValueError) as err:
        raise DocumentError(f"the file has no page {page}") from err
    return png, (float(width), float(height))


def _sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        with open(path, "rb") as handle:
            _hashes[key] = hashlib.file_digest(handle, "sha256").hexdigest()
    return _hashes[key]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _message(text: str) -> str:
    return f'<div class="cb-pageview cb-empty"><p>{_esc(text)}</p></div>'
