"""Written answers stream into a real browser: the web app (fake embedder) is pointed at a fake OpenAI-compatible
endpoint that sends its answer a few characters at a time; the page shows the draft with each sentence's
✓/✗ before the answer is complete, then the final answer with only the supported sentence and the one that
was not shown, with why."""

import shutil

import pytest

from tests.chat_servers import FakeChat
from tests.conftest import SEED_FILE
from tests.serving import running_app

pytestmark = pytest.mark.browser
ANSWER = ".cb-answer:has(.cb-why)"
TEXT = "Susie Wiles is the White House chief of staff [1]. She was born on Mars in 1850 [1]. Wiles watched closely."


@pytest.fixture(scope="module")
def llm_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("llm-app")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(SEED_FILE, docs / SEED_FILE.name)
    pieces = [TEXT[i:i + 6] for i in range(0, len(TEXT), 6)]
    with FakeChat(pieces, delay=0.12) as fake, running_app(docs, root / "index", env={
            "BOT_LLM_URL": fake.url, "BOT_LLM": "1", "BOT_LLM_API_KEY": "sk-browser-secret"}) as url:
        yield url, fake


def test_a_written_answer_streams_with_its_checks_into_the_page(browser, llm_app) -> None:
    url, fake = llm_app
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_selector("#cb-question textarea", timeout=30_000)
        assert page.locator("#cb-llm input[type=checkbox]").is_checked()
        # Record every mark that shows while the answer is being written (a draft may be replaced quickly).
        page.evaluate("""() => { window.__seen = new Set(); new MutationObserver(() => {
            for (const mark of ['.cb-writing .cb-supported', '.cb-writing .cb-unsupported', '.cb-writing'])
                if (document.querySelector(mark)) window.__seen.add(mark);
            if (document.querySelector('.cb-why')) window.__seen.add('final');
        }).observe(document.body, {childList: true, subtree: true}); }""")
        page.fill("#cb-question textarea", "Who is the White House chief of staff?")
        page.keyboard.press("Enter")
        # While it is being written: the first sentence already checked, the rest still coming.
        page.wait_for_selector(".cb-writing .cb-supported", timeout=30_000)
        assert page.locator(ANSWER).count() == 0
        page.wait_for_selector(ANSWER, timeout=30_000)
        seen = page.evaluate("() => [...window.__seen]")
        assert {".cb-writing", ".cb-writing .cb-supported", ".cb-writing .cb-unsupported"} <= set(seen)
        answer = page.locator(ANSWER)
        assert answer.locator(".cb-text").inner_text().strip() == "Susie Wiles is the White House chief of staff [1]."
        assert "checked against the passage it cites" in answer.locator(".cb-writer").inner_text()
        dropped = answer.locator(".cb-dropped")
        dropped.locator("summary").click()
        assert "Not shown: 2 sentences" in dropped.inner_text()
        assert "[1] does not mention 1850, mars" in dropped.inner_text()
        assert "it cites no passage" in dropped.inner_text()
        assert "sk-browser-secret" not in page.content()
        assert fake.requests and fake.requests[-1]["authorization"] == "Bearer sk-browser-secret"
    finally:
        page.close()
