#!/usr/bin/env python3
"""Draws the app icons of Sổ Giao Nhận offline, with the Python standard library only.

A red rounded square with a yellow five-pointed star, rendered with analytic
horizontal coverage and vertical supersampling (anti-aliased edges), written as
RGBA PNGs (zlib) and a PNG-in-ICO file for Windows. Run from anywhere:

    python3 icons/make_icons.py

Output (next to this script): 32x32.png, 128x128.png, 128x128@2x.png, icon.png
(512x512) and icon.ico (16, 24, 32, 48, 64, 256).
"""

import math
import os
import struct
import zlib

RED = (218, 37, 29)      # the red of the national flag
YELLOW = (255, 215, 0)   # a warm yellow that stays readable at 16 px
SUBROWS = 8              # vertical samples per pixel row


def rounded_rect_spans(y, size, margin, radius):
    """x-intervals inside the rounded square at height y (continuous coordinates)."""
    top, bottom = margin, size - margin
    if y < top or y >= bottom:
        return []
    left, right = margin, size - margin
    inset = 0.0
    if y < top + radius:
        dy = top + radius - y
        inset = radius - math.sqrt(max(radius * radius - dy * dy, 0.0))
    elif y > bottom - radius:
        dy = y - (bottom - radius)
        inset = radius - math.sqrt(max(radius * radius - dy * dy, 0.0))
    return [(left + inset, right - inset)]


def star_polygon(cx, cy, outer, inner):
    """Vertices of a five-pointed star with one point straight up."""
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def polygon_spans(y, points):
    """x-intervals inside a simple polygon at height y (even-odd rule)."""
    xs = []
    n = len(points)
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
        if (y0 <= y < y1) or (y1 <= y < y0):
            xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    return [(xs[i], xs[i + 1]) for i in range(0, len(xs) - 1, 2)]


def add_coverage(row, spans, weight):
    """Adds the exact horizontal coverage of spans to a row of pixel weights."""
    width = len(row)
    for a, b in spans:
        a, b = max(a, 0.0), min(b, float(width))
        if b <= a:
            continue
        first, last = int(a), min(int(b), width - 1)
        if first == last:
            row[first] += (b - a) * weight
            continue
        row[first] += (first + 1 - a) * weight
        for x in range(first + 1, last):
            row[x] += weight
        if last < width:
            row[last] += (b - last) * weight


def render(size):
    """RGBA rows of the icon at size x size pixels."""
    margin = size * 0.04
    radius = size * 0.18
    star = star_polygon(size / 2, size * 0.53, size * 0.36, size * 0.36 * 0.382)
    rows = []
    for py in range(size):
        square = [0.0] * size
        glyph = [0.0] * size
        for s in range(SUBROWS):
            y = py + (s + 0.5) / SUBROWS
            add_coverage(square, rounded_rect_spans(y, size, margin, radius), 1.0 / SUBROWS)
            add_coverage(glyph, polygon_spans(y, star), 1.0 / SUBROWS)
        row = bytearray()
        for x in range(size):
            alpha = min(square[x], 1.0)
            t = min(glyph[x], 1.0)
            rgb = [round(RED[c] * (1 - t) + YELLOW[c] * t) for c in range(3)]
            row += bytes(rgb) + bytes([round(alpha * 255)])
        rows.append(bytes(row))
    return rows


def png(size):
    """A complete RGBA PNG file of the icon."""
    raw = b"".join(b"\x00" + row for row in render(size))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def ico(images):
    """A Windows ICO holding PNG images: [(size, png_bytes)]."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in images:
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICO entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def main():
    out = os.path.dirname(os.path.abspath(__file__))
    cache = {}

    def get(size):
        if size not in cache:
            cache[size] = png(size)
        return cache[size]

    files = {"32x32.png": 32, "128x128.png": 128, "128x128@2x.png": 256, "icon.png": 512}
    for name, size in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(get(size))
    with open(os.path.join(out, "icon.ico"), "wb") as f:
        f.write(ico([(s, get(s)) for s in (16, 24, 32, 48, 64, 256)]))
    print("icons written to", out)


if __name__ == "__main__":
    main()
