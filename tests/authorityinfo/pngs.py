"""Test images for Myndighedsinformation: valid and hostile PNGs built byte by byte."""

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(width: int = 300, height: int | None = None, *, color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height or width), color).save(out, format="PNG", **save)
    return out.getvalue()


def png_with_text(width: int = 300) -> bytes:
    """A valid PNG carrying tEXt, zTXt and iTXt chunks (metadata that must not survive)."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret comment")
    info.add_text("Author", "someone", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>private</x:xmpmeta>")
    return png(width, pnginfo=info)


def jpeg(width: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, width), "blue").save(out, format="JPEG")
    return out.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb(side: int = 30000) -> bytes:
    """A tiny PNG whose header claims side × side RGB pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def truncated(width: int = 300) -> bytes:
    data = noisy_png(width)
    return data[: len(data) // 2]


def noisy_png(width: int = 300, seed: int = 1) -> bytes:
    """A PNG of random pixels: it compresses badly, so its size follows its side."""
    import random

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, width), rng.randbytes(width * width * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def png_of_size(size: int) -> bytes:
    """A valid square PNG padded with an unknown ancillary chunk to exactly `size` bytes."""
    base = png(300)
    iend = chunk(b"IEND", b"")
    body = base[: -len(iend)]
    padding = size - len(base) - 12
    assert padding >= 0
    return body + chunk(b"prVt", b"x" * padding) + iend


def animated_png(width: int = 300) -> bytes:
    out = io.BytesIO()
    frames = [Image.new("RGB", (width, width), c) for c in ("red", "green")]
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()
