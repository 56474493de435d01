"""Which PDF library to read characters with: pages per second of each candidate on the same generated PDFs.

What Citebot's reader needs from a library is every character with its box, font size and weight; the
candidates are timed doing that much (pypdf's plain `extract_text` is the old reader, for scale):
pypdfium2 (PDFium, Apache-2.0/BSD), pdfminer.six (MIT) parsing to `LTChar`s with and without its layout
analysis, and pdfplumber (MIT, on pdfminer.six) building its char dicts. PyMuPDF is left out: AGPL. The
PDFs come from `bench.docgen` (one or two columns, tables, running heads; ~3,500 characters a page).

    .venv/bin/python -m bench.pdf_libraries [--files N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import docgen, measure


def _pypdf(path: Path) -> int:
    from pypdf import PdfReader

    return sum(1 for page in PdfReader(path).pages if page.extract_text() is not None)


def _pdfium(path: Path) -> int:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(path)
    box = raw.FS_RECTF()
    for page in pdf:
        textpage = page.get_textpage()
        textpage.get_text_range(0, textpage.count_chars())
        for i in range(textpage.count_chars()):
            raw.FPDFText_GetLooseCharBox(textpage.raw, i, box)
            raw.FPDFText_GetFontSize(textpage.raw, i)
            raw.FPDFText_GetFontWeight(textpage.raw, i)
    pages = len(pdf)
    pdf.close()
    return pages


def _pdfminer(layout: bool) -> Callable[[Path], int]:
    def read(path: Path) -> int:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams

        return sum(1 for _ in extract_pages(path, laparams=LAParams() if layout else None))
    return read


def _pdfplumber(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return sum(1 for page in pdf.pages if page.chars is not None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(7)
    candidates = {"pypdf extract_text (old reader)": _pypdf, "pypdfium2 chars + box + size + weight": _pdfium,
                  "pdfminer.six LTChars": _pdfminer(False), "pdfminer.six LTChars + layout analysis": _pdfminer(True),
                  "pdfplumber chars": _pdfplumber}
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        docs = docgen.make_docs(args.files, "pdf", rng, docgen.paragraphs(), [1000])
        paths = [docgen.write_pdf(doc, Path(tmp), rng) for doc in docs]
        for name, read in candidates.items():
            read(paths[0])  # imports are not part of the rate
            start = time.perf_counter()
            pages = sum(read(p) for p in paths)
            rates[name] = round(pages / (time.perf_counter() - start), 1)
            print(f"{name:42s} {rates[name]:7.1f} pages/s ({pages} pages)", flush=True)
    measure.write("pdf_libraries", {"pages_per_s": rates, "files": args.files})


if __name__ == "__main__":
    main()
