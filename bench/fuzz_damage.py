"""Ways to damage a file, each `damage(data, rng) -> bytes`, grouped by what the file is made of.

`BYTES` applies to any file (truncation, bit flips, inserted, deleted, repeated and overwritten bytes);
`ZIP` to zip containers (DOCX, XLSX, PPTX, EPUB, ODT: central directory, CRCs, compression methods, a
decompression bomb, and hostile XML inside: entity expansion, an external entity, deep nesting); `PDF` to
PDFs (cross-reference table and stream, object streams, a Flate bomb, deep and cyclic structures); `HTML`,
`XML_TEXT`, `MAIL`, `RTF`, `CSV` and `IMAGE` to the rest. bench/fuzz_readers.py picks from these per format.
Deterministic for a given `random.Random`; nothing here reads or writes files.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

Damage = Callable[[bytes, random.Random], bytes]
MB = 1 << 20
# How big the damages that are merely slow to parse get (deep nesting, bulk markup, millions of operators);
# the CI sample sets a fraction. Bombs are never scaled: refusing them quickly is the point.
SCALE = 1.0


def _n(value: int) -> int:
    return max(1, int(value * SCALE))


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(1, max(2, len(data)))]


def truncate_head(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(1, 24)]


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64, 512))):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def insert_bytes(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = rng.choice((b"\0", b"\xff\xfe", b"<", b"\x1b[2J", b"%%EOF", b"PK\x03\x04")) * rng.randrange(1, 64)
    if rng.random() < 0.5:
        junk = rng.randbytes(rng.randrange(1, 4096))
    return data[:at] + junk + data[at:]


def delete_range(data: bytes, rng: random.Random) -> bytes:
    a = rng.randrange(len(data))
    return data[:a] + data[a + rng.randrange(1, max(2, len(data) // 4)):]


def repeat_range(data: bytes, rng: random.Random) -> bytes:
    a = rng.randrange(len(data))
    piece = data[a:a + rng.randrange(1, 512)]
    return data[:a] + piece * rng.randrange(2, 2000) + data[a:]


def overwrite(data: bytes, rng: random.Random) -> bytes:
    a = rng.randrange(len(data))
    n = rng.randrange(1, max(2, len(data) // 8))
    fill = rng.choice((b"\0", b"\xff", b" ")) * n if rng.random() < 0.5 else rng.randbytes(n)
    return data[:a] + fill[:len(data) - a] + data[a + n:]


def noise(data: bytes, rng: random.Random) -> bytes:
    return rng.randbytes(len(data))


BYTES: tuple[Damage, ...] = (truncate, truncate_head, bit_flips, insert_bytes, delete_range, repeat_range,
                             overwrite, noise)


# --- zip containers -------------------------------------------------------------------------------------

def _parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


class Repeated(bytes):
    """A part's body given as `piece` × `times` (hundreds of MB), deflated without ever being built."""

    times: int

    def __new__(cls, piece: bytes, times: int) -> Repeated:
        made = super().__new__(cls, piece)
        made.times = times
        return made


