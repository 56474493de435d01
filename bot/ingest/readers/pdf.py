"""A PDF → plain text per page, with each page's start offset so citations can name the page.

pypdf does the parsing; this module checks the file's envelope first (a `%PDF` header, an `%%EOF` at the
end) so a wrong or cut-off file gets its own reason, opens PDFs protected only against editing, and turns
every pypdf failure into a one-line `DocumentError`. It runs inside the bounded child process of
`sandbox` (never in the app itself) and does no OCR: a page without a text layer comes back empty, for the
parent to OCR (`scanned.ocr_empty_pdf_pages`).
"""

from __future__ import annotations

import io
import logging
import zlib
from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from bot.errors import DocumentError
from bot.ingest.decoding import clean_text, guess_title

PAGE_SEPARATOR = "\n\n"
# What pypdf raises on malformed input besides its own errors (it indexes and unpacks untrusted structures).
_BROKEN = (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError,
           ZeroDivisionError, OverflowError, RecursionError, zlib.error)
ENCRYPTED = "the PDF is encrypted; save an unprotected copy (for example, print it to a new PDF) and add that"


def extract_pdf(path: Path, fallback_title: str) -> tuple[str, str, tuple[int, ...]]:
    """(title, text, start offset of each page); pages are joined with a blank line."""
    raw = path.read_bytes()
    if b"%PDF-" not in raw[:1024]:
        raise DocumentError("the file is not a PDF (it has no PDF header); check that it was saved as PDF")
    if b"%%EOF" not in raw[-1024:]:
        raise DocumentError("the PDF is incomplete (it ends before its last section); download or copy it again")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about repairs are not the user's concern
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise DocumentError(ENCRYPTED)
        pages = [_page_text(reader, i) for i in range(len(reader.pages))]
        title = reader.metadata.title if reader.metadata is not None else None
    except (FileNotDecryptedError, DependencyError) as err:  # a password, or a cipher pypdf cannot undo
        raise DocumentError(ENCRYPTED) from err
    except _BROKEN as err:
        raise DocumentError("the PDF is damaged and could not be read; open it and save (or print) it again "
                            "as a new PDF") from err
    # Pages without text stay empty here: the parent OCRs them (bot/ingest/scanned.py, ocr_empty_pdf_pages).
    starts, offset = [], 0
    for text in pages:
        starts.append(offset)
        offset += len(text) + len(PAGE_SEPARATOR)
    text = PAGE_SEPARATOR.join(pages)
    title = " ".join(title.split())[:200] if isinstance(title, str) else ""
    return title or guess_title(text, fallback_title), text, tuple(starts)


def _page_text(reader: PdfReader, index: int) -> str:
    return clean_text(reader.pages[index].extract_text()).strip()
