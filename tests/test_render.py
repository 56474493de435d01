"""Rendering never lets document text become markup: answers, passages, the "Why" table and the whole
document view show a hostile document's `<script>`, `<img onerror>`, Markdown images and javascript: links
as text. Also: [n] markers become buttons carrying a reference, and references are checked strictly."""

import re
from html.parser import HTMLParser

import pytest

from bot.assistant import Citebot
from bot.config import Settings
from bot.faces.docview import EMPTY, document_html, parse_reference, reference
from bot.faces.render import answer_html
from tests.conftest import HOSTILE_TEXT

QUESTION = "Where do the striped zebras graze and what is the zebra payload?"


@pytest.fixture
def hostile_bot(tmp_path, fake) -> Citebot:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "zebra.md").write_text(HOSTILE_TEXT, encoding="utf-8")
    bot = Citebot(Settings(docs_dir=docs, index_dir=tmp_path / "index", model="fake"), embedder=fake)
    bot.open()
    return bot


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def tags(markup: str) -> set[str]:
    """Every element the markup makes; it also asserts that they carry none but our attributes."""
    parser = _Elements()
    parser.feed(markup)
    assert parser.attributes <= {"class", "type", "title", "id", "role", "tabindex"}, parser.attributes
    return parser.tags


SAFE_TAGS = {"div", "p", "button", "details", "summary", "span", "blockquote", "mark", "q", "em", "b", "br",
             "ul", "li", "table", "caption", "thead", "tbody", "tr", "th", "td"}


def test_an_answer_from_a_hostile_document_is_only_our_markup(hostile_bot) -> None:
    answer = hostile_bot.ask(QUESTION)
    assert answer.citations, answer.text
    markup = answer_html(answer)
    assert tags(markup) <= SAFE_TAGS
    assert "&lt;script&gt;" in markup or "&lt;img" in markup


def test_the_document_view_of_a_hostile_document_is_text(hostile_bot) -> None:
    answer = hostile_bot.ask(QUESTION)
    view = document_html(hostile_bot.store, reference(answer.citations[0]))
    assert tags(view) <= SAFE_TAGS
    assert "&lt;script&gt;window.__pwned = 1; alert(1)&lt;/script&gt;" in view
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2" in view
    assert "![zebra](http://evil.example/md-zebra.png)" in view and "${window.__pwned = 4}" in view
    assert view.count('id="cb-focus"') == 1 and "<mark>" in view


def test_an_abstention_shows_closest_passages_escaped(hostile_bot) -> None:
    answer = hostile_bot.ask("What is the capital of France?")
    markup = answer_html(answer)
    assert answer.abstained and tags(markup) <= SAFE_TAGS and "not an answer" in markup


def test_markers_become_buttons_with_references(fake_bot) -> None:
    answer = fake_bot.ask("Who is the White House chief of staff?")
    markup = answer_html(answer, details=False)
    buttons = re.findall(r'<button type="button" class="cb-cite cb-ref-([\w-]+)" title="[^"]*">\[(\d)\]</button>',
                         markup)
    assert [int(n) for _, n in buttons] == [c.n for c in answer.citations]
    assert "cb-source" not in markup and "cb-why" not in markup
    full = answer_html(answer)
    assert "Why this answer" in full and "embed" in full and "Candidate passages" in full


def test_the_document_view_marks_the_cited_sentence(fake_bot) -> None:
    answer = fake_bot.ask("Who is the White House chief of staff?")
    c = answer.citations[0]
    view = document_html(fake_bot.store, reference(c))
    assert f"<mark>{c.sentence}</mark>" in view.replace("&#x27;", "'")
    assert "CNN&#x27;s Kit Maher" in view  # the whole document, not only the passage


@pytest.mark.parametrize("token", [None, 3, "", "x" * 200, "../../etc/passwd", "0123456789ab-1-2-1-2",
                                   "<script>", "abcdefabcdef-10-5-5-5"])
def test_bad_references_give_a_message(fake_bot, token) -> None:
    view = document_html(fake_bot.store, token)
    assert "cb-empty" in view and "cb-focus" not in view


def test_a_reference_is_numbers_and_a_key() -> None:
    assert parse_reference("0123456789ab-1-20-3-10").start == 1
    assert parse_reference("0123456789AB-1-20-3-10") is None
    assert "cb-empty" in EMPTY
