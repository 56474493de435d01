"""Ways to damage documents that are not zip containers, each `damage(data, rng) -> bytes`.

`PDF` (cross-reference table and stream, object streams, a Flate bomb, millions of operators, deep and
cyclic structures, lying lengths), `HTML`, `TEXT`, `MAIL`, `RTF`, `CSV` and `IMAGE`; the byte-level and
zip damages, `SCALE` and `MB` are in bench/fuzz_damage.py. Deterministic for a given `random.Random`.
"""

from __future__ import annotations

import random
import re
import struct
import zlib

from bench.fuzz_bomb import Repeated, deflate_repeated
from bench.fuzz_damage import MB, Damage, bit_flips, scaled

# --- PDF --------------------------------------------------------------------------------------------------

def xref_shift(data: bytes, rng: random.Random) -> bytes:
    """Every offset in the xref table moves by the same few bytes (or the startxref value lies)."""
    if rng.random() < 0.5:
        delta = rng.choice((-7, -1, 1, 13, 1000))
        return re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (max(0, int(m.group(1)) + delta),
                                                                        m.group(2)), data)
    return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.choice((0, 1, 10**12, len(data) - 10)), data)


def xref_garbage(data: bytes, rng: random.Random) -> bytes:
    start = data.rfind(b"xref")
    end = data.rfind(b"trailer") if b"trailer" in data[start:] else data.rfind(b"startxref")
    if start < 0 or end <= start:
        return bit_flips(data, rng)
    return data[:start] + rng.choice((b"", b"xref\n0 999999999\n", rng.randbytes(end - start))) + data[end:]


def object_stream(data: bytes, rng: random.Random) -> bytes:
    """The object stream's header (numbers and offsets) or its compressed bytes are damaged."""
    match = re.search(rb"/Type /ObjStm /N (\d+) /First (\d+) /Length (\d+)", data)
    if match is None:
        return bit_flips(data, rng)
    choice = rng.randrange(3)
    if choice == 0:
        return data[:match.start(1)] + str(rng.choice((0, 9999, 2**31))).encode() + data[match.end(1):]
    if choice == 1:
        return data[:match.start(2)] + str(rng.choice((0, 3, 10**9))).encode() + data[match.end(2):]
    stream_at = data.index(b"stream\n", match.end()) + 7
    out = bytearray(data)
    for _ in range(rng.choice((1, 8))):
        out[stream_at + rng.randrange(int(match.group(3)))] ^= 0xFF
    return bytes(out)


def _replace_first_stream(data: bytes, content: bytes | Repeated, rng: random.Random) -> bytes:
    match = re.search(rb"<< /Length \d+ /Filter /FlateDecode >>\nstream\n", data)
    if match is None:
        return data
    end = data.index(b"\nendstream", match.end())
    packed = deflate_repeated(bytes(content), content.times, raw=False)[0] if isinstance(content, Repeated) else \
        zlib.compress(content, 9)
    return data[:match.start()] + b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + \
        data[end:]


