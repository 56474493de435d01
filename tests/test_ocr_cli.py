"""End to end through `python -m bot`: a scanned letter (PNG) and a scanned two-page PDF are indexed by OCR
and answered with their page and the sentence's boxes in the JSON; without tesseract, or with BOT_OCR=0,
the files are skipped with that reason, and read once OCR can run. Fake embedder, real tesseract.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.ingest import ocr
from tests.scans import HARBOUR, LIBRARY, ORCHARD, save_png, scan, scanned_pdf

pytestmark = pytest.mark.skipif(not ocr.engine(), reason="tesseract-ocr is not installed (.ci/run installs it)")
MISSING = ("letter.png: skipped, the image could not be read: OCR needs tesseract with English data, which is not "
           "installed; install tesseract-ocr and tesseract-ocr-eng")


def bot(args: list[str], docs: Path, stdin: str = "", path: str = "/usr/bin:/bin",
        **env: str) -> subprocess.CompletedProcess:
    environment = {"BOT_MODEL": "fake", "PATH": path, "HF_HUB_OFFLINE": "1", **env}
    return subprocess.run([sys.executable, "-m", "bot", *args, "--docs", str(docs), "--index",
                           str(docs.parent / "index")], input=stdin, capture_output=True, text=True,
                          cwd=PROJECT_ROOT, env={**environment, "HOME": os.environ.get("HOME", "/root")},
                          timeout=300)


def test_an_image_and_a_scanned_pdf_are_answered_with_page_and_boxes(tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    save_png(docs / "letter.png", HARBOUR, angle=0.8, seed=7)
    (docs / "scan.pdf").write_bytes(scanned_pdf([scan(ORCHARD, angle=-0.5, seed=8)[0],
                                                 scan(LIBRARY, angle=0.4, seed=9)[0]]))
    questions = ("When did the dry dock close?\nWho planted the oldest pear trees?\n"
                 "When did the library open its tool room?\n")
    done = bot(["ask", "--json"], docs, stdin=questions)
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    expected = [("1968", "letter.png", 1), ("Tomas Brandt", "scan.pdf", 1), ("2019", "scan.pdf", 2)]
    for answer, (fact, doc_id, page) in zip(answers, expected, strict=True):
        assert not answer["abstained"] and fact in answer["answer"]
        first = answer["citations"][0]
        assert (first["doc_id"], first["page"]) == (doc_id, page)
        assert first["ocr"]["note"] == "OCR text" and first["ocr"]["confidence"] > 80
        assert len(first["boxes"]) == len(first["sentence"]["text"].split())
        assert {b["page"] for b in first["boxes"]} == {page}
    assert list((tmp_path / "index" / "ocr").glob("*/*.json"))  # three pages, cached under the index


def test_without_tesseract_or_with_ocr_off_the_image_is_skipped_then_read_when_ocr_can_run(tmp_path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    save_png(docs / "letter.png", HARBOUR)
    (docs / "notes.txt").write_text("The office opens at nine.\n", encoding="utf-8")
    no_tesseract = bot(["index"], docs, path=str(tmp_path))  # a PATH where no tesseract lives
    assert no_tesseract.returncode == 0 and MISSING in no_tesseract.stderr
    off = bot(["index"], docs, BOT_OCR="0")
    assert "letter.png: skipped, the image could not be read: OCR is off (BOT_OCR=0)" in off.stderr
    on = bot(["ask", "--json", "When did the dry dock close?"], docs)
    assert "skipped" not in on.stderr and "1968" in json.loads(on.stdout)["answer"]
