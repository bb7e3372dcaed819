"""Bulk archives for the intake tests (SPEC §13): tar files built in memory, LZMA ("lzma
alone", what `tar --lzma` writes) or XZ compressed."""

import io
import lzma
import tarfile


def tar_bytes(members) -> bytes:
    """`members`: (name, bytes) for regular files, or a ready `tarfile.TarInfo` (links,
    devices …) with its content bytes or None."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in members:
            if isinstance(name, tarfile.TarInfo):
                tar.addfile(name, io.BytesIO(content) if content is not None else None)
                continue
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def tar_lzma(members, *, xz: bool = False) -> bytes:
    fmt = lzma.FORMAT_XZ if xz else lzma.FORMAT_ALONE
    return lzma.compress(tar_bytes(members), format=fmt, preset=0)


def special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info, None


def zeros_bomb(member_bytes: int, members: int) -> bytes:
    """A small archive that unpacks to `members` files of `member_bytes` zeros each,
    compressed in a stream so that building it never holds the uncompressed tar."""
    compressor = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=0)
    parts = []
    block = b"\0" * (1024 * 1024)
    for index in range(members):
        info = tarfile.TarInfo(f"bomb{index}.xml")
        info.size = member_bytes
        parts.append(compressor.compress(info.tobuf(format=tarfile.PAX_FORMAT)))
        left = member_bytes
        while left:
            step = min(left, len(block))
            parts.append(compressor.compress(block[:step]))
            left -= step
        # A member's content is padded to a 512-byte block.
        parts.append(compressor.compress(b"\0" * (-member_bytes % 512)))
    parts.append(compressor.compress(b"\0" * 1024))  # the end-of-archive marker
    parts.append(compressor.flush())
    return b"".join(parts)
