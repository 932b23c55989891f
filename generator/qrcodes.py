"""一案一码: the QR code of a decision page's own address, drawn as inline SVG.

A code depends on its address alone, and encoding one takes ~0.3 ms (zxing-cpp, whose writer is
zint, in C): a county's ~43,000 decision pages spent ~12-14 s of a full build's CPU on them, the
same codes every build. So the codes a build writes are kept in ``.cache/portal/qr.marshal`` (`Store`),
as their modules (one bit each, ~170 bytes a code), signed with this user's key like the other
cache files; a later build encodes only the addresses it has not seen. The store is keyed by the
whole address and by the encoder's version, and a code read back is drawn exactly as a new one.

The record pages' writers are forked (shell.py): they inherit the store opened before them and
send back what they encoded and which addresses they drew (`take`); the build then keeps them
(`Store.save`: a full build only those, a rebuild of a few pages beside the others).
"""

from __future__ import annotations

import marshal
import re
from importlib.metadata import version
from pathlib import Path as FsPath

import zxingcpp
from markupsafe import Markup

from . import cache
from .render import escape

#: Modules of white around the code (ISO/IEC 18004 asks for 4) and the drawn size of a module.
QUIET = 4
MODULE_PX = 4
#: The store's file in the cache folder, and its layout (bump when it changes).
STORE_NAME = "qr.marshal"
FORMAT = 1
#: What the stored codes were encoded with: another version may choose another mask.
ENCODER = f"zxing-cpp {version('zxing-cpp')}, ec_level=M"
#: Light modules (if any), then dark ones: one path piece each, "move right by gap, draw n".
_RUN = re.compile(rb"[^\x00]*\x00+")
#: A module as the image has it (0 dark, 255 light) and as a stored bit ("1" dark), and back.
_TO_BITS = bytes.maketrans(b"\x00\xff", b"10")
_FROM_BITS = bytes.maketrans(b"10", b"\x00\xff")


class _Strokes(dict):
    """Path pieces by the run of modules they draw: a code is ~400 of them, found by C code
    (findall, then this dict's lookup) rather than a loop here (~90 -> ~60 us a code)."""

    def __missing__(self, run: bytes) -> str:
        gap = run.index(0)
        piece = self[run] = f"m{gap} 0h{len(run) - gap}"
        return piece


_STROKES = _Strokes()


def encode(url: str) -> tuple[int, bytes]:
    """The modules of the QR code of `url` (error correction level M): its width, and one byte a
    module, row after row, 0 dark and 255 light."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    return image.shape[1], image.tobytes()


def pack(width: int, pixels: bytes) -> bytes:
    """`pixels` (`encode`) as stored: the width, then one bit a module."""
    return bytes((width,)) + int(pixels.translate(_TO_BITS), 2).to_bytes((width * width + 7) // 8, "big")


def unpack(packed: bytes) -> tuple[int, bytes]:
    """What `pack` was given."""
    width = packed[0]
    bits = format(int.from_bytes(packed[1:], "big"), f"0{width * width}b")
    return width, bits.encode("ascii").translate(_FROM_BITS)


class Store:
    """The codes kept from the last builds, by address (`known`); those encoded since (`made`)
    and every address drawn since (`used`), in this process."""

    def __init__(self, path: FsPath, key: bytes | None, known: dict[str, bytes] | None = None):
        self.path, self.key = path, key
        self.known: dict[str, bytes] = known or {}
        self.made: dict[str, bytes] = {}
        self.used: list[str] = []

    @classmethod
    def open(cls, root: FsPath) -> Store:
        """The store of the project at `root` (empty if there is none yet, or it is not ours)."""
        from .reuse import signed_loads

        path, key = root / cache.CACHE_DIR / STORE_NAME, cache._secret()
        try:
            stored = signed_loads(key, path.read_bytes())
        except OSError:
            stored = None
        ok = (isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (FORMAT, ENCODER)
              and isinstance(stored[2], dict))
        return cls(path, key, stored[2] if ok else None)

    def modules(self, url: str) -> tuple[int, bytes]:
        """`encode(url)`, read from the store when it holds it."""
        self.used.append(url)
        packed = self.known.get(url)
        if packed is None:
            packed = self.made.get(url)
        if packed is not None:
            return unpack(packed)
        width, pixels = encode(url)
        self.made[url] = pack(width, pixels)
        return width, pixels

    def take(self) -> tuple[dict[str, bytes], list[str]]:
        """What this process encoded and drew since the last `take` (a forked writer's task
        sends it back), no longer held here."""
        made, used = self.made, self.used
        self.made, self.used = {}, []
        return made, used

    def add(self, made: dict[str, bytes], used: list[str]) -> None:
        """What a writer sent back (`take`)."""
        self.made.update(made)
        self.used.extend(used)

    def save(self) -> None:
        """Keep the codes drawn since the store was opened. A build that drew at least half as
        many codes as the store held (a full build) keeps those only: the codes of pages no
        longer built are dropped. One that drew fewer (a rebuild that kept most pages from the
        last, whose codes it did not draw) adds its codes to the others. Not written when that
        is what the store holds."""
        used = set(self.used)
        whole = 2 * len(used) >= len(self.known)
        if not used or self.key is None or (not self.made and (not whole or used == self.known.keys())):
            return
        if whole:
            kept = {url: self.known.get(url) or self.made[url] for url in sorted(used)}
        else:
            kept = {**self.known, **self.made}
        data = marshal.dumps((FORMAT, ENCODER, kept))
        cache.write_atomic(self.path.parent, self.path.name, cache._mac(self.key, data) + data)


#: The store of the build in progress (shell.start), inherited by the forked writers; None: none.
store: Store | None = None


def qr_svg(url: str, label: str) -> Markup:
    """The QR code of `url` (error correction level M) as inline SVG, with `label` as its accessible name.

    Each row of modules is one move and then relative horizontal strokes over its dark runs,
    dark on white.
    """
    width, pixels = encode(url) if store is None else store.modules(url)
    strokes = []
    for y in range(width):
        strokes.append(f"M{QUIET} {QUIET + y}.5")
        strokes.extend(map(_STROKES.__getitem__, _RUN.findall(pixels, y * width, (y + 1) * width)))
    size = width + 2 * QUIET
    return Markup(  # noqa: S704 - numbers, and the label escaped
        f'<svg role="img" xmlns="http://www.w3.org/2000/svg" class="portal-qr-code" width="{size * MODULE_PX}" '
        f'height="{size * MODULE_PX}" viewBox="0 0 {size} {size}"><title>{escape(label)}</title>'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" d="{"".join(strokes)}"/></svg>')
