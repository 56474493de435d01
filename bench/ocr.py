"""OCR speed and accuracy on generated scans: pages per second for image files and for a scanned PDF (cold,
then again from the OCR cache), word accuracy, and the two choices the OCR step makes, measured side by side
on the same pages: the 3×3 median filter against none, and one OpenMP thread against tesseract's default;
and what the word boxes of a text PDF's words (for citations on the page) cost beside pypdf's text.

Pages come from tests/scans.py (text drawn at 200 dpi, turned up to a degree, speckled). Prints figures
only; nothing is asserted. Run: nice python bench/ocr.py [PAGES]
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from PIL import ImageFilter  # noqa: E402

from bot.ingest import ocr  # noqa: E402
from bot.ingest.pdf_boxes import text_layer_boxes  # noqa: E402
from bot.ingest.readers.pdf import extract_pdf  # noqa: E402
from bot.ingest.reading import Limits, read_file  # noqa: E402
from bot.ingest.scanned import OcrOptions  # noqa: E402
from tests.docmakers import pdf_bytes  # noqa: E402
from tests.scans import DPI, HARBOUR, LIBRARY, ORCHARD, scan, scanned_pdf, word_accuracy  # noqa: E402

TEXTS = (HARBOUR, ORCHARD, LIBRARY)


def pages(n: int) -> list[tuple[str, object]]:
    """n generated pages: (source text, image), angles from -1° to 1°, a different speckle seed each."""
    out = []
    for i in range(n):
        angle = -1.0 + 2.0 * i / max(1, n - 1)
        out.append((TEXTS[i % 3], scan(TEXTS[i % 3], angle=round(angle, 2), seed=100 + i)[0]))
    return out


def png(image: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def tesseract_seconds(data: bytes, threads: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    if threads:
        env["OMP_THREAD_LIMIT"] = threads
    started = time.perf_counter()
    subprocess.run(["tesseract", "stdin", "stdout", "--dpi", str(DPI), "tsv"], input=data, env=env,
                   capture_output=True, check=True)
    return time.perf_counter() - started


def main(n: int = 6) -> None:
    if not ocr.engine():
        sys.exit(f"tesseract is not installed: {ocr.INSTALL}")
    print(f"{ocr.engine()}; {n} generated letter pages at {DPI} dpi; machine: {os.cpu_count()} cores\n")
    made = pages(n)
    root = Path(tempfile.mkdtemp(prefix="citebot-ocr-bench-"))
    for i, (_, image) in enumerate(made):
        image.save(root / f"page-{i}.png", format="PNG", dpi=(DPI, DPI))
    (root / "scan.pdf").write_bytes(scanned_pdf([image for _, image in made]))

    limits = Limits(ocr=OcrOptions(cache_dir=root / "cache"))
    started = time.perf_counter()
    scores = [word_accuracy(text, read_file(root / f"page-{i}.png", f"page-{i}.png", limits=limits).text)
              for i, (text, _) in enumerate(made)]
    images_s = time.perf_counter() - started

    pdf_limits = Limits(ocr=OcrOptions(cache_dir=root / "pdf-cache"))
    started = time.perf_counter()
    doc = read_file(root / "scan.pdf", "scan.pdf", limits=pdf_limits)
    pdf_s = time.perf_counter() - started
    started = time.perf_counter()
    again = read_file(root / "scan.pdf", "again.pdf", limits=pdf_limits)
    cached_s = time.perf_counter() - started
    assert again.text == doc.text
    pdf_score = word_accuracy(" ".join(text for text, _ in made), doc.text)

    raw, cleaned, one, default = [], [], [], []
    for text, image in made[: min(n, 3)]:
        for images, bucket in ((image, raw), (image.filter(ImageFilter.MedianFilter(3)), cleaned)):
            bucket.append(word_accuracy(text, ocr.parse_tsv(ocr.recognize(png(images), DPI, 120), 1.0).text))
        data = png(image.filter(ImageFilter.MedianFilter(3)))
        one.append(tesseract_seconds(data, "1"))
        default.append(tesseract_seconds(data, None))

    text_page = "\n".join(f"Line {j} of a report about subject number {j}, with a few more words." for j in range(40))
    (root / "text.pdf").write_bytes(pdf_bytes([text_page] * 100))
    started = time.perf_counter()
    _, text, starts = extract_pdf(root / "text.pdf", "text")
    pypdf_s = time.perf_counter() - started
    started = time.perf_counter()
    boxes = text_layer_boxes(root / "text.pdf", text, starts)
    boxes_s = time.perf_counter() - started

    rows = [
        ("image files, cold (decode + OCR)", f"{n / images_s:.2f} pages/s", f"accuracy mean {sum(scores) / n:.3f}, "
         f"min {min(scores):.3f}"),
        ("scanned PDF, cold (render + OCR)", f"{n / pdf_s:.2f} pages/s", f"accuracy {pdf_score:.3f}"),
        ("scanned PDF again, from the OCR cache", f"{n / cached_s:.2f} pages/s", f"{pdf_s / cached_s:.1f}× faster"),
        ("median filter off / on (same pages)", f"{sum(raw) / len(raw):.3f} / {sum(cleaned) / len(cleaned):.3f}",
         "word accuracy"),
        ("tesseract 1 thread / default threads", f"{sum(one):.2f} s / {sum(default):.2f} s",
         f"{sum(default) / sum(one):.2f}× (default ÷ one)"),
        ("100-page text PDF: pypdf text / word boxes", f"{pypdf_s:.2f} s / {boxes_s:.2f} s",
         f"{len(boxes):,} boxes, {boxes_s / pypdf_s:.1f}× the text's time"),
    ]
    for label, figure, note in rows:
        print(f"{label:<42} {figure:>18}   {note}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
