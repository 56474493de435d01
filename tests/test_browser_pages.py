"""Citations on the page, in a real browser (Debian's Chromium via Playwright): clicking [n] shows the cited
page of a scanned letter (OCR) and of a text PDF, and the highlight lies on the page where the test drew
the cited sentence; the text view is still there below it. The app runs as a child process (fake embedder).
"""

from __future__ import annotations

import os

import pytest

from bot.ingest import ocr
from tests.docmakers import pdf_bytes
from tests.scans import HARBOUR, save_png, turned

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not ocr.engine(), reason="tesseract-ocr is not installed (.ci/run installs it)")]
ANSWER = ".cb-answer:has(.cb-why)"
ANGLE = 0.6
SHOT = os.environ.get("CITEBOT_SCREENSHOT", "")  # a path: keep a screenshot of the page view to look at
GATE = "The gate code of the Harbour Trust office is 4417.\nVisitors sign the book at the desk."


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> object:
    from tests.serving import running_app

    root = tmp_path_factory.mktemp("pages-app")
    docs = root / "docs"
    docs.mkdir()
    lines = save_png(docs / "letter.png", HARBOUR, angle=ANGLE)
    (docs / "gate.pdf").write_bytes(pdf_bytes([GATE]))
    with running_app(docs, root / "index") as url:
        yield url, lines


@pytest.fixture
def page(browser, app):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(app[0])
    page.wait_for_selector("#cb-question textarea", timeout=30_000)
    yield page
    context.close()


def open_first_citation(page, question: str) -> dict[str, dict[str, float]]:
    """Ask, click [1], wait for the page image to load; the image's and the first highlight's boxes (px)."""
    page.fill("#cb-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('{ANSWER}').length >= 1", timeout=30_000)
    page.locator(ANSWER).last.locator(".cb-cite").first.click()
    page.wait_for_function("() => { const i = document.querySelector('#cb-viewer .cb-pageview img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=20_000)
    return page.evaluate("""() => {
        const box = (e) => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
        return {image: box(document.querySelector('#cb-viewer .cb-pageview img')),
                mark: box(document.querySelector('#cb-viewer .cb-box'))}; }""")


def overlap(mark: dict[str, float], image: dict[str, float], points: tuple[float, float, float, float]) -> float:
    """The share of the highlight that lies on the rectangle `points` (x0, y0, x1, y1 in points on a letter
    page), once that is placed on the image as the browser shows it."""
    sx, sy = image["w"] / 612, image["h"] / 792
    x0, y0, x1, y1 = image["x"] + points[0] * sx, image["y"] + points[1] * sy, image["x"] + points[2] * sx, \
        image["y"] + points[3] * sy
    width = max(0.0, min(x1, mark["x"] + mark["w"]) - max(x0, mark["x"]))
    height = max(0.0, min(y1, mark["y"] + mark["h"]) - max(y0, mark["y"]))
    return width * height / (mark["w"] * mark["h"])


def test_the_cited_sentence_is_highlighted_on_the_scanned_page(page, app) -> None:
    boxes = open_first_citation(page, "When did the dry dock close?")
    line = next(ln for ln in app[1] if "dry dock closed" in ln.text)  # where the sentence starts
    x0, y0 = turned(line.box[0], line.box[1], ANGLE)
    x1, y1 = turned(line.box[2], line.box[3], ANGLE)
    assert overlap(boxes["mark"], boxes["image"], (x0, y0, x1, y1)) > 0.6
    assert "read by OCR" in page.inner_text("#cb-viewer .cb-page-head")
    assert "1968" in page.inner_text("#cb-viewer #cb-focus mark")  # the text view is still there, below
    assert not page.errors


def test_the_cited_sentence_is_highlighted_on_the_text_pdf_page(page) -> None:
    boxes = open_first_citation(page, "What is the gate code of the Harbour Trust office?")
    # docmakers draws the line in 11-point Helvetica from x = 72 with its baseline 72 pt below the top.
    assert overlap(boxes["mark"], boxes["image"], (72, 61, 330, 75)) > 0.8
    assert boxes["mark"]["w"] > 0.3 * boxes["image"]["w"]
    page.screenshot(path=str(SHOT)) if SHOT else None
    assert not page.errors
