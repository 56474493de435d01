"""OCR results kept by content, so a page is never OCR'd twice: tesseract's TSV in one JSON file per page.

The key is the SHA-256 of the page's pixels together with the tesseract version, the language and the
rendering recipe, so the same page in a renamed, re-saved or merged file is found again, and a new tesseract
or recipe starts afresh. Files live in `<index folder>/ocr/ab/<key>.json` (JSON only, written atomically);
a damaged or foreign file is treated as absent and overwritten. The raw TSV is kept, not the text made of it,
so a change in how text is assembled (`ocr.parse_tsv`) needs no new OCR. Not here: running OCR (`ocr`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

RECIPE = "gray-median3-psm3-v1"  # change when what is sent to tesseract changes


def cache_key(pixels_sha256: str, engine: str, dpi: int) -> str:
    return hashlib.sha256(f"{pixels_sha256}\0{engine}\0{dpi}\0{RECIPE}".encode()).hexdigest()


class OcrCache:
    """Get and put tesseract's TSV by key; `folder=None` keeps nothing (reading without an index)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        path = self._path(key)
        return path is not None and path.is_file()

    def get(self, key: str) -> str | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            tsv = json.loads(path.read_text(encoding="utf-8")).get("tsv")
        except (OSError, ValueError, AttributeError):
            return None
        return tsv if isinstance(tsv, str) else None

    def put(self, key: str, tsv: str) -> None:
        path = self._path(key)
        if path is None:
            return
        # A cache that cannot be written (disk full, read-only folder) only costs a second OCR later.
        tmp = ""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"tsv": tsv}, out, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            if tmp:
                Path(tmp).unlink(missing_ok=True)
