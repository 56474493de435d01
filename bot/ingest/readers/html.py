"""An HTML page → its main text: headings as `#` lines, one block per paragraph or list item, tables as pipe
tables (`tables`), `<br>` as a line break.

BeautifulSoup (with lxml) parses the page; this module only decides what is content, in one walk over
the tree. Scripts, styles, navigation, page headers and footers, asides and hidden elements are dropped;
when the page marks its content with `<main>` (or a single `<article>`), only that is kept. The `<title>`
becomes the document title. Inline markup is flattened; links, images and forms are not followed.
A table with a header row (`<th>` cells or `<thead>`; without any `<th>`, a first row of three or more
cells holding no digits) becomes a pipe table; a key/value table (a `<th>` opening each row, or two columns
and no `<th>`) becomes one "Key: value" block per row; any other table one "a | b" block per row. A cell
spanning rows or columns (`rowspan`, `colspan`) is repeated in each, so every row keeps its key; header rows
stacked in `<thead>` become one ("Output 2025"). A cell's paragraphs, list items and line breaks stay apart
inside its one line; a table inside a cell is read after the table that holds it. A definition list's term
goes before its definition ("Term: definition"). A table that only lays out the page (`html_grid`) is read
as the page's content.
"""

from __future__ import annotations

import codecs

from bs4 import BeautifulSoup, CData, NavigableString, PageElement, Tag
from bs4.dammit import EncodingDetector

from bot.errors import DocumentError
from bot.ingest.decoding import clean_text, decode, guess_title
from bot.ingest.readers.html_grid import fill_from_above, is_layout, merge_header_rows, own_rows, span
from bot.ingest.tables import one_line, table_blocks

_DROP = frozenset(("script", "style", "nav", "aside", "noscript", "template", "svg", "canvas", "iframe",
                   "object", "embed", "button", "select", "head"))
_DROP_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search"))
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Elements that end the running paragraph; anything else is inline and joins the text around it.
_BLOCKS = frozenset(("p", "div", "section", "article", "main", "body", "html", "blockquote", "pre", "figure",
                     "figcaption", "address", "details", "summary", "dl", "dt", "dd", "table", "thead", "tbody",
                     "tfoot", "caption", "hr", "form", "fieldset", "legend", "center"))
_LAYOUT_CELLS = frozenset(("tr", "td", "th"))  # in a layout table, blocks like any <div>
_BREAK = "\u2028"  # LINE SEPARATOR: a <br> in the buffer (and one written in the page is a line break too)


def read_html(raw: bytes, fallback_title: str) -> tuple[str, str]:
    """(title, text) of an HTML page given as bytes."""
    soup = BeautifulSoup(_markup(raw), "lxml")
    title_tag = soup.title
    title = " ".join(title_tag.get_text().split())[:200] if title_tag else ""
    walker = _Walker()
    walker.walk(soup)
    text = clean_text("\n\n".join(walker.content_blocks()))
    if not text.strip():
        raise DocumentError("the page has no readable text once scripts and navigation are removed")
    return title or guess_title(text, fallback_title), text


def _markup(raw: bytes) -> bytes | str:
    """Bytes when the page names its encoding (a BOM or a meta charset) for BeautifulSoup to honour; else
    text decoded as any text file is (`decoding.decode`: UTF-8, a few stray bytes repaired, else detected).
    A page that says UTF-8 but is not (a template's charset line above Windows-1252 text) is decoded too:
    taking its word would turn every € and é into U+FFFD."""
    has_bom = raw.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not has_bom and b"\0" in raw[:8192]:
        raise DocumentError("the file looks binary, not HTML")
    declared = EncodingDetector.find_declared_encoding(raw, is_html=True)
    if has_bom or (declared and not (_says_utf8(declared) and not _valid_utf8(raw))):
        return raw
    return decode(raw)[0]


