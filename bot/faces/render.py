"""`Answer` → the HTML of one chat bubble: the answer with clickable [n] markers, the cited passages with the
supporting sentence highlighted, the query actually searched, and a collapsed "Why this answer" (confidence,
stage timings, every candidate passage with its scores).

Every piece of document or user text goes through `html.escape` here, so a document can never inject
markup, script or a remote image; the chat shows this HTML with Markdown rendering off, so nothing is
re-read as Markdown or LaTeX either. [n] and "View in document" carry a reference (see `docview`) in a
class name, the one attribute besides `id` that the Chatbot's sanitizer keeps. Pure string work; gradio is
not imported, and the whole-document view is `docview`'s job.
"""

from __future__ import annotations

import html
import re

from bot.faces.docview import reference
from bot.types import Answer, Citation, Hit

PENDING = '<p class="cb-pending">Searching the documents…</p>'
STAGES = ("context", "embed", "retrieve", "rescore", "compose", "total")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_MARKER = re.compile(r" ?\[(\d+)\]")


def esc(text: str) -> str:
    """Text that HTML shows literally, attribute quotes included."""
    return html.escape(text, quote=True)


def escape(text: str) -> str:
    """Text that Markdown and HTML will both show literally (for gr.Markdown, e.g. the page description)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=True))


def question_html(text: str) -> str:
    return f'<p class="cb-question">{esc(text)}</p>'


def error_html(message: str) -> str:
    return f'<p class="cb-error" role="alert">⚠️ {esc(message)}</p>'


def answer_html(answer: Answer, min_confidence: float = 0.5, details: bool = True) -> str:
    """The bubble for `answer`; `details=False` gives the answer alone (streamed first, sources follow)."""
    parts = ['<div class="cb-answer">']
    if answer.abstained:
        parts.append(f'<p class="cb-text cb-abstained">{esc(answer.text)}</p>')
    else:
        parts.append(f'<p class="cb-text">{_with_markers(answer)}</p>')
    if answer.query != answer.question:
        parts.append(f'<p class="cb-query">Searched for: <q>{esc(answer.query)}</q></p>')
    if details:
        if answer.abstained and answer.retrieved:
            parts.append('<p class="cb-note">Closest passages — <em>not an answer</em>:</p><ul class="cb-closest">')
            parts += [f"<li>{_hit_label(h)}: {esc(_short(h.chunk.text))} {_view(h)}</li>" for h in answer.retrieved[:3]]
            parts.append("</ul>")
        if answer.citations:
            parts.append('<div class="cb-sources">')
            parts += [_source(c) for c in answer.citations]
            parts.append("</div>")
        parts.append(why_html(answer, min_confidence))
    parts.append("</div>")
    return "".join(parts)


def why_html(answer: Answer, min_confidence: float) -> str:
    """Why this answer: the abstention confidence against its threshold, stage timings, the candidates."""
    verdict = "below" if answer.confidence < min_confidence else "at or above"
    rows = "".join(f"<tr><td>{h.rank}</td><td>{_hit_label(h)} {_view(h)}</td><td>{h.score:.3f}</td>"
                   f"<td>{h.dense:.3f}</td><td>{h.lexical:.2f}</td></tr>" for h in answer.retrieved)
    timings = "".join(f"<tr><th>{stage}</th><td>{answer.timings_ms[stage]:.1f} ms</td></tr>"
                      for stage in STAGES if stage in answer.timings_ms)
    return ('<details class="cb-why"><summary>Why this answer</summary>'
            f'<p>Confidence that the documents answer this: <b>{answer.confidence:.2f}</b>, {verdict} the '
            f'threshold {min_confidence:.2f} under which the bot says it could not find it.</p>'
            f'<p>Searched for: <q>{esc(answer.query)}</q></p>'
            f'<div class="cb-table"><table class="cb-timings"><caption>Stage timings</caption>{timings}</table></div>'
            '<div class="cb-table"><table class="cb-candidates"><caption>Candidate passages: fused score, best '
            'sentence cosine (dense), BM25</caption><thead><tr><th>#</th><th>passage</th><th>score</th><th>dense</th>'
            f'<th>BM25</th></tr></thead><tbody>{rows}</tbody></table></div></details>')


def _with_markers(answer: Answer) -> str:
    """The answer text escaped, each `[n]` turned into a button that opens citation n."""
    by_n = {c.n: c for c in answer.citations}
    out, last = [], 0
    for match in _MARKER.finditer(answer.text):
        out.append(esc(answer.text[last:match.start()]))
        c = by_n.get(int(match.group(1)))
        if c is None:
            out.append(esc(match.group(0)))
        else:
            out.append(f' <button type="button" class="cb-cite cb-ref-{reference(c)}" title="{esc(_short(c.sentence))}"'
                       f'>[{c.n}]</button>')
        last = match.end()
    out.append(esc(answer.text[last:]))
    return "".join(out)


def _source(c: Citation) -> str:
    offset = c.chunk.start
    passage = c.chunk.text
    before = passage[: c.sentence_start - offset]
    sentence = passage[c.sentence_start - offset: c.sentence_end - offset]
    after = passage[c.sentence_end - offset:]
    return (f'<details class="cb-source cb-n-{c.n}"><summary><span class="cb-n">[{c.n}]</span> '
            f'<span class="cb-title">{esc(c.title)}</span> · {esc(c.location)}{_ocr_note(c)}</summary>'
            f'<blockquote class="cb-passage">{_header(c)}{esc(before)}<mark>{esc(sentence)}</mark>{esc(after)}'
            "</blockquote>"
            f'<p class="cb-meta">{esc(c.source or c.doc_id)} · characters {c.chunk.start}–{c.chunk.end} · score '
            f'{c.score:.2f}{_also_in(c)} <button type="button" class="cb-view cb-ref-{reference(c)}">View in document'
            "</button></p></details>")


def _header(c: Citation) -> str:
    return f'<span class="cb-header">{esc(c.header)}</span><br>' if c.header else ""


def _also_in(c: Citation) -> str:
    return f" · the same text is also in {esc(', '.join(c.also_in))}" if c.also_in else ""


def _ocr_note(c: Citation) -> str:
    note = c.ocr_note
    return f' · <span class="cb-ocr" title="read from an image by OCR; check it on the page">{esc(note)}</span>' \
        if note else ""


def _hit_label(h: Hit) -> str:
    return f'<span class="cb-title">{esc(h.chunk.doc_id)}</span> · {esc(h.chunk.location)}'


def _view(h: Hit) -> str:
    return f'<button type="button" class="cb-view cb-ref-{reference(h)}">view</button>'


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
