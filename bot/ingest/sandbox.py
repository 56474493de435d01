"""Read one file in a child process under a wall-clock timeout and a memory cap; JSON comes back.

A hostile PDF, Office, e-book, e-mail or HTML file (zip containers, XML, MIME) can make its parser loop or
allocate without end. `read_in_child` runs `python -m bot.ingest.sandbox KIND PATH TITLE MEMORY_MB`, which
caps its own address space (RLIMIT_AS) before it imports any parser, reads the file with the reader for
KIND and prints one JSON object on stdout: `{"title", "text", "pages", "marks", "boxes"}` (a PDF's word
boxes come from `pdf_boxes`) or `{"error"}`. The parent kills it at the timeout, so the worst case is a
one-line reason and the app carries on. Nothing is pickled. The readers live in `readers/`; this module
only runs them at arm's length, and `run_module` does the same for another module's child (`page_images`).
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

from bot.errors import DocumentError
from bot.ingest.readers.blocks import Reading
from bot.types import WordBox

_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # so the child imports this very `bot`
# A damaged zip container (DOCX, XLSX, PPTX, EPUB, ODF) surfaces from zipfile and zlib in these forms: a bad
# CRC, broken deflate data, a compression method nobody implements, an archive cut short, a seek before its
# start (OSError EINVAL) — bench/fuzz_readers.py found each escaping a reader as a crash.
_BROKEN_ZIP = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError)
_WHAT = {"pdf": "PDF", "docx": "Word document", "html": "HTML page", "pptx": "PowerPoint file",
         "xlsx": "Excel workbook", "epub": "e-book", "odf": "OpenDocument file", "rtf": "RTF document",
         "eml": "e-mail"}
# kind → (module in bot.ingest.readers, its function `(path, fallback_title) -> Reading`)
_READERS = {"pptx": ("pptx", "read_pptx"), "xlsx": ("xlsx", "read_xlsx"), "epub": ("epub", "read_epub"),
            "odf": ("odf", "read_odf"), "rtf": ("rtf", "read_rtf"), "eml": ("mail", "read_eml")}
_OUT_OF_MEMORY = "out of memory"


def read_in_child(kind: str, path: Path, fallback_title: str, seconds: float,
                  memory_mb: int) -> Reading:
    """What the `kind` reader makes of `path`, read in a bounded child; `DocumentError` says why not."""
    command = [sys.executable, "-m", "bot.ingest.sandbox", kind, str(path.absolute()), fallback_title, str(memory_mb)]
    result = _run(command, _WHAT[kind], seconds, memory_mb)
    return Reading(str(result["title"]), str(result["text"]), tuple(int(p) for p in result["pages"]),
                   tuple((int(start), str(label)) for start, label in result["marks"]),
                   tuple(WordBox(*b) for b in result.get("boxes", ())))


def run_module(module: str, args: list[str], what: str, seconds: float, memory_mb: int) -> dict[str, Any]:
    """Run `python -m module *args` as a bounded child that prints one JSON object, as `read_in_child` does
    with a reader; the module caps its own memory first (`limit_memory`)."""
    return _run([sys.executable, "-m", module, *args], what, seconds, memory_mb)


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space; a child calls it before it imports any parser."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run(command: list[str], what: str, seconds: float, memory_mb: int) -> dict[str, Any]:
    try:
        # stderr is dropped: parsers can print megabytes of repair warnings the user cannot act on.
        done = subprocess.run(command, cwd=_PACKAGE_PARENT, env=_child_env(), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as err:  # run() has already killed the child
        raise DocumentError(f"reading the {what} took longer than {seconds:g} s (it may be damaged or very "
                            "large); split it into smaller files or raise BOT_READ_TIMEOUT_S") from err
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:  # the child died before it could answer
        if done.returncode == -signal.SIGABRT:  # a C parser (PDFium) aborts when an allocation fails
            raise DocumentError(_too_big(what, memory_mb)) from err
        raise DocumentError(f"the {what} could not be read (its reader stopped unexpectedly); it may be "
                            "damaged") from err
    error = result.get("error") if isinstance(result, dict) else "its reader gave no answer"
    if error == _OUT_OF_MEMORY:
        raise DocumentError(_too_big(what, memory_mb))
    if error:
        raise DocumentError(str(error))
    return result


def _too_big(what: str, memory_mb: int) -> str:
    return (f"reading the {what} needed more than {memory_mb} MB of memory; split it into smaller files or "
            "raise BOT_READ_MEMORY_MB")


def _child_env() -> dict[str, str]:
    # The cwd alone would do, but not under PYTHONSAFEPATH; an explicit path finds this `bot` either way.
    paths = [str(_PACKAGE_PARENT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))


def _child(kind: str, path: str, fallback_title: str, memory_mb: str) -> dict[str, object]:
    limit_memory(int(memory_mb))
    try:  # parsers are imported only now, under the cap, and only the one this file needs
        if kind == "pdf":
            from bot.ingest.pdf_boxes import text_layer_boxes
            from bot.ingest.readers.pdf import extract_pdf

            title, text, pages = extract_pdf(Path(path), fallback_title)
            # where each word is, for citations on the page
            reading = Reading(title, text, pages, boxes=text_layer_boxes(Path(path), text, pages))
        elif kind == "docx":
            from bot.ingest.readers.docx import read_docx

            reading = Reading(*read_docx(Path(path), fallback_title))
        elif kind == "html":
            from bot.ingest.readers.html import read_html

            reading = Reading(*read_html(Path(path).read_bytes(), fallback_title))
        else:
            module, function = _READERS[kind]
            reader = getattr(importlib.import_module(f"bot.ingest.readers.{module}"), function)
            reading = reader(Path(path), fallback_title)
    except DocumentError as err:
        return {"error": str(err)}
    except MemoryError:
        return {"error": _OUT_OF_MEMORY}
    except _BROKEN_ZIP:  # raised from deep inside whichever library opened the container
        return {"error": f"the {_WHAT[kind]} is damaged (its zip container is broken) and could not be read; "
                         "open it and save it again"}
    return {"title": reading.title, "text": reading.text, "pages": list(reading.pages),
            "marks": [list(mark) for mark in reading.marks],
            "boxes": [[b.start, b.end, b.page, b.x0, b.y0, b.x1, b.y1] for b in reading.boxes]}


if __name__ == "__main__":
    answer = _child(*sys.argv[1:5])
    # A lone surrogate from a broken font map would make UTF-8 fail; "replace" keeps one character for one,
    # so page offsets stay right.
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8", "replace"))
