"""One file → one `Document` of plain text, per format.

Each reader keeps the structure the chunker understands (a title line, `#` headings, one paragraph per
block) and raises `DocumentError` with a plain reason for anything it cannot read. It does not walk
folders (see `documents`) and does not split text (see `chunking`).
"""

from __future__ import annotations

import codecs
from pathlib import Path

from bot.errors import DocumentError
from bot.types import Document

SUPPORTED = frozenset({".txt", ".md"})
MAX_BYTES = 50 * 1024 * 1024


def read_file(path: Path, doc_id: str, source: str | None = None) -> Document:
    source = source or doc_id
    size = path.stat().st_size
    if size == 0:
        raise DocumentError("the file is empty")
    if size > MAX_BYTES:
        raise DocumentError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    text = decode_text(path.read_bytes())
    if not text.strip():
        raise DocumentError("the file has no text")
    return Document(doc_id=doc_id, title=guess_title(text, path.stem), text=text, source=source)


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1; binary data is refused."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return _clean(raw.decode(encoding))
            except UnicodeDecodeError as err:
                raise DocumentError("the file is not valid text in the encoding its first bytes announce") \
                    from err
    if b"\0" in raw[:8192]:
        raise DocumentError("the file looks binary, not text")
    try:
        return _clean(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _clean(raw.decode("latin-1"))


def _clean(text: str) -> str:
    # Offsets must stay stable between reading and display, so only line endings are normalised.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")


def guess_title(text: str, fallback: str) -> str:
    first = text.strip().split("\n", 1)[0].strip().lstrip("#").strip()
    return first if 0 < len(first) <= 200 else fallback
