"""`Answer` → plain text for a terminal (`python -m bot ask` and `chat` without --json).

The answer, what the language-model writer left out and why, the closest passages when the bot abstains,
then one line per citation: the document's title and its file (the source path under the documents
folder: a title alone does not say which of many files), where in it, and the supporting sentence; a cited
table row is followed by its table's header line, as the UI and `header` in the JSON give it. Nothing here
prints; the HTML of the web UI is `render`'s job.
"""

from __future__ import annotations

from bot.faces.render import WRITTEN
from bot.types import Answer, Citation


def answer_text(answer: Answer) -> str:
    lines = [answer.text]
    if answer.writer == "llm":
        lines.append(f"  ({WRITTEN})")
    if answer.note:
        lines.append(f"  ({answer.note})")
    lines += [f"  not shown: “{short(s.text)}” — {s.reason}" for s in answer.dropped]
    if answer.abstained and answer.retrieved:
        lines.append("Closest passages (not an answer):")
        lines += [f"  - {hit.chunk.doc_id}, {hit.chunk.location}: {short(hit.chunk.text)}"
                  for hit in answer.retrieved[:3]]
    for c in answer.citations:
        lines += citation_lines(c)
    if answer.query != answer.question:
        lines.append(f"  searched for: {answer.query}")
    lines.append(f"  confidence {answer.confidence:.2f} · {answer.timings_ms.get('total', 0):.0f} ms\n")
    return "\n".join(lines)


def citation_lines(c: Citation) -> list[str]:
    """"  [1] Meeting rooms (sub/rooms.md) — Meeting rooms › table row 2, characters 75–93 (score 2.20): “…”",
    then "      table header: | Room | Floor | Seats |" for a table row. The file is left out when it is the title."""
    file = c.source or c.doc_id
    named = c.title if file == c.title else f"{c.title} ({file})"
    note = f" ({c.ocr_note})" if c.ocr_note else ""
    also = f" (also in {', '.join(c.also_in)})" if c.also_in else ""
    lines = [f"  [{c.n}] {named} — {c.location}{note}, characters {c.chunk.start}–{c.chunk.end} "
             f"(score {c.score:.2f}): “{short(c.sentence)}”{also}"]
    if c.header:
        lines.append(f"      table header: {short(c.header)}")
    return lines


def short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
