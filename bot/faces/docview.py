"""The citation view's document side: a reference to a passage that fits in a class name, and the HTML of the
whole document with that passage marked and its supporting sentence highlighted.

A reference is `<doc key>-<passage start>-<passage end>-<sentence start>-<sentence end>`, the key being a
hash of the document id, so the page never carries a file path and the server accepts nothing but numbers
it checks against the documents it holds. The document text is escaped here; a document longer than
`WINDOW` characters either side of the passage is shown as that window, with a note of what is left out.
Pure string work; how the view is opened in the browser is the UI's business.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.types import Citation, Hit

if TYPE_CHECKING:
    from bot.store.base import Store

WINDOW = 60_000  # characters shown either side of the passage in a very long document
EMPTY = ('<div class="cb-docview cb-empty"><p>Click a citation <b>[n]</b> or <b>View in document</b> to read the '
         "passage in its document, highlighted.</p></div>")
_TOKEN = re.compile(r"^([0-9a-f]{12})-(\d{1,12})-(\d{1,12})-(\d{1,12})-(\d{1,12})$")


@dataclass(frozen=True)
class Ref:
    key: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


def doc_key(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def reference(item: Citation | Hit) -> str:
    """The reference of a citation (passage and sentence) or of a retrieved passage (no sentence)."""
    chunk = item.chunk
    if isinstance(item, Citation):
        return f"{doc_key(item.doc_id)}-{chunk.start}-{chunk.end}-{item.sentence_start}-{item.sentence_end}"
    return f"{doc_key(chunk.doc_id)}-{chunk.start}-{chunk.end}-{chunk.start}-{chunk.start}"


def parse_reference(token: object) -> Ref | None:
    """The reference in `token`, or None when it is not one (anything may come from a browser)."""
    if not isinstance(token, str) or len(token) > 80:
        return None
    match = _TOKEN.match(token.strip())
    if not match:
        return None
    key, *numbers = match.groups()
    return Ref(key, *(int(n) for n in numbers))


def document_html(store: Store | None, token: object) -> str:
    """The whole document (or a window of it) with the referenced passage marked, or a short message."""
    ref = parse_reference(token)
    if ref is None or store is None:
        return _message("This passage could not be opened.")
    doc_id = next((d for d in store.documents if doc_key(d) == ref.key), None)
    if doc_id is None:
        return _message("This document is no longer in the library; ask again for fresh citations.")
    doc = store.documents[doc_id]
    text = doc.text
    s, e, ss, se = ref.start, ref.end, ref.sentence_start, ref.sentence_end
    if not (0 <= s <= ss <= se <= e <= len(text)) or s == e:
        return _message("The document changed since this answer; ask again for fresh citations.")
    lo, hi = max(0, s - WINDOW), min(len(text), e + WINDOW)
    sentence = f"<mark>{_esc(text[ss:se])}</mark>" if se > ss else ""
    where = f"characters {s}–{e} of {len(text):,}"
    page = doc.page_at(ss if se > ss else s)  # the cited sentence's page: a passage may span a page break
    if page is not None:
        where = f"page {page}, {where}"
    mark = doc.mark_at(s)
    if mark:
        where = f"{mark}, {where}"
    return ('<div class="cb-docview">'
            f'<div class="cb-doc-head"><b>{_esc(doc.title)}</b><br><span>{_esc(doc.source or doc.doc_id)} · '
            f"{where}</span></div>"
            '<div class="cb-doc-text" tabindex="0">'
            + (_left_out(lo, "before") if lo > 0 else "")
            + _esc(text[lo:s])
            + f'<span id="cb-focus" class="cb-focus">{_esc(text[s:ss])}{sentence}{_esc(text[se:e])}</span>'
            + _esc(text[e:hi])
            + (_left_out(len(text) - hi, "after") if hi < len(text) else "")
            + "</div></div>")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _left_out(count: int, where: str) -> str:
    return f'<p class="cb-note">… {count:,} characters {where} this are not shown …</p>'


def _message(text: str) -> str:
    return f'<div class="cb-docview cb-empty"><p>{_esc(text)}</p></div>'
