"""How long a folder sync takes: first build, an unchanged start, one edit, one rename; PDF reading cost.

Writes a synthetic folder (N text files, M generated PDFs, some HTML) under a temporary directory and times
`Citebot.open` with the fake embedder, so the figures are about reading and syncing, not the model. Prints
figures only; nothing is asserted. Run: python bench/bench_sync.py [N_TEXT] [N_PDF]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]

from docmakers import HTML_PAGE, pdf_bytes  # noqa: E402

from bot.assistant import Citebot  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.embed.fake import FakeEmbedder  # noqa: E402
from bot.ingest.chunking import chunk_document  # noqa: E402
from bot.ingest.reading import read_file  # noqa: E402
from bot.types import Document  # noqa: E402


def timed(label: str, func):  # noqa: ANN001, ANN201 - a bench helper
    started = time.perf_counter()
    result = func()
    print(f"{label:<48} {time.perf_counter() - started:8.2f} s")
    return result


def main(n_text: int = 1000, n_pdf: int = 20) -> None:
    root = Path(tempfile.mkdtemp(prefix="citebot-bench-"))
    docs = root / "docs"
    docs.mkdir()
    for i in range(n_text):
        (docs / f"note-{i:04}.txt").write_text(f"Note {i}\n\nThis is note {i}. It mentions topic {i % 17}.\n" * 5)
    page = "\n".join(f"Line {j} of a report about subject number {j}." for j in range(40))
    for i in range(n_pdf):
        (docs / f"report-{i:03}.pdf").write_bytes(pdf_bytes([page] * 10, title=f"Report {i}"))
    for i in range(10):
        (docs / f"page-{i}.html").write_text(HTML_PAGE)
    settings = Settings(docs_dir=docs, index_dir=root / "index")
    print(f"folder: {n_text} .txt, {n_pdf} ten-page .pdf, 10 .html")

    def sync() -> str:
        return str(Citebot(settings, embedder=FakeEmbedder()).open())

    print("  " + timed("first sync (read everything, embed)", sync))
    print("  " + timed("unchanged sync (start-up)", sync))
    (docs / "note-0000.txt").write_text("Note 0\n\nEdited.\n")
    print("  " + timed("one edited file", sync))
    (docs / "report-000.pdf").rename(docs / "renamed.pdf")
    print("  " + timed("one renamed PDF", sync))
    big = root / "big.pdf"
    big.write_bytes(pdf_bytes([page] * 200))
    timed("read one 200-page PDF (child process)", lambda: read_file(big, "big.pdf"))
    timed("read one 10-page PDF (child process)", lambda: read_file(docs / "report-001.pdf", "r.pdf"))
    text = ("The cat sat on the mat and looked at the dog. " * (50 * 1024 * 1024 // 47))[: 50 * 1024 * 1024]
    timed("chunk a 50 MB single line of prose", lambda: chunk_document(Document("big", "big", text)))
    dots = "." * (50 * 1024 * 1024)
    timed("chunk a 50 MB single line of dots", lambda: chunk_document(Document("dots", "dots", dots)))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