def _says_utf8(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def _valid_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class _Walker:
    """Collects blocks in reading order; inline text accumulates until a block element closes it.

    The walk is iterative (an explicit stack of enter/leave steps) because a hostile page can nest
    elements 100 000 deep, far past Python's recursion limit."""

    def __init__(self, in_cell: bool = False) -> None:
        self.in_cell = in_cell  # walking one table cell: nested tables are put aside in `nested`
        self.nested: list[Tag] = []
        self.blocks: list[tuple[str, bool, int]] = []  # (text, inside <main>, number of its <article> or 0)
        self.buffer: list[str] = []
        self.prefix = ""  # "- " or "3. " until the first block of a list item is written
        self.lists: list[list[int]] = []  # per open list: [next number], or [] for a bulleted list
        self.main_depth = 0
        self.article = 0  # the top-level <article> being walked (1-based), 0 outside any
        self.article_depth = 0
        self.articles = 0
        self.term = ""  # a <dt>'s text, waiting to open the definition that follows it
        self.layout = 0  # layout tables being walked as content (`html_grid.is_layout`)

    def walk(self, root: Tag) -> None:
        stack: list[tuple[PageElement, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self.leave(node)  # only tags are pushed as leave steps
            elif isinstance(node, Tag):
                if self.enter(node):
                    stack.append((node, True))
                    stack.extend((child, False) for child in reversed(node.contents))
            elif type(node) in (NavigableString, CData):  # not comments, doctypes or declarations
                self.buffer.append(str(node))
        self.flush()

    def enter(self, tag: Tag) -> bool:
        """Handle the opening of `tag`; True when its children should be walked."""
        name = tag.name
        if (name in _DROP or tag.get("role") in _DROP_ROLES or tag.has_attr("hidden")
                or tag.get("aria-hidden") == "true"):
            return False
        if name in ("header", "footer") and not (self.main_depth or self.article_depth):
            return False  # a page's header or footer is boilerplate; an article's header holds its headline
        if name in ("table", "dt"):
            self.flush()
            self.write_term()
        if name == "table":
            if self.in_cell:
                self.nested.append(tag)
            elif is_layout(tag):  # a page laid out in a table: its cells are read as the page's content
                self.layout += 1
                return True
            else:
                self.tables(tag)
            return False
        if self.layout and name in _LAYOUT_CELLS:
            self.flush()
            return True
        if name in _HEADINGS or name == "tr":
            self.flush()
            self.write_term()
            if name == "tr":
                cells = [" ".join(c.get_text().split()) for c in tag.find_all(["td", "th"], recursive=False)]
                text = " | ".join(c for c in cells if c)
            else:
                text = " ".join(tag.get_text().split())
                text = "#" * _HEADINGS[name] + " " + text if text else ""
            if text:
                self.add(text)
            return False
        if name == "br":
            self.buffer.append(_BREAK)
            return False
        if name in _BLOCKS or name in ("ul", "ol", "li"):
            self.flush()
        if name in ("ul", "ol"):
            self.lists.append([_first_number(tag)] if name == "ol" else [])
        elif name == "li":
            counter = self.lists[-1] if self.lists else []
            self.prefix = "" if self.in_cell else f"{counter[0]}. " if counter else "- "
            if counter:
                counter[0] += 1
        elif name == "main":
            self.main_depth += 1
        elif name == "article":
            if not self.article_depth:  # a nested article (a comment, a quoted post) belongs to its outer one
                self.articles += 1
                self.article = self.articles
            self.article_depth += 1
        return True

    def leave(self, tag: Tag) -> None:
        name = tag.name
        if name == "table":  # only a layout table is walked, so only it is left
            self.layout -= 1
        if self.layout and name in _LAYOUT_CELLS:
            self.flush()
        if name == "dt":
            self.term, self.buffer = " ".join("".join(self.buffer).replace(_BREAK, " ").split()), []
            return
        if name in _BLOCKS or name in ("ul", "ol", "li"):
            self.flush()
        if name == "dl":
            self.write_term()
        if name in ("ul", "ol"):
            self.lists.pop()
        elif name == "li":
            self.prefix = ""
        elif name == "main":
            self.main_depth -= 1
        elif name == "article":
            self.article_depth -= 1
            self.article = self.article if self.article_depth else 0

    def add(self, text: str) -> None:
        self.blocks.append((text, self.main_depth > 0, self.article))

    def flush(self) -> None:
        lines = (" ".join(line.split()) for line in "".join(self.buffer).split(_BREAK))
        text = "\n".join(line for line in lines if line)
        self.buffer = []
        if text:
            if self.term:  # the definition a <dt> named: "Refunds: Refunds are paid within 14 days."
                text = f"{self.term.rstrip(':')}: {text}"
                self.term = ""
            self.add(self.prefix + text)
            self.prefix = ""

    def write_term(self) -> None:
        """A <dt> with no definition of its own before the next block stands alone."""
        if self.term:
            self.add(self.term)
            self.term = ""

    def tables(self, table: Tag) -> None:
        """Add `table` as blocks, then the tables found inside its cells (a queue, not recursion: a hostile
        page may nest tables without end)."""
        queue = [table]
        while queue:
            caption = queue[0].find("caption", recursive=False)
            if caption is not None and caption.get_text().strip():
                self.add(" ".join(caption.get_text().split()))  # the table's own title, above it
            rows: list[list[tuple[str, bool]]] = []  # per row: (cell text, is a <th>)
            in_head: list[bool] = []
            above: dict[int, tuple[tuple[str, bool], int]] = {}  # column → (cell, rows it still covers)
            for row, head in own_rows(queue.pop(0)):
                cells: list[tuple[str, bool]] = []
                for cell in row.find_all(["td", "th"], recursive=False):
                    fill_from_above(cells, above)
                    if cell.find(True) is None:  # text only (most cells): no walk needed
                        text = " ".join(cell.get_text().split())
                    else:
                        walker = _Walker(in_cell=True)
                        walker.walk(cell)
                        queue.extend(walker.nested)
                        text = one_line([line for text, _, _ in walker.blocks for line in text.split("\n")])
                    for _ in range(span(cell)):
                        if span(cell, "rowspan") > 1:
                            above[len(cells)] = ((text, cell.name == "th"), span(cell, "rowspan") - 1)
                        cells.append((text, cell.name == "th"))
                fill_from_above(cells, above)
                if any(text for text, _ in cells):
                    rows.append(cells)
                    in_head.append(head)
            merge_header_rows(rows, in_head)
            if rows:
                texts = [[text for text, _ in row] for row in rows]
                no_th = not any(is_th for row in rows for _, is_th in row)
                key_value = all(len(row) >= 2 and row[0][1] for row in rows) or (
                    no_th and all(len(row) == 2 for row in rows))
                # Without <th>, a first row of three or more cells and no digits is a header written with <td>.
                header = in_head[0] or all(is_th for _, is_th in rows[0]) or (
                    no_th and len(rows[0]) > 2 and not any(ch.isdigit() for ch in "".join(texts[0])))
                for block in table_blocks(texts, header, key_value):
                    self.add(block)

    def content_blocks(self) -> list[str]:
        if any(in_main for _, in_main, _ in self.blocks):
            return [text for text, in_main, _ in self.blocks if in_main]
        if self.articles == 1:
            return [text for text, _, article in self.blocks if article == 1]
        return [text for text, _, _ in self.blocks]


def _first_number(ordered_list: Tag) -> int:
    start = ordered_list.get("start")
    return int(start) if isinstance(start, str) and start.strip().isdigit() else 1
