"""A page image → its text and word boxes, by Debian's tesseract run as a bounded child process.

`recognize` pipes one PNG into `tesseract stdin stdout tsv` under a wall-clock timeout and an address-space
cap and returns the TSV (what the cache keeps); `parse_tsv` turns that word table into page text (words
and lines joined by spaces, paragraphs by a blank line, so the chunker sees tesseract's paragraphs) with one
box per word in PDF points from the page's top-left corner and tesseract's confidence (0–100). The command
line is called directly rather than through pytesseract: the child needs its own environment
(OMP_THREAD_LIMIT=1) and memory cap, which pytesseract cannot pass. Rendering pages is `page_images`' job,
caching `ocr_cache`'s, and fitting pages into documents `scanned`'s.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
from dataclasses import dataclass

from bot.errors import DocumentError

LANGUAGE = "eng"
INSTALL = "install tesseract-ocr and tesseract-ocr-eng (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng)"
# tesseract's OpenMP threads spin while they wait: on a busy 2-core machine one thread was 3× faster than
# tesseract's default (bench/ocr.py), and the app has other work for the second core.
_ENV = {"OMP_THREAD_LIMIT": "1"}
_PARAGRAPH_END = (".", "!", "?", ":", '"', "”", "’", ")")


@dataclass(frozen=True)
class OcrText:
    """One page's OCR: `text`, and per word (start, end, x0, y0, x1, y1, confidence), offsets into `text`,
    boxes in PDF points from the top-left corner."""

    text: str
    words: tuple[tuple[int, int, float, float, float, float, float], ...]


@functools.cache
def engine() -> str:
    """'tesseract 5.3.0' when tesseract and its English data are installed, '' when not."""
    if shutil.which("tesseract") is None:
        return ""
    try:
        version = subprocess.run(["tesseract", "--version"], capture_output=True, timeout=30, check=False)
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if LANGUAGE not in langs.stdout.decode("utf-8", "replace").split():
        return ""
    first = (version.stdout or version.stderr).decode("utf-8", "replace").strip().split("\n", 1)[0]
    return first.strip() or "tesseract"


def recognize(png: bytes, dpi: int, timeout_s: float, memory_mb: int = 1024) -> str:
    """tesseract's TSV for one page image (`parse_tsv` reads it); `dpi` 0 lets tesseract estimate it.
    `DocumentError` says why not."""
    if not engine():
        raise DocumentError(f"OCR needs tesseract with English data, which is not installed; {INSTALL}")
    command = ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", "3"]
    if dpi:
        command += ["--dpi", str(dpi)]
    try:
        child = subprocess.Popen([*command, "tsv"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env={**os.environ, **_ENV})
    except OSError as err:
        raise DocumentError(f"tesseract could not be started ({err.strerror}); {INSTALL}") from err
    # The cap is set before the image is sent, so tesseract cannot allocate for it beyond the limit.
    limit = memory_mb * 1024 * 1024
    try:
        resource.prlimit(child.pid, resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):  # it died already; communicate() below reports it
        pass
    try:
        out, err = child.communicate(png, timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        child.kill()
        child.communicate()
        raise DocumentError(f"OCR took longer than {timeout_s:g} s for one page; raise BOT_OCR_TIMEOUT_S or "
                            "split the file") from exc
    if child.returncode != 0:
        last = err.decode("utf-8", "replace").strip().split("\n")[-1][:200]
        raise DocumentError(f"OCR failed on a page (tesseract: {last or 'exit code ' + str(child.returncode)})")
    return out.decode("utf-8", "replace")


def parse_tsv(tsv: str, scale: float) -> OcrText:
    """tesseract's TSV (level, page, block, par, line, word, left, top, width, height, conf, text) → text and
    word boxes scaled by `scale` (points per pixel). Rows that are not words (level < 5) or empty are skipped."""
    parts: list[str] = []
    words: list[tuple[int, int, float, float, float, float, float]] = []
    length = 0
    last_line: tuple[str, str, str] | None = None
    for row in tsv.split("\n")[1:]:
        cells = row.split("\t", 11)
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        block, par, line = cells[2], cells[3], cells[4]
        left, top, width, height = (int(c) for c in cells[6:10])
        word = cells[11].strip()
        if last_line is not None:
            # Lines of a paragraph are joined with a space, as the chunker reads a lone newline as a break.
            # tesseract starts paragraphs mid-sentence on evenly spaced text; a new block always is one.
            sep = " "
            if block != last_line[0] or (par != last_line[1] and parts[-1].endswith(_PARAGRAPH_END)):
                sep = "\n\n"
            parts.append(sep)
            length += len(sep)
        last_line = (block, par, line)
        parts.append(word)
        words.append((length, length + len(word), round(left * scale, 2), round(top * scale, 2),
                      round((left + width) * scale, 2), round((top + height) * scale, 2), float(cells[10])))
        length += len(word)
    return OcrText("".join(parts), tuple(words))
