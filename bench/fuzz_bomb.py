"""Deflate streams of hundreds of megabytes, made without ever building the data: the fuzzer's bombs.

After a full flush a deflate compressor starts afresh, so compressing the same piece again gives the same
bytes; a stream of N copies is those bytes repeated. The CRC-32 and Adler-32 the containers need are
combined by doubling (zlib's crc32_combine and adler32_combine), so a gigabyte is never summed either.
Used by bench/fuzz_damage.py (zip bombs) and bench/fuzz_damage_docs.py (Flate bombs in PDFs).
"""

from __future__ import annotations

import zlib


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
