"""Bytes → clean text, shared by the readers: encoding detection, line-ending clean-up, a title guess.

Only what every format needs; nothing here knows a file format or a path.
"""

from __future__ import annotations

import codecs

from bot.errors import DocumentError


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1; binary data is refused."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return clean_text(raw.decode(encoding))
            except UnicodeDecodeError as err:
                raise DocumentError("the file is not valid text in the encoding its first bytes announce") \
                    from err
    if b"\0" in raw[:8192]:
        raise DocumentError("the file looks binary, not text")
    try:
        return clean_text(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return clean_text(raw.decode("latin-1"))


def clean_text(text: str) -> str:
    # Offsets must stay stable between reading and display, so only line endings are normalised.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")


def guess_title(text: str, fallback: str) -> str:
    first = text.strip().split("\n", 1)[0].strip().lstrip("#").strip()
    return first if 0 < len(first) <= 200 else fallback
