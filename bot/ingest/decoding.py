"""Bytes → clean text, shared by the readers: encoding detection, line-ending clean-up, a title guess.

UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such. Anything else is detected with
charset-normalizer, preferring Windows-1252 whenever it reads the bytes as cleanly as the detector's pick
(short Western texts are often taken for Windows-1250 or a DOS code page, and Latin-1 would turn its
€ ’ “ ” — into control characters). A UTF-8 file with a few stray bytes stays UTF-8: only those bytes are
replaced (by their Windows-1252 character, as they nearly always are one). `decode` says which encoding it
used when it was not plain UTF-8, for the sync report. Nothing here knows a file format or a path.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
from charset_normalizer.md import mess_ratio

from bot.errors import DocumentError

_SAMPLE = 256 * 1024  # bytes the detector looks at; enough for a verdict, cheap on a 50 MB file
_LEEWAY = 0.1  # how much messier than the detector's pick Windows-1252 may read and still be preferred
_NAMES = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "cp1251": "Windows-1251", "utf_16": "UTF-16",
          "latin_1": "Latin-1", "iso8859_1": "Latin-1"}


def decode_text(raw: bytes) -> str:
    """The text of `raw`; see `decode` (for readers that do not report the encoding)."""
    return decode(raw)[0]


def decode(raw: bytes) -> tuple[str, str]:
    """(text, how it was decoded when that was not plain UTF-8, else ""); binary data is refused."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return clean_text(raw.decode(encoding)), "" if encoding == "utf-8-sig" else "UTF-16"
            except UnicodeDecodeError as err:
                raise DocumentError("the file is not valid text in the encoding its first bytes announce") \
                    from err
    if b"\0" in raw[:8192]:
        raise DocumentError("the file looks binary, not text")
    try:
        return clean_text(raw.decode("utf-8")), ""
    except UnicodeDecodeError:
        pass
    text, bad, good = _utf8_with_repairs(raw)
    # At least as many good multi-byte characters as bad bytes; or fewer, when every good one is a Western
    # letter or sign ("café" beside pasted “smart quotes” and €): Windows-1252 text forms such a sequence only
    # as mojibake, and by chance mostly forms code points no Western text holds ("ß“" → U+07D3).
    if 0 < bad and (bad <= len(good) or (good and all(_western(ch) for ch in good))):
        return clean_text(text), f"UTF-8 with {bad} invalid byte{'s' if bad > 1 else ''} read as Windows-1252"
    encoding = _legacy_encoding(raw)
    return clean_text(raw.decode(encoding, errors="replace")), _NAMES.get(encoding, encoding)


def _utf8_with_repairs(raw: bytes) -> tuple[str, int, str]:
    """`raw` as UTF-8, each invalid byte read as its Windows-1252 character (U+FFFD when it has none), how
    many bytes that was, and the characters that were valid multi-byte UTF-8. (surrogateescape marks each
    invalid byte as U+DC80 + byte, in one pass.)"""
    text = raw.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED.findall(text))
    good = _GOOD.sub("", text)
    return (_ESCAPED.sub(lambda m: _REPAIRS[m.group()], text) if bad else text), bad, good


def _western(char: str) -> bool:
    """Latin-1 and Latin Extended letters, general punctuation, currency and letterlike signs."""
    code = ord(char)
    return 0xA0 <= code < 0x250 or 0x2010 <= code < 0x2060 or 0x20A0 <= code < 0x20C0 or 0x2100 <= code < 0x2130


_ESCAPED = re.compile("[\udc80-\udcff]")
_GOOD = re.compile("[\x00-\x7f\udc80-\udcff]+")  # removing these leaves the valid multi-byte characters
_REPAIRS = {chr(0xDC00 + b): bytes([b]).decode("cp1252", errors="replace") for b in range(0x80, 0x100)}


def _legacy_encoding(raw: bytes) -> str:
    """The 8-bit (or East Asian) encoding of `raw`: charset-normalizer's pick unless Windows-1252 reads the
    sample as cleanly."""
    sample = raw[:_SAMPLE]
    best = charset_normalizer.from_bytes(sample).best()
    try:
        western = mess_ratio(sample.decode("cp1252"), 1.0)
    except UnicodeDecodeError:  # one of the five bytes Windows-1252 leaves undefined
        western = None
    if best is None or (western is not None and western <= best.chaos + _LEEWAY):
        return "cp1252"
    return best.encoding


def clean_text(text: str) -> str:
    # Offsets must stay stable between reading and display, so only line endings are normalised.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")


def guess_title(text: str, fallback: str) -> str:
    """The text's first line when it reads as a title (at most 200 characters, not ending as a sentence ends:
    the rule by which `chunking` tells a title line from a paragraph), else `fallback`, the file's name; a
    text that opens with a sentence has no title of its own."""
    first = text.strip().split("\n", 1)[0].strip().lstrip("#").strip()
    return first if 0 < len(first) <= 200 and not first.endswith((".", "!", "?")) else fallback
