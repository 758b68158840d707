"""The browser's /favicon.ico is there: a valid icon (PNG images in an ICO directory) of a white tooth on teal."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

FAVICON = Path(__file__).resolve().parents[2] / "assets" / "favicon.ico"
TEAL = (18, 165, 148, 255)
WHITE = (255, 255, 255, 255)


def _png_pixels(png: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and RGBA rows of an 8-bit RGBA PNG without filters (as the icon is written); checks each CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + data)
        chunks[kind] = chunks.get(kind, b"") + data
        pos += 12 + length
    width, height, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 6)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 4 * width
    assert len(raw) == height * stride and all(raw[y * stride] == 0 for y in range(height))
    rows = [[tuple(raw[y * stride + 1 + 4 * x:y * stride + 5 + 4 * x]) for x in range(width)] for y in range(height)]
    return width, height, rows


def test_favicon_is_an_icon_of_three_sizes_with_a_white_tooth_on_a_teal_rounded_square():
    data = FAVICON.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 3)
    sizes = []
    for i in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i:22 + 16 * i])
        w, h, rows = _png_pixels(data[offset:offset + length])
        assert (w, h, planes, bits) == (width, height, 1, 32)
        sizes.append(w)
        assert rows[0][0][3] == 0  # rounded corner: transparent
        assert rows[h // 2][w // 10] == TEAL  # the square's left side
        assert rows[h * 4 // 10][w // 2] == WHITE  # the crown
    assert sizes == [16, 32, 48]
