"""Remake docs/screenshot.png and docs/screenshot-phone.png: the app with the real bundled model over seeds/,
answering a seed question with its first citation opened, then a follow-up (phone width).

Run from the project root: `.venv/bin/python docs/make_screenshots.py` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from bot.config import PROJECT_ROOT
from tests.serving import launch_chromium, running_app

DOCS = PROJECT_ROOT / "docs"
ANSWER = ".cb-answer:has(.cb-why)"


def ask(page: Page, question: str, count: int) -> None:
    page.fill("#cb-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('{ANSWER}').length >= {count}", timeout=60_000)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, running_app(PROJECT_ROOT / "seeds", Path(tmp) / "index",
                                                           model="bundled") as url, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(url)
        page.wait_for_selector("#cb-question textarea")
        ask(page, "What prompted Vance to call the Indian prime minister?", 1)
        page.locator(ANSWER).first.locator(".cb-cite").last.click()
        page.wait_for_selector("#cb-viewer #cb-focus mark")
        page.wait_for_timeout(600)
        page.screenshot(path=str(DOCS / "screenshot.png"))
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(url)
        phone.wait_for_selector("#cb-question textarea")
        ask(phone, "Who did Vance call?", 1)
        ask(phone, "When had he met him before?", 2)
        phone.locator(ANSWER).nth(1).locator(".cb-cite").first.click()
        phone.wait_for_selector("#cb-viewer #cb-focus mark")
        phone.locator(ANSWER).nth(1).evaluate("e => e.scrollIntoView({block: 'start'})")
        phone.evaluate("() => window.scrollTo(0, 0)")
        phone.wait_for_timeout(600)
        phone.screenshot(path=str(DOCS / "screenshot-phone.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
