"""`Answer` → the Markdown the chat shows: the answer with [n] markers, then each cited passage with its
title, location, character offsets and score, the supporting sentence in bold.

Every piece of document or user text is escaped here (HTML and Markdown), so a document can never
inject markup, script or a remote image into the page. Pure string work; gradio is not imported.
"""

from __future__ import annotations

import html
import re

from bot.types import Answer, Citation, Hit

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape(text: str) -> str:
    """Text that Markdown and HTML will both show literally."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=True))


def answer_markdown(answer: Answer) -> str:
    if answer.abstained:
        parts = [f"**{escape(answer.text)}**"]
        if answer.retrieved:
            parts.append(f"Closest passages — *not an answer* (confidence {answer.confidence:.2f}):")
            parts += [_closest(h) for h in answer.retrieved[:3]]
        return "\n\n".join(parts)
    body = _ANSWER_MARKER.sub(lambda m: f"**[{m.group(1)}]**", escape(answer.text))
    parts = [body, f"*Sources* · confidence {answer.confidence:.2f} · {answer.timings_ms.get('total', 0):.0f} ms"]
    parts += [_citation(c) for c in answer.citations]
    if answer.query != answer.question:
        parts.append(f"*Searched for:* {escape(answer.query)}")
    return "\n\n".join(parts)


# After escaping, the answer's own markers look like \[3\]; documents' brackets were removed by `answer`.
_ANSWER_MARKER = re.compile(r"\\\[(\d+)\\\]")


def _citation(c: Citation) -> str:
    passage = c.chunk.text
    before = passage[: c.sentence_start - c.chunk.start]
    sentence = passage[c.sentence_start - c.chunk.start: c.sentence_end - c.chunk.start]
    after = passage[c.sentence_end - c.chunk.start:]
    header = (f"**[{c.n}]** *{escape(c.title)}* — {escape(c.chunk.location)} · characters "
              f"{c.chunk.start}–{c.chunk.end} · score {c.score:.2f}")
    quote = " ".join(p for p in (escape(before), f"**{escape(sentence)}**", escape(after)) if p)
    return f"{header}\n> {quote}"


def _closest(h: Hit) -> str:
    return (f"- *{escape(h.chunk.doc_id)}*, {escape(h.chunk.location)} (score {h.score:.2f}): "
            f"{escape(_short(h.chunk.text))}")


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
