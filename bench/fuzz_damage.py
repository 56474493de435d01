"""Ways to damage a file, each `damage(data, rng) -> bytes`, grouped by what the file is made of.

`BYTES` applies to any file (truncation, bit flips, inserted, deleted, repeated and overwritten bytes);
`ZIP` to zip containers (DOCX, XLSX, PPTX, EPUB, ODT: central directory, CRCs, compression methods, a
decompression bomb, and hostile XML inside: entity expansion, an external entity, deep nesting). The
other formats' damages are in bench/fuzz_damage_docs.py; bench/fuzz_readers.py picks per format.
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

from bench.fuzz_bomb import Repeated, deflate_repeated

Damage = Callable[[bytes, random.Random], bytes]
MB = 1 << 20
# How big the damages that are merely slow to parse get (deep nesting, bulk markup, millions of operators);
# the CI sample sets a fraction. Bombs are never scaled: refusing them quickly is the point.
SCALE = 1.0


def scaled(value: int) -> int:
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
    depth = scaled(rng.choice((1000, 100_000, 1_000_000)))
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