def deflate_repeated(piece: bytes, times: int, raw: bool = True) -> tuple[bytes, int, int]:
    """(deflate stream, CRC-32, Adler-32) of `piece * times`, at the cost of deflating `piece` once: after a
    full flush the compressor starts afresh, so the same input gives the same bytes, which are repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    head = packer.compress(piece) + packer.flush(zlib.Z_FULL_FLUSH)
    again = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = again.compress(piece) + again.flush(zlib.Z_FULL_FLUSH)  # a later copy: no zlib header
    crc, adler = _repeat_checksums(zlib.crc32(piece), zlib.adler32(piece), len(piece), times)
    tail = b"\x03\x00"  # an empty final fixed-Huffman block
    stream = head + block * (times - 1) + tail
    return (stream if raw else stream + adler.to_bytes(4, "big")), crc, adler


def _repeat_checksums(crc: int, adler: int, length: int, times: int) -> tuple[int, int]:
    """CRC-32 and Adler-32 of a piece repeated `times` times, from the piece's own, by doubling (zlib's
    crc32_combine and adler32_combine), so a gigabyte is never summed."""
    out_crc, out_adler, out_len = 0, 1, 0
    while times:
        if times & 1:
            out_crc, out_adler = _crc_combine(out_crc, crc, length), _adler_combine(out_adler, adler, length)
            out_len += length
        crc, adler = _crc_combine(crc, crc, length), _adler_combine(adler, adler, length)
        length, times = length * 2, times >> 1
    return out_crc, out_adler


def _gf2_times(matrix: list[int], vector: int) -> int:
    out, i = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[i]
        vector, i = vector >> 1, i + 1
    return out


def _crc_combine(crc1: int, crc2: int, len2: int) -> int:
    """zlib's crc32_combine: the CRC of A+B from CRC(A), CRC(B) and len(B)."""
    if len2 == 0:
        return crc1
    odd = [0xEDB88320] + [1 << (n - 1) for n in range(1, 32)]  # one zero bit
    even = [_gf2_times(odd, odd[n]) for n in range(32)]  # two
    odd = [_gf2_times(even, even[n]) for n in range(32)]  # four
    while True:
        even = [_gf2_times(odd, odd[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = [_gf2_times(even, even[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _adler_combine(adler1: int, adler2: int, len2: int) -> int:
    """zlib's adler32_combine."""
    base = 65521
    rem = len2 % base
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 += (adler2 & 0xFFFF) + base - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + base - rem
    sum1 %= base
    sum2 %= base
    return sum1 | (sum2 << 16)


def _rezip(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """The parts as a zip again, written by hand so that a `Repeated` body is stored already deflated."""
    out = io.BytesIO()
    directory = b""
    for info, body in parts:
        name = info.filename.encode()
        if isinstance(body, Repeated):
            data, crc, _ = deflate_repeated(bytes(body), body.times)
            size = len(body) * body.times
        else:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            data, crc, size = packer.compress(body) + packer.flush(), zlib.crc32(body), len(body)
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(data), size)
        offset = out.tell()
        out.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name + data)
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHHHII", len(name), 0, 0, 0,
                                                                                   0, 0, offset) + name
    start = out.tell()
    out.write(directory + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(parts), len(parts), len(directory),
                                                       start, 0))
    return out.getvalue()


def _main_part(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> int:
    """The part holding the text: the largest XML part that is not a style sheet or a theme."""
    scored = [(len(body), i) for i, (info, body) in enumerate(parts)
              if re.search(r"(document|slide\d*|sheet\d*|content|c\d+|chapter\d*)\.x?(ht)?ml$", info.filename)]
    return max(scored)[1] if scored else max((len(b), i) for i, (_, b) in enumerate(parts))[1]


def _with_main(data: bytes, make: Callable[[bytes, random.Random], bytes], rng: random.Random) -> bytes:
    parts = _parts(data)
    i = _main_part(parts)
    parts[i] = (parts[i][0], make(parts[i][1], rng))
    return _rezip(parts)


def _eocd(data: bytes) -> int:
    return data.rfind(b"PK\x05\x06")


def central_directory(data: bytes, rng: random.Random) -> bytes:
    """Flip bytes inside the central directory (names, offsets, sizes)."""
    end = _eocd(data)
    start = struct.unpack("<I", data[end + 16:end + 20])[0] if end >= 0 else 0
    out = bytearray(data)
    for _ in range(rng.choice((1, 4, 16))):
        i = rng.randrange(start, max(start + 1, end if end > start else len(out)))
        out[i % len(out)] ^= 1 << rng.randrange(8)
    return bytes(out)


def no_end_record(data: bytes, rng: random.Random) -> bytes:
    end = _eocd(data)
    return data[:end] if end > 0 else data[:-22]


def eocd_lies(data: bytes, rng: random.Random) -> bytes:
    """The end record claims another entry count, directory size or offset."""
    end = _eocd(data)
    field = rng.choice((8, 10, 12, 16))
    width = 2 if field < 12 else 4
    value = rng.choice((0, 1, 0xFFFF if width == 2 else 0xFFFFFFFF, rng.randrange(1 << (8 * width))))
    return data[:end + field] + value.to_bytes(width, "little") + data[end + field + width:]


def bad_crc(data: bytes, rng: random.Random) -> bytes:
    """A member's stored bytes change but its CRC does not."""
    parts = _parts(data)
    out = bytearray(data)
    info = parts[_main_part(parts)][0]
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    i = offset + rng.randrange(max(1, info.compress_size))
    out[i] ^= 0x55
    return bytes(out)


def odd_method(data: bytes, rng: random.Random) -> bytes:
    """Every member claims a compression method nobody implements (or LZMA/bzip2 over deflated bytes)."""
    method = rng.choice((1, 6, 9, 12, 14, 97, 99)).to_bytes(2, "little")
    out = bytearray(data)
    for header, field in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # local headers, central directory
        at = out.find(header)
        while at >= 0:
            out[at + field:at + field + 2] = method
            at = out.find(header, at + 4)
    return bytes(out)


def drop_part(data: bytes, rng: random.Random) -> bytes:
    parts = _parts(data)
    del parts[rng.randrange(len(parts))]
    return _rezip(parts)


def zip_bomb(data: bytes, rng: random.Random) -> bytes:
    """The text part becomes hundreds of MB of repeated markup that deflates to about a megabyte."""
    def grow(body: bytes, rng: random.Random) -> bytes:
        filler = rng.choice((b" ", b"<w:p/>", b"A"))
        return Repeated(filler * (MB // len(filler)), rng.choice((300, 600, 1100)))  # not even well-formed:
    return _with_main(data, grow, rng)  # the size alone must stop it


def _with_doctype(body: bytes, doctype: bytes) -> bytes:
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", body)
    root = re.search(rb"<([A-Za-z_][\w:.-]*)", body)
    name = root.group(1) if root else b"root"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ' + name + b" [" + doctype + b"]>" + body


def _entity_in_text(body: bytes, entity: bytes) -> bytes:
    """`entity` inserted where text goes (the first text node), so an expanding parser must expand it."""
    return re.sub(rb">([^<>\s][^<>]*)<", lambda m: b">" + m.group(1) + b" " + entity + b"<", body, count=1)


def entity_expansion(data: bytes, rng: random.Random) -> bytes:
    """A billion laughs: ten levels of ten references, 10**9 copies of a word once expanded."""
    levels = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, rng.choice((6, 9, 10))))
    top = levels.rsplit(b"<!ENTITY ", 1)[1].split(b" ", 1)[0]
    return _with_main(data, lambda b, r: _entity_in_text(_with_doctype(b, levels), b"&" + top + b";"), rng)


def external_entity(data: bytes, rng: random.Random) -> bytes:
    """An external entity naming a local file: its contents must never reach the index."""
    target = rng.choice((b"file:///etc/passwd", b"/etc/passwd", b"http://127.0.0.1:9/x"))
    return _with_main(data, lambda b, r: _entity_in_text(
        _with_doctype(b, b'<!ENTITY xxe SYSTEM "' + target + b'">'), b"&xxe;"), rng)


def deep_xml(data: bytes, rng: random.Random) -> bytes:
    depth = _n(rng.choice((1000, 100_000, 1_000_000)))
    tag = rng.choice((b"w:r", b"a", b"p", b"text:span"))
    nest = b"<" + tag + b">" * 1
    return _with_main(data, lambda b, r: _entity_in_text(b, nest * depth + b"deep" + (b"</" + tag + b">") * depth),
                      rng)


def broken_xml(data: bytes, rng: random.Random) -> bytes:
    cuts = (lambda b: b[:len(b) // 2], lambda b: b.replace(b"</", b"<", 1), lambda b: b"\xff\xfe" + b,
            lambda b: b.replace(b"encoding=\"UTF-8\"", b"encoding=\"x-nonsense\""), lambda b: b"\0" * 64 + b)
    return _with_main(data, lambda b, r: r.choice(cuts)(b), rng)


ZIP: tuple[Damage, ...] = (central_directory, no_end_record, eocd_lies, bad_crc, odd_method, drop_part, zip_bomb,
                           entity_expansion, external_entity, deep_xml, broken_xml)


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
    content = b"BT /F1 1 Tf " + b"(x) Tj 0 -1 Td\n" * _n(rng.choice((1_000_000, 3_000_000))) + b"ET"
    return _replace_first_stream(data, content, rng)


def deep_pdf(data: bytes, rng: random.Random) -> bytes:
    """A page dictionary holding an array (or dictionary) nested hundreds of thousands deep."""
    depth = _n(rng.choice((1000, 50_000, 500_000)))
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
    depth = _n(rng.choice((10_000, 200_000)))
    tag = rng.choice((b"div", b"b", b"table><tr><td", b"ul><li", b"article"))
    close = b"".join(b"</" + t.split(b" ")[0] + b">" for t in reversed(tag.split(b"><")))
    body = b"<" + tag + b">" * 1
    nest = body * depth + b"deep text" + (close * depth if rng.random() < 0.5 else b"")
    return data.replace(b"<main>", b"<main>" + nest, 1)


def html_bulk(data: bytes, rng: random.Random) -> bytes:
    """Pages that are big in one dimension: an endless line, a million entities, attributes or comments."""
    unit = rng.choice((b"&amp;", b"&#x1F600;", b"<!-- c -->", b"<span a=1 b=2 c=3>x</span>", b"word "))
    return data.replace(b"</main>", unit * _n(rng.choice((3, 10, 40)) * MB // len(unit)) + b"</main>", 1)


def odd_charset(data: bytes, rng: random.Random) -> bytes:
    label = rng.choice((b"x-unknown", b"utf-7", b"utf-16", b"utf-32", b"iso-2022-jp", b"\xff\xfe"))
    return data.replace(b"charset='utf-8'", b"charset='" + label + b"'", 1)


HTML: tuple[Damage, ...] = (deep_html, html_bulk, odd_charset)


def text_bulk(data: bytes, rng: random.Random) -> bytes:
    unit = rng.choice((b"\0", b"\r", b"\xe2\x80\xae", b"a" * 1000 + b"\n", b"\xed\xa0\x80"))
    return data + unit * _n(rng.choice((1, 5, 20)) * MB // len(unit))


TEXT: tuple[Damage, ...] = (text_bulk,)


def deep_mime(data: bytes, rng: random.Random) -> bytes:
    depth = _n(rng.choice((100, 5000)))
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (n, n) for n in range(depth))
    return data.split(b"\n\n", 1)[0] + b"\nMIME-Version: 1.0\n" + head + b"Content-Type: text/plain\n\ndeep\n"


def mime_junk(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"charset=\"utf-8\"", b"charset=\"x-bogus\"").replace(
        b"Content-Transfer-Encoding: 7bit", rng.choice((b"Content-Transfer-Encoding: base64",
                                                        b"Content-Transfer-Encoding: quoted-printable")))


MAIL: tuple[Damage, ...] = (deep_mime, mime_junk)


def deep_rtf(data: bytes, rng: random.Random) -> bytes:
    depth = _n(rng.choice((1000, 100_000)))
    return data[:-1] + b"{" * depth + b"deep" + b"}" * depth * rng.choice((0, 1)) + b"}"


def rtf_binary(data: bytes, rng: random.Random) -> bytes:
    return data[:-1] + rng.choice((b"\\bin999999999 ", b"\\u-99999?", b"\\'zz", b"\\fonttbl" * 100_000)) + b"}"


RTF: tuple[Damage, ...] = (deep_rtf, rtf_binary)


def csv_bulk(data: bytes, rng: random.Random) -> bytes:
    unit = rng.choice((b'"', b",", b"a" * 10_000 + b"\n", b'"x""y",' * 100, b"\0"))
    return data + unit * _n(rng.choice((1, 10)) * MB // len(unit))


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
