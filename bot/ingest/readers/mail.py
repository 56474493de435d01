"""A saved e-mail (.eml) → text: subject as title and heading, sender, recipients and date, the body, and
each text attachment as a section of its own marked "attachment NAME".

The stdlib `email` package parses the MIME message (modern policy: headers decoded, charsets honoured).
The body is the plain-text part, else the HTML part read by the HTML reader. Attachments whose type is text
(plain, Markdown, CSV, HTML) follow the body under `# Attachment: NAME`; others (PDF, Office, pictures,
forwarded messages) are only listed in the header block as "(not read)".

One file stays one `Document` on purpose: the folder sync, the index manifest, deletions and the text view
all key documents by file, so an attachment is a section of its message, and citations into it say
"attachment NAME". Runs in the bounded child process (MIME from strangers can nest and encode without end).
"""

from __future__ import annotations

from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from bot.errors import DocumentError
from bot.ingest.decoding import decode_text
from bot.ingest.readers.blocks import Blocks, Reading
from bot.ingest.readers.html import read_html

_TEXT_ATTACHMENTS = ("text/plain", "text/markdown", "text/csv", "text/html", "text/x-markdown")


def read_eml(path: Path, fallback_title: str) -> Reading:
    try:
        with path.open("rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        if not any(message.get(h) for h in ("From", "Subject", "Date", "To", "Message-ID")):
            raise DocumentError("the file is not an e-mail message (it has no From, To, Subject or Date header); "
                                "save the message again as .eml")
        return _read(message, fallback_title)
    except (MessageError, ValueError, IndexError, TypeError, AttributeError, RecursionError) as err:
        raise DocumentError("the e-mail could not be read (its MIME structure is damaged); save it again as "
                            ".eml") from err


def _read(message: EmailMessage, fallback_title: str) -> Reading:
    subject = " ".join(str(message.get("Subject", "")).split())
    texts: list[tuple[str, str]] = []  # (name, text) of each attachment read
    skipped: list[str] = []
    for number, attachment in enumerate(message.iter_attachments(), 1):
        name = _name(attachment, number)
        try:
            text = _part_text(attachment) if attachment.get_content_type() in _TEXT_ATTACHMENTS else ""
        except DocumentError:  # labelled text but binary inside
            text = ""
        if text.strip():
            texts.append((name, text))
        else:
            skipped.append(f"{name} (not read)")
    blocks = Blocks()
    blocks.add(f"# {subject or '(no subject)'}")
    header = [f"{h}: {' '.join(str(message[h]).split())}" for h in ("From", "To", "Cc", "Date") if message.get(h)]
    if texts or skipped:
        header.append("Attachments: " + ", ".join([name for name, _ in texts] + skipped))
    blocks.add("\n".join(header))
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        blocks.add(_part_text(body))
    for name, text in texts:
        blocks.add(f"# Attachment: {name}", f"attachment {name}")
        blocks.add(text, f"attachment {name}")
    return blocks.reading(subject, fallback_title, "e-mail")


def _part_text(part: EmailMessage) -> str:
    """A text part's content: HTML through the HTML reader, the rest decoded by its declared charset."""
    raw = part.get_payload(decode=True)
    raw = raw if isinstance(raw, bytes) else b""
    if part.get_content_type() == "text/html":
        try:
            return read_html(raw, "")[1]
        except DocumentError:
            return ""  # an empty or script-only HTML part has no text to add
    try:
        return raw.decode(part.get_content_charset() or "utf-8")
    except (LookupError, UnicodeDecodeError):  # a charset wrongly declared or unknown: detect as for files
        return decode_text(raw)


def _name(part: EmailMessage, number: int) -> str:
    name = " ".join((part.get_filename() or "").split())
    return name[:120] or f"attachment {number} ({part.get_content_type()})"
