"""One file → one `Document` of plain text, per format; plain text and Markdown are read here.

Each reader keeps the structure the chunker understands (a title line, `#` headings, one paragraph per
block) and raises `DocumentError` with a plain reason for anything it cannot read. The format is chosen
by the name's extension; every other format has its own module in `readers/`, and those whose files can
be hostile (zip containers, XML, MIME, PDF) are read in the bounded child process (`sandbox`). Markdown's
YAML front matter gives the title and is left out of the text. It does not walk folders (see `folder`) and
does not split text (see `chunking`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.errors import DocumentError
from bot.ingest.decoding import decode, guess_title
from bot.ingest.readers.blocks import Reading
from bot.ingest.readers.delimited import read_delimited
from bot.ingest.readers.html import read_html
from bot.ingest.readers.image import SUFFIXES as IMAGE_SUFFIXES
from bot.ingest.readers.image import read_image
from bot.ingest.sandbox import read_in_child
from bot.ingest.scanned import OcrOptions, Progress, ocr_empty_pdf_pages
from bot.types import Document

# suffix → the reader run in the child process
IN_CHILD = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".pptx": "pptx", ".xlsx": "xlsx",
            ".xlsm": "xlsx", ".epub": "epub", ".odt": "odf", ".ods": "odf", ".odp": "odf", ".rtf": "rtf",
            ".eml": "eml"}
SUPPORTED = frozenset({".txt", ".md", ".csv", ".tsv", *IN_CHILD, *IMAGE_SUFFIXES})
# Old binary Office and Outlook files: the program that opens them saves them as a format that is read.
RESAVE_AS = {".doc": ".docx", ".xls": ".xlsx", ".ppt": ".pptx", ".msg": ".eml"}
READER_VERSION = 8  # bump when any reader's output changes, so synced folders are read again
MB = 1024 * 1024
# HTML up to this size is parsed in-process (about 1 s per MB, under 150 MB of memory); bigger pages, and
# every other structured file, are read in a bounded child process (`sandbox`), which costs ~0.3 s to start.
INLINE_HTML_BYTES = 2 * MB
# Parsing costs ~60 µs per tag whatever the size (bench/fuzz_readers.py: 200,000 nested <div>s in 1.6 MB took
# 17 s in-process, beyond any timeout), so a page with more tags than this is read in the child too (~1.2 s).
INLINE_HTML_TAGS = 20_000
# YAML front matter: `---`, up to 100 YAML lines (the first a "key:"; then keys, "- " items, indented
# continuations, comments or blank lines), then `---` or `...`. A `---` rule opening prose is left alone.
# The line forms are told apart by their first character, so no line matches two ways (no backtracking blow-up).
_YAML_LINE = r"(?:\w[\w-]*[ \t]*:[^\n]*|[ \t][^\n]*|-[ \t][^\n]*|#[^\n]*|)\n"
_FRONT_MATTER = re.compile(rf"---[ \t]*\n(\w[\w-]*[ \t]*:[^\n]*\n(?:{_YAML_LINE}){{0,100}}?)(?:---|\.\.\.)"
                           r"[ \t]*(?:\n|\Z)")
_FRONT_TITLE = re.compile(r"^title[ \t]*:[ \t]*(\S[^\n]*)$", re.MULTILINE)


@dataclass(frozen=True)
class Limits:
    """How much one file may cost to read."""

    max_bytes: int = 50 * MB
    read_seconds: float = 20.0  # for a file read in the child process
    read_memory_mb: int = 1024
    ocr: OcrOptions = field(default_factory=OcrOptions)  # scanned pages and images

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.max_upload_mb * MB, settings.read_timeout_s, settings.read_memory_mb,
                   OcrOptions.from_settings(settings))


def unsupported_reason(name: str) -> str:
    """Why a file named `name` is not read, listing what is: "'.exe' files are not supported; …"."""
    suffix = Path(name).suffix.lower()
    what = f"'{suffix}' files are" if suffix else "files without an extension are"
    if suffix in RESAVE_AS:  # an older sibling of a format that is read: saying which one helps most
        return f"{what} not supported; save it as {RESAVE_AS[suffix]} and add that"
    return f"{what} not supported; use one of {', '.join(sorted(SUPPORTED))}"


def front_matter(text: str) -> tuple[str, str]:
    """(the title it names, the text after it) of Markdown that opens with YAML front matter between `---`
    lines (Jekyll, Hugo, Obsidian): settings for a site generator, not prose to cite, and no title line."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return "", text
    title = _FRONT_TITLE.search(match.group(1))
    return (" ".join(title.group(1).strip("'\"").split())[:200] if title else ""), text[match.end():]


def read_file(path: Path, doc_id: str, source: str | None = None, limits: Limits | None = None,
              progress: Progress | None = None) -> Document:
    """Read `path` as the format its name (`source`, else `doc_id`) says; `DocumentError` says why not.
    `progress` hears ("ocr", pages done, pages, item) while scanned pages are read."""
    source = source or doc_id
    limits = limits or Limits()
    suffix = Path(source).suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError(unsupported_reason(source))
    try:
        size = path.stat().st_size
        if size == 0:
            raise DocumentError("the file is empty")
        if size > limits.max_bytes:
            raise DocumentError(f"the file is larger than the {limits.max_bytes // MB} MB limit")
        fallback = Path(source).stem
        encoding = ""
        kind = IN_CHILD.get(suffix)
        raw = path.read_bytes() if kind == "html" and size <= INLINE_HTML_BYTES else b""
        if raw and raw.count(b"<") <= INLINE_HTML_TAGS:
            reading = Reading(*read_html(raw, fallback))
        elif suffix in IMAGE_SUFFIXES:
            reading = read_image(path, fallback, limits.ocr, progress, source)
        elif kind is not None:
            reading = read_in_child(kind, path, fallback, limits.read_seconds, limits.read_memory_mb)
            if kind == "pdf":  # pages without a text layer are OCR'd (see bot/ingest/scanned.py)
                reading = ocr_empty_pdf_pages(path, reading, fallback, limits.ocr, progress, source)
        elif suffix in (".csv", ".tsv"):
            reading = read_delimited(path.read_bytes(), fallback, tab_separated=suffix == ".tsv")
        else:
            text, encoding = decode(path.read_bytes())
            named = ""
            if suffix == ".md":
                named, text = front_matter(text)
            if not text.strip():
                raise DocumentError("the file has no text")
            reading = Reading(named or guess_title(text, fallback), text)
    except OSError as err:  # gone since it was listed, or not ours to read; strerror holds no path
        raise DocumentError(f"the file could not be opened ({err.strerror or 'input/output error'})") from err
    return Document(doc_id=doc_id, title=reading.title, text=reading.text, source=source, pages=reading.pages,
                    marks=reading.marks, boxes=reading.boxes, notes=reading.notes,
                    encoding=encoding or reading.encoding, title_from_name=reading.title == fallback)
