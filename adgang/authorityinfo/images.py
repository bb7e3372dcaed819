"""The logo check (SPEC §9, guide §11.4): "Logoet skal være i .png format og må fylde
maksimalt 512 KB. Logoet skal desuden være kvadratisk og minimum have en bredde og højde på
200 pixels."

The upload is untrusted bytes, so, in this order:
1. size: empty refused; more than 512 KB refused (callers read at most 512 KB + 1 bytes);
2. format by content, never by name or Content-Type: the PNG signature, then Pillow with
   only the PNG decoder allowed (a JPEG renamed `.png` fails here);
3. dimensions from the header, before any pixel is decoded: at most `MAX_PIXELS`
   (a "decompression bomb" — a small file claiming 30000×30000 — is refused here, and
   Pillow's own bomb warning is turned into an error as a second guard), square, at least
   200×200, one frame (an animated PNG is refused);
4. `load()` decodes every pixel, so a truncated or corrupt file is refused now;
5. re-encoding: a new RGBA image from the pixel data alone, saved as a fresh PNG. Text
   chunks, EXIF, ICC profiles and any unknown chunk of the upload do not survive.

Anything Pillow raises on hostile input becomes a `LogoRefused` with a Danish message;
nothing else leaves `logo_check`.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile

MAX_BYTES = 512 * 1024
MIN_SIDE = 200
MAX_SIDE = 4096
MAX_PIXELS = MAX_SIDE * MAX_SIDE
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CONTENT_TYPE = "image/png"

MESSAGES = {
    "empty": _("Filen er tom. Vælg jeres logo som en .png-fil."),
    "too_large": _("Logoet må fylde højst 512 KB. Filen fylder %(kb)s KB."),
    "not_png": _("Logoet skal være i .png-format. Filen er ikke et PNG-billede."),
    "unreadable": _(
        "Filen kan ikke læses som et PNG-billede. Den er måske beskadiget eller ufuldstændig."
    ),
    "bomb": _(
        "Billedet har for mange pixels til at kunne behandles sikkert. Logoet må højst være "
        "%(side)d × %(side)d pixels."
    ),
    "not_square": _(
        "Logoet skal være kvadratisk (lige bredt og højt). Det er %(width)d × %(height)d pixels."
    ),
    "too_small": _(
        "Logoet skal være mindst 200 × 200 pixels. Det er %(width)d × %(height)d pixels."
    ),
    "animated": _("Logoet må ikke være animeret."),
}


class LogoRefused(Exception):
    """The upload is not an acceptable logo; `message` is the Danish reason."""

    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params
        self.message = str(MESSAGES[code]) % params if params else str(MESSAGES[code])
        super().__init__(self.message)


@dataclass(frozen=True)
class Logo:
    """A checked logo: our own re-encoded PNG and its dimensions."""

    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def _kilobytes(size: int) -> str:
    return str(-(-size // 1024))


def size_check(size: int) -> None:
    """The size rule alone, for callers that know the size before reading (UploadedFile)."""
    if size <= 0:
        raise LogoRefused("empty")
    if size > MAX_BYTES:
        raise LogoRefused("too_large", kb=_kilobytes(size))


def logo_check(content: bytes) -> Logo:
    """Check an uploaded logo and re-encode it (SPEC §9); `LogoRefused` for any bad input."""
    size_check(len(content))
    if not content.startswith(PNG_SIGNATURE):
        raise LogoRefused("not_png")
    try:
        return _decode(content)
    except LogoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoRefused("bomb", side=MAX_SIDE) from None
    except Exception:  # Pillow raises many kinds of errors on hostile input
        raise LogoRefused("unreadable") from None


def _decode(content: bytes) -> Logo:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(content), formats=("PNG",)) as image:
            if image.format != "PNG":
                raise LogoRefused("not_png")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise LogoRefused("bomb", side=MAX_SIDE)
            if width != height:
                raise LogoRefused("not_square", width=width, height=height)
            if width < MIN_SIDE:
                raise LogoRefused("too_small", width=width, height=height)
            if getattr(image, "n_frames", 1) != 1:
                raise LogoRefused("animated")
            if ImageFile.LOAD_TRUNCATED_IMAGES:  # a global someone could have set
                raise LogoRefused("unreadable")
            image.load()
            rgba = image.convert("RGBA")
    del image  # at most 4096² pixels: keep no more than two decoded copies at a time
    # A new image given only the pixels: no info, text, EXIF or ICC profile of the upload
    # can travel with it into the saved PNG.
    clean = Image.new("RGBA", rgba.size)
    clean.paste(rgba, (0, 0))
    del rgba
    out = io.BytesIO()
    clean.save(out, format="PNG")
    return Logo(png=out.getvalue(), width=width, height=height)


def png_chunk_types(png: bytes) -> list[str]:
    """The chunk types of a PNG in order (for tests and checks: no tEXt, iTXt, zTXt …)."""
    types = []
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        types.append(png[position + 4 : position + 8].decode("latin-1"))
        position += 12 + length
    return types


class BoundedUploadHandler(FileUploadHandler):
    """Keeps at most `MAX_BYTES + 1` bytes of the file field `field_name` in memory and
    only counts the rest: the form then sees the real size and refuses it, and memory never
    holds more than the limit, whatever the client sends. Other file fields are dropped.

    Installed by the logo views before the request body is parsed (Django: "Modifying
    upload handlers on the fly").
    """

    def __init__(self, request=None, *, field_name: str = "logo") -> None:
        super().__init__(request)
        self.wanted = field_name
        self.buffer: io.BytesIO | None = None
        self.size = 0

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.buffer = io.BytesIO() if field_name == self.wanted else None
        self.size = 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.buffer is not None:
            room = MAX_BYTES + 1 - self.buffer.tell()
            if room > 0:
                self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size):
        if self.buffer is None:
            return None
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