def flate_bomb(data: bytes, rng: random.Random) -> bytes:
    """A content stream that inflates to hundreds of MB (text operators or spaces)."""
    unit = rng.choice((b" ", b"(A) Tj ", b"q Q "))
    return _replace_first_stream(data, Repeated(unit * (MB // len(unit)), rng.choice((200, 500, 900))), rng)


def many_operators(data: bytes, rng: random.Random) -> bytes:
    """Millions of tiny text-showing operators, each a separate line: a slow page rather than a big one."""
    content = b"BT /F1 1 Tf " + b"(x) Tj 0 -1 Td\n" * scaled(rng.choice((1_000_000, 3_000_000))) + b"ET"
    return _replace_first_stream(data, content, rng)


def deep_pdf(data: bytes, rng: random.Random) -> bytes:
    """A page dictionary holding an array (or dictionary) nested hundreds of thousands deep."""
    depth = scaled(rng.choice((1000, 50_000, 500_000)))
    nest = b"[" * depth + b"]" * depth if rng.random() < 0.5 else b"<< /A " * depth + b"0" + b" >>" * depth
    return data.replace(b"/Type /Page /Parent", b"/Type /Page /Deep " + nest + b" /Parent", 1)


def cyclic_pages(data: bytes, rng: random.Random) -> bytes:
    """The page tree points back at itself, or claims a billion pages."""
    if rng.random() < 0.5:
        return re.sub(rb"/Kids \[[^\]]*\]", b"/Kids [2 0 R 2 0 R]", data, count=1)
    return re.sub(rb"/Count \d+", b"/Count 1000000000", data, count=1)


def lying_length(data: bytes, rng: random.Random) -> bytes:
    return re.sub(rb"/Length \d+", b"/Length %d" % rng.choice((0, -1, 10**12, 5)), data, count=rng.choice((1, 0)))


PDF: tuple[Damage, ...] = (xref_shift, xref_garbage, object_stream, flate_bomb, many_operators, deep_pdf,
                           cyclic_pages, lying_length)


# --- markup and the rest ---------------------------------------------------------------------------------

def deep_html(data: bytes, rng: random.Random) -> bytes:
    depth = scaled(rng.choice((10_000, 200_000)))
    tag = rng.choice((b"div", b"b", b"table><tr><td", b"ul><li", b"article"))
    close = b"".join(b"</" + t.split(b" ")[0] + b">" for t in reversed(tag.split(b"><")))
    body = b"<" + tag + b">" * 1
    nest = body * depth + b"deep text" + (close * depth if rng.random() < 0.5 else b"")
    return data.replace(b"<main>", b"<main>" + nest, 1)


def html_bulk(data: bytes, rng: random.Random) -> bytes:
    """Pages that are big in one dimension: an endless line, a million entities, attributes or comments."""
    unit = rng.choice((b"&amp;", b"&#x1F600;", b"<!-- c -->", b"<span a=1 b=2 c=3>x</span>", b"word "))
    return data.replace(b"</main>", unit * scaled(rng.choice((3, 10, 40)) * MB // len(unit)) + b"</main>", 1)


def odd_charset(data: bytes, rng: random.Random) -> bytes:
    label = rng.choice((b"x-unknown", b"utf-7", b"utf-16", b"utf-32", b"iso-2022-jp", b"\xff\xfe"))
    return data.replace(b"charset='utf-8'", b"charset='" + label + b"'", 1)


HTML: tuple[Damage, ...] = (deep_html, html_bulk, odd_charset)


def text_bulk(data: bytes, rng: random.Random) -> bytes:
    unit = rng.choice((b"\0", b"\r", b"\xe2\x80\xae", b"a" * 1000 + b"\n", b"\xed\xa0\x80"))
    return data + unit * scaled(rng.choice((1, 5, 20)) * MB // len(unit))


TEXT: tuple[Damage, ...] = (text_bulk,)


def deep_mime(data: bytes, rng: random.Random) -> bytes:
    depth = scaled(rng.choice((100, 5000)))
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (n, n) for n in range(depth))
    return data.split(b"\n\n", 1)[0] + b"\nMIME-Version: 1.0\n" + head + b"Content-Type: text/plain\n\ndeep\n"


def mime_junk(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"charset=\"utf-8\"", b"charset=\"x-bogus\"").replace(
        b"Content-Transfer-Encoding: 7bit", rng.choice((b"Content-Transfer-Encoding: base64",
                                                        b"Content-Transfer-Encoding: quoted-printable")))


MAIL: tuple[Damage, ...] = (deep_mime, mime_junk)


def deep_rtf(data: bytes, rng: random.Random) -> bytes:
    depth = scaled(rng.choice((1000, 100_000)))
    return data[:-1] + b"{" * depth + b"deep" + b"}" * depth * rng.choice((0, 1)) + b"}"


def rtf_binary(data: bytes, rng: random.Random) -> bytes:
    return data[:-1] + rng.choice((b"\\bin999999999 ", b"\\u-99999?", b"\\'zz", b"\\fonttbl" * 100_000)) + b"}"


RTF: tuple[Damage, ...] = (deep_rtf, rtf_binary)


def csv_bulk(data: bytes, rng: random.Random) -> bytes:
    unit = rng.choice((b'"', b",", b"a" * 10_000 + b"\n", b'"x""y",' * 100, b"\0"))
    return data + unit * scaled(rng.choice((1, 10)) * MB // len(unit))


CSV: tuple[Damage, ...] = (csv_bulk,)


def pixel_bomb(data: bytes, rng: random.Random) -> bytes:
    """A PNG that claims (and, deflated, holds) a huge image: width × height far past any sane page."""
    side = rng.choice((20_000, 60_000))
    raw = zlib.compress(b"\0" * (side + 1) * min(side, 2000), 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) + \
        chunk(b"IDAT", raw) + chunk(b"IEND", b"")


IMAGE: tuple[Damage, ...] = (pixel_bomb,)
