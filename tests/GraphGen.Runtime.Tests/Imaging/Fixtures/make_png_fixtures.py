#!/usr/bin/env python3
"""Writes the PNG fixtures for the Imaging tests, independently of the C# code.

Uses only Python's standard library (zlib for deflate and CRC-32, struct for big-endian
integers) and its own implementation of the five PNG row filters, so the C# encoder and
decoder are checked against a second implementation written from the PNG specification.

  expected_scanlines.json  for four images (gray, RGB, RGBA; smooth or noise-like), the IHDR and IEND chunks as
                           hex, and the inflated IDAT data (filter byte + filtered row, every
                           row) for each fixed filter and for the minimum-sum-of-absolute-
                           differences heuristic; compared byte for byte with what the C#
                           encoder deflates. Compressed bytes are not compared: they depend on
                           the zlib build, not on our code.
  mixed_filters_*.png      rows filtered 0,1,2,3,4,0,... in turn, the IDAT split in two, and
                           an ancillary tEXt chunk between them; the C# decoder must return the
                           pixels of the formula below.

Run from this directory: python3 make_png_fixtures.py
"""
import json
import struct
import zlib

CHANNELS = {"Gray": 1, "Rgb": 3, "Rgba": 4}
COLOR_TYPE = {"Gray": 0, "Rgb": 2, "Rgba": 6}


def smooth(x, y, c):
    # TestImages.Pattern in C#; it wraps often, so filters see residuals of both signs.
    return (x * 73 + y * 151 + c * 89 + x * y * 31) % 256


def hashed(x, y, c):
    # TestImages.Hashed in C#: an integer hash (multiply, xor-shift, multiply), noise-like,
    # so every filter and every tie of the Paeth predictor occurs.
    h = (x * 374761393 + y * 668265263 + c * 2147483647) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & 0xFF


def rows(fmt, width, height, pixel):
    n = CHANNELS[fmt]
    return [bytes(pixel(x, y, c) for x in range(width) for c in range(n)) for y in range(height)]


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def predict(kind, a, b, c):
    return [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]


def filter_row(kind, row, prior, bpp):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        c = prior[i - bpp] if i >= bpp else 0
        out.append((x - predict(kind, a, prior[i], c)) % 256)
    return bytes(out)


def cost(filtered):
    return sum(abs(b - 256 if b >= 128 else b) for b in filtered)


def scanlines(image, bpp, choose):
    prior = bytes(len(image[0]))
    out = bytearray()
    for y, row in enumerate(image):
        kind = choose(y, row, prior)
        out.append(kind)
        out += filter_row(kind, row, prior, bpp)
        prior = row
    return bytes(out)


def adaptive(bpp):
    # Lowest cost wins; min() keeps the first of equal costs, i.e. the lower filter number.
    return lambda y, row, prior: min(range(5), key=lambda k: cost(filter_row(k, row, prior, bpp)))


def chunk(kind, data):
    body = kind.encode("ascii") + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def ihdr(fmt, width, height):
    return chunk("IHDR", struct.pack(">IIBBBBB", width, height, 8, COLOR_TYPE[fmt], 0, 0, 0))


SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGES = [("Gray", 7, 3, "smooth"), ("Rgb", 5, 4, "smooth"), ("Rgba", 3, 6, "smooth"), ("Rgb", 16, 16, "hashed")]

expected = {}
for fmt, width, height, pattern in IMAGES:
    image, bpp = rows(fmt, width, height, {"smooth": smooth, "hashed": hashed}[pattern]), CHANNELS[fmt]
    name = f"{fmt.lower()}-{width}x{height}-{pattern}"
    expected[name] = {
        "format": fmt,
        "pattern": pattern,
        "width": width,
        "height": height,
        "signatureAndHeader": (SIGNATURE + ihdr(fmt, width, height)).hex(),
        "end": chunk("IEND", b"").hex(),
        "scanlines": {name: scanlines(image, bpp, lambda y, r, p, k=k: k).hex()
                      for k, name in enumerate(["None", "Sub", "Up", "Average", "Paeth"])},
        "adaptive": scanlines(image, bpp, adaptive(bpp)).hex(),
    }
    data = zlib.compress(scanlines(image, bpp, lambda y, r, p: y % 5), 9)
    half = len(data) // 2
    png = (SIGNATURE + ihdr(fmt, width, height) + chunk("IDAT", data[:half])
           + chunk("tEXt", b"Comment\x00split IDAT, filters 0-4 by row") + chunk("IDAT", data[half:])
           + chunk("IEND", b""))
    with open(f"mixed_filters_{name}.png", "wb") as f:
        f.write(png)

with open("expected_scanlines.json", "w") as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write("\n")
