"""How long reading one file of each office, e-book and e-mail format takes, small and large.

Small: the files the tests write (`tests/formatmakers.py`), so the figure is mostly the bounded child
process starting and importing its parser. Large: a 20,000-row × 6-column workbook and the same rows as
CSV, and a 200-slide deck. Prints wall and CPU seconds per file (median of `--runs`; CPU counts the child
process too, so the figure holds on a busy machine) and rows or slides per CPU second.
Run from the project root:

    .venv/bin/python bench/read_formats.py [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pptx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import formatmakers as fm  # noqa: E402

from bot.ingest.chunking import chunk_document  # noqa: E402
from bot.ingest.reading import read_file  # noqa: E402

ROWS = 20_000


def _small(folder: Path) -> list[tuple[str, Path, int]]:
    (folder / "kiln.rtf").write_text(fm.RTF, encoding="ascii")
    return [("pptx", fm.write_pptx(folder / "deck.pptx"), 0), ("xlsx", fm.write_xlsx(folder / "stock.xlsx"), 0),
            ("csv", fm.write_csv(folder / "trains.csv", fm.TRAINS), 0), ("epub", fm.write_epub(folder / "b.epub"), 0),
            ("odt", fm.write_odt(folder / "g.odt"), 0), ("ods", fm.write_ods(folder / "b.ods"), 0),
            ("odp", fm.write_odp(folder / "t.odp"), 0), ("rtf", folder / "kiln.rtf", 0),
            ("eml", fm.write_eml(folder / "m.eml"), 0)]


def _large(folder: Path) -> list[tuple[str, Path, int]]:
    rows = [["Part", "Warehouse", "Bay", "Quantity", "Supplier", "Checked"]]
    rows += [[f"P-{i:05d}", ("Leeds", "York", "Hull")[i % 3], f"B{i % 97}", i % 500, f"Supplier {i % 41}",
              f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"] for i in range(ROWS)]
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Inventory")
    for row in rows:
        sheet.append(row)
    book.save(folder / "big.xlsx")
    fm.write_csv(folder / "big.csv", [[str(c) for c in row] for row in rows])
    deck = pptx.Presentation()
    for n in range(200):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Topic {n}"
        slide.placeholders[1].text_frame.text = f"Point {n} is explained here in one sentence."
        slide.notes_slide.notes_text_frame.text = f"Speaker note {n}."
    deck.save(str(folder / "big.pptx"))
    return [("xlsx 20k rows", folder / "big.xlsx", ROWS), ("csv 20k rows", folder / "big.csv", ROWS),
            ("pptx 200 slides", folder / "big.pptx", 200)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'file':<18}{'KB':>8}{'wall s':>9}{'CPU s':>9}{'passages':>10}{'units/CPU s':>13}")
        for label, path, units in [*_small(folder), *_large(folder)]:
            walls, cpus = [], []
            for _ in range(runs):
                started, cpu = time.perf_counter(), _cpu()
                doc = read_file(path, path.name)
                walls.append(time.perf_counter() - started)
                cpus.append(_cpu() - cpu)
            cpu = statistics.median(cpus)
            rate = f"{units / cpu:,.0f}" if units else ""
            print(f"{label:<18}{path.stat().st_size / 1024:>8.1f}{statistics.median(walls):>9.2f}{cpu:>9.2f}"
                  f"{len(chunk_document(doc)):>10}{rate:>13}")


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the bounded reader processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
