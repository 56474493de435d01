"""The web UI in a real browser (Debian's Chromium, headless, driven by Playwright): ask, see an answer with
a citation, open it in its document, follow up; a hostile document shows as text and runs nothing; the
page works at phone width. The app runs as a child process with the fake embedder (see conftest.py)."""

import time

import pytest

pytestmark = pytest.mark.browser
ANSWER = ".cb-answer:has(.cb-why)"  # a finished answer (the sources and "Why this answer" stream in last)


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.events = {"dialogs": [], "requests": [], "errors": []}
    page.on("dialog", lambda d: (page.events["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: page.events["requests"].append(r.url))
    page.on("pageerror", lambda e: page.events["errors"].append(str(e)))
    page.goto(app_url)
    page.wait_for_selector("#cb-question textarea", timeout=30_000)
    yield page
    context.close()


def ask(page, question: str, count: int) -> object:
    page.fill("#cb-question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('{ANSWER}').length >= {count}", timeout=30_000)
    return page.locator(ANSWER).nth(count - 1)


def test_ask_open_a_citation_and_follow_up(page) -> None:
    started = time.monotonic()
    answer = ask(page, "Who is the White House chief of staff?", 1)
    assert "Susie Wiles" in answer.locator(".cb-text").inner_text()
    answer.locator(".cb-cite").first.click()
    # The passage opens under the answer, its supporting sentence highlighted …
    source = answer.locator(".cb-source.cb-n-1")
    assert source.get_attribute("open") is not None
    assert "Susie Wiles" in source.locator("mark").inner_text()
    # … and the whole document opens in the panel, scrolled to the passage.
    page.wait_for_selector("#cb-viewer #cb-focus mark", timeout=10_000)
    assert "Susie Wiles" in page.inner_text("#cb-viewer #cb-focus mark")
    assert "CNN's Kit Maher" in page.inner_text("#cb-viewer .cb-doc-text")  # the rest of the document is there
    visible = page.evaluate("""() => { const f = document.querySelector('#cb-focus');
        const box = f.closest('.cb-doc-text').getBoundingClientRect(); const r = f.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom; }""")
    assert visible
    follow = ask(page, "What was she watching?", 2)
    assert "Searched for" in follow.locator(".cb-query").inner_text()
    assert "Who is the White House chief of staff?" in follow.locator(".cb-query").inner_text()
    assert "watching" in follow.locator(".cb-text").inner_text()
    follow.locator("summary", has_text="Why this answer").click()
    why = follow.locator(".cb-why").inner_text()
    assert "Confidence" in why and "retrieve" in why and "Candidate passages" in why
    assert not page.events["errors"]
    assert time.monotonic() - started < 60


def test_a_hostile_document_shows_as_text_and_runs_nothing(page) -> None:
    answer = ask(page, "Where do the striped zebras graze and what is the zebra payload?", 1)
    text = answer.inner_text()
    assert "zebra" in text.lower()
    cited = answer.locator(".cb-source", has_text="zebra").first
    number = cited.locator(".cb-n").inner_text().strip("[]")
    answer.locator(".cb-cite", has_text=f"[{number}]").click()  # opens the passage and the document
    assert "payload" in cited.inner_text() or "graze" in cited.inner_text()
    page.wait_for_function("document.querySelector('#cb-viewer .cb-doc-text')?.innerText.includes('zebra')")
    shown = page.inner_text("#cb-viewer .cb-doc-text")
    for literal in ("<script>window.__pwned = 1; alert(1)</script>", '<img src=x onerror="window.__pwned = 2',
                    "![zebra](http://evil.example/md-zebra.png)", "[a zebra link](javascript:window.__pwned=3)",
                    "${window.__pwned = 4}", "{{constructor.constructor('window.__pwned = 5')()}}"):
        assert literal in shown
    for summary in answer.locator("summary").all():  # every passage and "Why this answer" opened
        summary.click()
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pwned") is None
    assert page.events["dialogs"] == []
    assert not [u for u in page.events["requests"] if "evil.example" in u]
    assert page.locator("img[src*='evil'], #cb-viewer img, .cb-answer img, .cb-answer script").count() == 0
    assert not page.events["errors"]


def test_phone_width_has_no_sideways_scroll(browser, app_url) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(app_url)
        page.wait_for_selector("#cb-question textarea", timeout=30_000)
        answer = ask(page, "Who is the White House chief of staff?", 1)
        answer.locator(".cb-cite").first.click()
        page.wait_for_selector("#cb-viewer #cb-focus", timeout=10_000)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 392
        chat, viewer = page.locator("#cb-chat").bounding_box(), page.locator("#cb-viewer").bounding_box()
        assert viewer["y"] >= chat["y"] + chat["height"] - 1  # the panel sits under the chat, not beside it
    finally:
        context.close()


def test_clear_conversation_forgets_the_topic(page) -> None:
    ask(page, "Who is the White House chief of staff?", 1)
    page.click("#cb-clear")
    page.wait_for_function(f"document.querySelectorAll('{ANSWER}').length === 0")
    answer = ask(page, "What was she watching?", 1)
    assert answer.locator(".cb-query").count() == 0  # nothing earlier to lean on
