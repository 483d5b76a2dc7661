"""HEIF and AVIF files built for tests: what the encoders write, then edited box by box.

Pillow writes AVIF and pillow-heif writes HEIC, but neither writes every property a camera or
an editor may leave in a file (an AVIF clean-aperture crop, a mirror, a non-first primary
item in AVIF), so the builders here add them by editing the boxes: a property box appended to
`meta/iprp/ipco`, its index appended to the primary item's `ipma` entry, the enclosing box
sizes grown to match and every `iloc` file offset moved by as much as `meta` grew.

This module deliberately shares no code with uploads/isobmff.py: a fixture written with the
parser under test would agree with the parser's mistakes.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Sequence

import pillow_heif
from PIL import Image, ImageDraw

# A clap box's eight fields as written: width N/D, height N/D, horizOff N/D, vertOff N/D.
Clap = tuple[int, int, int, int, int, int, int, int]

TRANSFORM_ORDER = ("clap", "irot", "imir")  # MIAF's order, and the one libheif writes


# --- pictures --------------------------------------------------------------------------------


def picture(size: tuple[int, int], colour: tuple[int, int, int] = (200, 40, 40)) -> Image.Image:
    """A picture whose every quadrant differs, so a crop, turn or flip shows in the pixels:
    top-left is `colour`, top-right green, bottom-left blue, bottom-right white."""
    width, height = size
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 2, 0, width - 1, height // 2 - 1), fill=(40, 200, 40))
    draw.rectangle((0, height // 2, width // 2 - 1, height - 1), fill=(40, 40, 200))
    draw.rectangle((width // 2, height // 2, width - 1, height - 1), fill=(240, 240, 240))
    return image


def textured(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """A photo-like picture (noise over gradients) that compresses like a photo, so a
    truncated file is cut inside the pixel data rather than after a few bytes of it."""
    noise = Image.effect_noise(size, 40 + seed).convert("L")
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (noise, gradient, gradient.transpose(Image.Transpose.ROTATE_180)))


# --- encoders --------------------------------------------------------------------------------


def _register() -> None:
    pillow_heif.register_heif_opener()


def heic(image: Image.Image, *, quality: int = 80, tile_size: int = 0) -> bytes:
    """A HEIC as pillow-heif writes it; `tile_size` > 0 writes a `grid` of hvc1 tiles, the way
    iPhones do (512x512 tiles)."""
    _register()
    out = io.BytesIO()
    # x265's fastest preset: the same boxes, a tenth of the time (tests encode dozens).
    image.save(
        out, "HEIF", quality=quality, tile_size=tile_size, enc_params={"preset": "ultrafast"}
    )
    return out.getvalue()


def avif(image: Image.Image, *, quality: int = 80) -> bytes:
    out = io.BytesIO()
    image.save(out, "AVIF", quality=quality, subsampling="4:4:4", speed=10)
    return out.getvalue()


def heif_primary_not_first(first: Image.Image, primary: Image.Image) -> bytes:
    """Two top-level images: item 0 (the first `infe`, the first frame pillow-heif lists) is
    `first` (the unredacted original), and `pitm` names the second, `primary` (the redacted
    copy every viewer shows)."""
    _register()
    out = io.BytesIO()
    first.save(
        out,
        "HEIF",
        save_all=True,
        append_images=[primary],
        primary_index=1,
        quality=90,
        enc_params={"preset": "ultrafast"},
    )
    return out.getvalue()


def truncated(data: bytes, fraction: float) -> bytes:
    """The first `fraction` of the file, as an interrupted upload or copy leaves it."""
    return data[: int(len(data) * fraction)]


# --- box editing -----------------------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def clap_box(fields: Clap) -> bytes:
    width_n, width_d, height_n, height_d, horiz_n, horiz_d, vert_n, vert_d = fields
    # The offsets' numerators are signed; the other six fields are written unsigned.
    return box(
        b"clap",
        struct.pack(
            ">IIIIiIiI", width_n, width_d, height_n, height_d, horiz_n, horiz_d, vert_n, vert_d
        ),
    )


def irot_box(angle: int) -> bytes:
    return box(b"irot", bytes([angle & 3]))


def imir_box(axis: int) -> bytes:
    return box(b"imir", bytes([axis & 1]))


def clap_for(size: tuple[int, int], crop: tuple[int, int, int, int]) -> Clap:
    """The clap fields for a crop (left, top, right, bottom, right/bottom exclusive) of an
    image of `size`: the aperture's centre is offset from the image's centre by
    horizOff = left + width/2 - W/2, written over a denominator of 2 so it stays exact."""
    image_width, image_height = size
    left, top, right, bottom = crop
    width, height = right - left, bottom - top
    return (
        width,
        1,
        height,
        1,
        2 * left + width - image_width,
        2,
        2 * top + height - image_height,
        2,
    )


def _children(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """(type, box start, payload start, box end) of each box between start and end; our own
    encoders' output only, so no hostile-input care."""
    found = []
    while start < end:
        size, kind = struct.unpack(">I4s", data[start : start + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[start + 8 : start + 16])[0]
            header = 16
        elif size == 0:
            size = end - start
        found.append((kind, start, start + header, start + size))
        start += size
    return found


def _find(children: list[tuple[bytes, int, int, int]], kind: bytes) -> tuple[int, int, int]:
    for child_kind, start, payload, end in children:
        if child_kind == kind:
            return start, payload, end
    raise ValueError(f"no {kind!r} box")


def _primary_id(data: bytes, meta_children: list[tuple[bytes, int, int, int]]) -> int:
    _, payload, _ = _find(meta_children, b"pitm")
    version = data[payload]
    return struct.unpack(
        ">H" if version == 0 else ">I", data[payload + 4 : payload + (6 if version == 0 else 8)]
    )[0]


def _ipma_with(ipma: bytes, item_id: int, indices: Sequence[tuple[int, bool]]) -> bytes:
    """The ipma payload with (index, essential) associations appended to one item's entry."""
    version, flags = ipma[0], int.from_bytes(ipma[1:4])
    wide = flags & 1
    id_format = ">H" if version == 0 else ">I"
    id_size = struct.calcsize(id_format)
    count = struct.unpack(">I", ipma[4:8])[0]
    out = bytearray(ipma[:8])
    position = 8
    seen = False
    for _ in range(count):
        current = struct.unpack(id_format, ipma[position : position + id_size])[0]
        associations = ipma[position + id_size]
        width = 2 if wide else 1
        existing = ipma[position + id_size + 1 : position + id_size + 1 + associations * width]
        position += id_size + 1 + associations * width
        extra = b""
        if current == item_id:
            seen = True
            for index, essential in indices:
                if wide:
                    extra += struct.pack(">H", (0x8000 if essential else 0) | index)
                else:
                    if index > 0x7F:
                        raise ValueError("property index too large for a narrow ipma")
                    extra += bytes([(0x80 if essential else 0) | index])
        out += (
            struct.pack(id_format, current)
            + bytes([associations + len(indices)])
            + existing
            + extra
        )
    if not seen:
        raise ValueError(f"item {item_id} has no ipma entry")
    return bytes(out)


def _property_types(
    ipco_children: list[tuple[bytes, int, int, int]], ipma: bytes, item_id: int
) -> list[bytes]:
    version, flags = ipma[0], int.from_bytes(ipma[1:4])
    wide = flags & 1
    id_format = ">H" if version == 0 else ">I"
    id_size = struct.calcsize(id_format)
    position = 8
    for _ in range(struct.unpack(">I", ipma[4:8])[0]):
        current = struct.unpack(id_format, ipma[position : position + id_size])[0]
        associations = ipma[position + id_size]
        position += id_size + 1
        indices = []
        for _ in range(associations):
            if wide:
                indices.append(struct.unpack(">H", ipma[position : position + 2])[0] & 0x7FFF)
                position += 2
            else:
                indices.append(ipma[position] & 0x7F)
                position += 1
        if current == item_id:
            return [ipco_children[i - 1][0] for i in indices if i]
    return []


def _shift_iloc(iloc: bytes, delta: int) -> bytes:
    """The iloc payload with every file offset (construction method 0) moved by delta: the
    edit grew `meta`, which comes before `mdat`, so all the coded data moved that far."""
    version = iloc[0]
    sizes = int.from_bytes(iloc[4:6])
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 15
    base_offset_size = (sizes >> 4) & 15
    index_size = sizes & 15 if version in (1, 2) else 0
    out = bytearray(iloc)
    position = 6
    if version < 2:
        count = struct.unpack(">H", iloc[position : position + 2])[0]
        position += 2
    else:
        count = struct.unpack(">I", iloc[position : position + 4])[0]
        position += 4

    def shift(at: int, size: int) -> None:
        if size:
            value = int.from_bytes(iloc[at : at + size]) + delta
            out[at : at + size] = value.to_bytes(size)

    for _ in range(count):
        position += 2 if version < 2 else 4  # item_ID
        method = 0
        if version in (1, 2):
            method = int.from_bytes(iloc[position : position + 2]) & 15
            position += 2
        position += 2  # data_reference_index
        base_at = position
        position += base_offset_size
        extents = struct.unpack(">H", iloc[position : position + 2])[0]
        position += 2
        if method == 0 and base_offset_size:
            shift(base_at, base_offset_size)
        for _ in range(extents):
            position += index_size
            if method == 0 and not base_offset_size:
                shift(position, offset_size)
            position += offset_size + length_size
    return bytes(out)


def with_properties(data: bytes, properties: Iterable[tuple[bytes, bool]]) -> bytes:
    """Add property boxes (box bytes, essential) to the primary item, in the order given.

    Refused (ValueError) when the primary already has a property of the same type: two
    claps would compose. The encoders write no transformative property of their own for
    sizes that need no padding (multiples of 64 are safe for both).
    """
    properties = list(properties)
    top = _children(data, 0, len(data))
    meta_start, meta_payload, meta_end = _find(top, b"meta")
    if any(kind == b"mdat" and start < meta_start for kind, start, _, _ in top):
        raise ValueError("expected meta before mdat")
    meta_children = _children(data, meta_payload + 4, meta_end)
    item_id = _primary_id(data, meta_children)
    iprp_start, iprp_payload, iprp_end = _find(meta_children, b"iprp")
    iprp_children = _children(data, iprp_payload, iprp_end)
    _, ipco_payload, ipco_end = _find(iprp_children, b"ipco")
    ipco_children = _children(data, ipco_payload, ipco_end)
    _, ipma_payload, ipma_end = _find(iprp_children, b"ipma")
    ipma = data[ipma_payload:ipma_end]
    existing = set(_property_types(ipco_children, ipma, item_id))
    for prop, _ in properties:
        if prop[4:8] in existing:
            raise ValueError(f"the primary already has {prop[4:8]!r}")
    first_index = len(ipco_children) + 1
    indices = [(first_index + n, essential) for n, (_, essential) in enumerate(properties)]
    new_ipco = box(b"ipco", data[ipco_payload:ipco_end] + b"".join(p for p, _ in properties))
    new_ipma = box(b"ipma", _ipma_with(ipma, item_id, indices))
    iprp_body = b""
    for kind, start, _, end in iprp_children:
        iprp_body += (
            new_ipco if kind == b"ipco" else new_ipma if kind == b"ipma" else data[start:end]
        )
    new_iprp = box(b"iprp", iprp_body)
    delta = len(new_iprp) - (iprp_end - iprp_start)
    meta_body = data[meta_payload : meta_payload + 4]
    for kind, start, payload, end in meta_children:
        if kind == b"iprp":
            meta_body += new_iprp
        elif kind == b"iloc":
            meta_body += box(b"iloc", _shift_iloc(data[payload:end], delta))
        else:
            meta_body += data[start:end]
    return data[:meta_start] + box(b"meta", meta_body) + data[meta_end:]


def _transform_boxes(
    clap: Clap | None, irot: int | None, imir: int | None, order: Sequence[str]
) -> list[tuple[bytes, bool]]:
    # All three essential, as libavif and libheif write them: a reader that cannot apply them
    # must not show the picture. libavif refuses the file ("BMFF parsing failed") when any
    # of them is marked non-essential; libheif accepts either.
    made = {
        "clap": (clap_box(clap), True) if clap is not None else None,
        "irot": (irot_box(irot), True) if irot is not None else None,
        "imir": (imir_box(imir), True) if imir is not None else None,
    }
    return [made[name] for name in order if made[name] is not None]  # type: ignore[misc]


def avif_with(
    image: Image.Image,
    *,
    clap: Clap | None = None,
    irot: int | None = None,
    imir: int | None = None,
    order: Sequence[str] = TRANSFORM_ORDER,
) -> bytes:
    """An AVIF (as Pillow writes it) whose primary item carries the given clap fields (see
    `clap_for`), irot angle (anticlockwise quarter turns) and imir axis, associated in
    `order`. Pillow writes irot/imir only from an EXIF orientation, and never clap."""
    return with_properties(avif(image), _transform_boxes(clap, irot, imir, order))


def heic_with(
    image: Image.Image,
    *,
    clap: Clap | None = None,
    irot: int | None = None,
    imir: int | None = None,
    order: Sequence[str] = TRANSFORM_ORDER,
    tile_size: int = 0,
) -> bytes:
    """A HEIC (as pillow-heif writes it) with the given transformative properties added to the
    primary. Use a size that is a multiple of 64 (pillow-heif writes a clap of its own when
    the coded size is padded, and two claps compose)."""
    return with_properties(
        heic(image, tile_size=tile_size), _transform_boxes(clap, irot, imir, order)
    )


# --- synthetic files: the boxes only, for the parser's tests ----------------------------------


def full_box(kind: bytes, version: int, flags: int, payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def ispe_box(width: int, height: int) -> bytes:
    return full_box(b"ispe", 0, 0, struct.pack(">II", width, height))


def infe_box(item_id: int, item_type: str, *, hidden: bool = False) -> bytes:
    return full_box(
        b"infe", 2, int(hidden), struct.pack(">HH4s", item_id, 0, item_type.encode()) + b"\0"
    )


def ipma_box(associations: dict[int, Sequence[int]]) -> bytes:
    """Narrow (7-bit) indices, every association essential."""
    body = struct.pack(">I", len(associations))
    for item_id, indices in associations.items():
        body += struct.pack(">HB", item_id, len(indices)) + bytes(0x80 | i for i in indices)
    return full_box(b"ipma", 0, 0, body)


def iloc_box(locations: dict[int, tuple[int, int, Sequence[tuple[int, int]]]]) -> bytes:
    """Version 1 (construction methods allowed), 4-byte offsets and lengths, no base offset:
    item id -> (construction method, data reference index, [(offset, length)…])."""
    body = struct.pack(">HH", 0x4400, len(locations))
    for item_id, (method, reference, extents) in locations.items():
        body += struct.pack(">HHHH", item_id, method, reference, len(extents))
        body += b"".join(struct.pack(">II", offset, length) for offset, length in extents)
    return full_box(b"iloc", 1, 0, body)


def iref_box(kind: bytes, references: dict[int, Sequence[int]]) -> bytes:
    body = b"".join(
        box(
            kind,
            struct.pack(">HH", source, len(targets))
            + b"".join(struct.pack(">H", t) for t in targets),
        )
        for source, targets in references.items()
    )
    return full_box(b"iref", 0, 0, body)


def synthetic(
    *,
    items: Sequence[tuple[int, str]] = ((1, "hvc1"),),
    primary: int = 1,
    properties: Sequence[bytes] = (),
    associations: dict[int, Sequence[int]] | None = None,
    dimg: dict[int, Sequence[int]] | None = None,
    size: tuple[int, int] = (64, 48),
    item_bytes: int = 16,
    locations: dict[int, tuple[int, int, Sequence[tuple[int, int]]]] | None = None,
    extra_meta: Sequence[bytes] = (),
    brand: bytes = b"heic",
) -> bytes:
    """A structurally valid HEIF with no real picture in it: `items` (id, type), each with
    `item_bytes` of mdat, the primary's first property an ispe of `size`, then
    `properties`, associated in that order. `associations` and `locations` replace the
    defaults (item id -> property indices, 1-based; item id -> iloc entry, offsets
    relative to the start of mdat's payload)."""
    ipco = box(b"ipco", ispe_box(*size) + b"".join(properties))
    if associations is None:
        associations = {primary: tuple(range(1, len(properties) + 2))}
    if locations is None:
        locations = {
            item_id: (0, 0, [(n * item_bytes, item_bytes)]) for n, (item_id, _) in enumerate(items)
        }

    def meta(mdat_payload: int) -> bytes:
        placed = {
            item_id: (
                method,
                ref,
                [(o + (mdat_payload if method == 0 else 0), n) for o, n in extents],
            )
            for item_id, (method, ref, extents) in locations.items()
        }
        children = [
            full_box(b"hdlr", 0, 0, b"\0" * 4 + b"pict" + b"\0" * 12 + b"\0"),
            full_box(b"pitm", 0, 0, struct.pack(">H", primary)),
            full_box(
                b"iinf",
                0,
                0,
                struct.pack(">H", len(items)) + b"".join(infe_box(i, t) for i, t in items),
            ),
            iloc_box(placed),
            box(b"iprp", ipco + ipma_box(associations)),
        ]
        if dimg:
            children.append(iref_box(b"dimg", dimg))
        children.extend(extra_meta)
        return full_box(b"meta", 0, 0, b"".join(children))

    ftyp = box(b"ftyp", brand + b"\0\0\0\0" + b"mif1" + brand)
    head = len(ftyp) + len(meta(0))  # the offsets' values do not change meta's length
    mdat = box(b"mdat", bytes(range(256)) * (len(items) * item_bytes // 256 + 1))[
        : 8 + len(items) * item_bytes
    ]
    mdat = struct.pack(">I", len(mdat)) + mdat[4:]
    return ftyp + meta(head + 8) + mdat
