"""Which picture a HEIF or AVIF file shows, and how: read from the boxes, before any decoder.

A HEIF/AVIF file (ISO/IEC 23008-12 on the ISO base media file format, ISO/IEC 14496-12) is a
list of boxes; `meta` names the primary item (`pitm`), the picture every viewer shows, and
gives it properties (`iprp`: `ispe` size, `clap` crop, `irot` turn, `imir` flip). The decoders
we use disagree about those properties: pillow-heif (libheif) applies clap, irot and imir;
Pillow's AVIF plugin (libavif) applies none of them to the pixels, turning irot/imir into an
EXIF orientation and dropping clap. This module reads them so the scrubber can publish what
viewers show, and refuses files that are cut short or contradict themselves, so that a decoder
never paints the missing part of a picture (libheif fills a grid's missing tiles with green).

Pure Python on untrusted bytes, inside the resource-limited worker: every length is checked
against its box and the file, every list has a limit, nothing recurses on the input, nothing
of the coded pixel data (`mdat`) is read or copied, and the only exception is `Damaged`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Reasons, in words for the uploader (the scrubber puts them in its refusal).
CUT_SHORT = "the file is incomplete (cut short)"
INCONSISTENT = "the file's structure is damaged"
NO_INDEX = "the file does not say which picture it holds"
OUTSIDE = "the picture's data is missing from the file"
BAD_CROP = "the file's crop of the picture is invalid"
TOO_COMPLEX = "the file is too complex to check"
TWICE = "the file records the picture's crop or turn twice"

# Limits far above what cameras and editors write (an iPhone photo: 3 top-level boxes, about
# 50 items), low enough that a hostile file costs milliseconds. libheif's own default limit
# is 1000 items.
MAX_TOP_LEVEL_BOXES = 1024
MAX_CHILDREN = 4096  # boxes inside one container box
MAX_ITEMS = 1000  # items in iinf, iloc or ipma
MAX_EXTENTS = 16384  # extents over all iloc items (an extent may take 0 bytes to write)
MAX_DERIVATION_DEPTH = 8  # grid of iden of grid…; real files: the primary grid and its tiles

TRANSFORMS = ("clap", "irot", "imir")  # MIAF (ISO/IEC 23000-22) 7.3.6.7: applied in this order
DERIVED = {"grid", "iovl", "iden"}  # images made from other items (iref dimg)


class Damaged(ValueError):
    """The file is cut short or inconsistent; str() is the reason, for the uploader."""


@dataclass(frozen=True)
class PrimaryImage:
    """The primary item of a HEIF/AVIF file and the transformative properties viewers apply.

    `crop` is (left, top, right, bottom), right and bottom exclusive (a Pillow crop box), in
    the pixel grid the clap applies to: the decoded picture when clap comes first in
    `transforms`, as MIAF requires and every encoder writes. `rotation` is the irot angle in
    anticlockwise quarter turns. `mirror` is the imir axis as ISO/IEC 23008-12:2022 and both
    libheif and libavif read it: 0 exchanges top and bottom (a flip about the horizontal
    axis), 1 exchanges left and right. (The 2017 edition's words, "a vertical (axis = 0) or
    horizontal (axis = 1) axis for the mirroring", read the other way round; its Amendment 2
    inverted the meaning, and the decoders follow the amendment.) `transforms` lists
    clap/irot/imir in the order the file associates them, which is the order they apply in.
    """

    item_id: int
    item_type: str
    size: tuple[int, int] | None
    crop: tuple[int, int, int, int] | None
    rotation: int
    mirror: int | None
    transforms: tuple[str, ...]
    sequence: bool  # a top-level moov: an image sequence, which libavif decodes instead

    @property
    def miaf_order(self) -> bool:
        """clap, then irot, then imir (each optional): the only order libavif (and so
        Pillow's AVIF plugin, which composes irot before imir) reproduces."""
        return list(self.transforms) == sorted(self.transforms, key=TRANSFORMS.index)

    @property
    def displayed_size(self) -> tuple[int, int] | None:
        """The size viewers show: after the crop, and with width and height swapped by an
        odd number of quarter turns."""
        if self.size is None:
            return None
        width, height = self.size
        for name in self.transforms:
            if name == "clap" and self.crop:
                left, top, right, bottom = self.crop
                width, height = right - left, bottom - top
            elif name == "irot" and self.rotation % 2:
                width, height = height, width
        return width, height


# --- reading ----------------------------------------------------------------------------------


def _uint(data: bytes, position: int, size: int, end: int) -> int:
    """The big-endian unsigned integer of `size` bytes at `position`, which must end by `end`."""
    if position < 0 or position + size > end:
        raise Damaged(INCONSISTENT)
    return int.from_bytes(data[position : position + size], "big")


def _int32(data: bytes, position: int, end: int) -> int:
    value = _uint(data, position, 4, end)
    return value - (1 << 32) if value & 0x80000000 else value


# The top-level boxes of HEIF/AVIF/ISOBMFF files: one of these running past the end of the
# file is a file cut short; anything else there is trailing data.
TOP_LEVEL_BOXES = {
    b"ftyp", b"meta", b"mdat", b"moov", b"moof", b"mfra", b"free", b"skip", b"uuid",
    b"idat", b"styp", b"sidx", b"ssix", b"prft", b"wide", b"pdin", b"etyp", b"mini",
}  # fmt: skip


def _boxes(
    data: bytes, start: int, end: int, limit: int, top: bool = False
) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each box from start to end.

    A box that runs past its container is an inconsistency, or, at the top level, a file cut
    short (the container is the file). Size 0 ("to the end of the file") is accepted only at
    the top level, size 1 means a 64-bit size follows.
    """
    short = CUT_SHORT if top else INCONSISTENT
    count = 0
    while start < end:
        count += 1
        if count > limit:
            raise Damaged(TOO_COMPLEX)
        if top and start + 8 > end:
            return  # a few bytes after the last box: trailing data, not a box (see below)
        if start + 8 > end:
            raise Damaged(short)
        size = _uint(data, start, 4, end)
        kind = bytes(data[start + 4 : start + 8])
        header = 8
        if size == 1:
            if start + 16 > end:
                raise Damaged(short)
            size = _uint(data, start + 8, 8, end)
            header = 16
        elif size == 0:
            if not top:
                raise Damaged(INCONSISTENT)
            size = end - start
        if kind == b"uuid":
            header += 16  # the extended type
        if top and kind not in TOP_LEVEL_BOXES and (size < header or start + size > end):
            # Not a box: bytes after the last one (vendor trailers, appended data), which
            # viewers ignore and the re-encode drops; the receipt reports them. A real box
            # cut short still fails below, and every item's data extent is checked against
            # the file's length anyway.
            return
        if size < header:
            raise Damaged(INCONSISTENT)
        if start + size > end:
            raise Damaged(short)
        yield kind, start + header, start + size
        start += size


def _full_box(data: bytes, payload: int, end: int) -> tuple[int, int, int]:
    """(version, flags, body start) of a FullBox."""
    header = _uint(data, payload, 4, end)
    return header >> 24, header & 0xFFFFFF, payload + 4


def _single(found: dict[bytes, list[tuple[int, int]]], kind: bytes) -> tuple[int, int] | None:
    """The one box of a kind, or None; two is ambiguous (readers would pick differently)."""
    boxes = found.get(kind, [])
    if len(boxes) > 1:
        raise Damaged(INCONSISTENT)
    return boxes[0] if boxes else None


def _index(data: bytes, start: int, end: int, limit: int) -> dict[bytes, list[tuple[int, int]]]:
    found: dict[bytes, list[tuple[int, int]]] = {}
    for kind, payload, box_end in _boxes(data, start, end, limit):
        found.setdefault(kind, []).append((payload, box_end))
    return found


def _primary_id(data: bytes, payload: int, end: int) -> int:
    version, _, body = _full_box(data, payload, end)
    return _uint(data, body, 2 if version == 0 else 4, end)


def _items(data: bytes, payload: int, end: int) -> dict[int, tuple[str, bool]]:
    """item id -> (item type, hidden), from iinf's infe boxes."""
    version, _, body = _full_box(data, payload, end)
    count_size = 2 if version == 0 else 4
    count = _uint(data, body, count_size, end)
    if count > MAX_ITEMS:
        raise Damaged(TOO_COMPLEX)
    items: dict[int, tuple[str, bool]] = {}
    seen = 0
    for kind, infe, infe_end in _boxes(data, body + count_size, end, MAX_ITEMS):
        if kind != b"infe":
            continue
        seen += 1
        infe_version, flags, position = _full_box(data, infe, infe_end)
        if infe_version < 2:
            # Versions 0 and 1 describe files attached to the item, never an image item.
            item_id, item_type = _uint(data, position, 2, infe_end), ""
        else:
            id_size = 2 if infe_version == 2 else 4
            item_id = _uint(data, position, id_size, infe_end)
            position += id_size + 2  # item_protection_index
            if position + 4 > infe_end:
                raise Damaged(INCONSISTENT)
            item_type = bytes(data[position : position + 4]).decode("latin-1")
        if item_id in items:
            raise Damaged(INCONSISTENT)
        items[item_id] = (item_type, bool(flags & 1))
    if seen != count:
        raise Damaged(INCONSISTENT)
    return items


@dataclass(frozen=True)
class _Location:
    method: int  # 0: offsets in the file, 1: in idat, 2: in another item
    reference: int  # data_reference_index: 0 is this file
    extents: tuple[tuple[int, int], ...]  # (offset including base_offset, length)


def _locations(data: bytes, payload: int, end: int) -> dict[int, _Location]:
    version, _, position = _full_box(data, payload, end)
    if version > 2:
        raise Damaged(INCONSISTENT)
    sizes = _uint(data, position, 2, end)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 15
    base_size, index_size = (sizes >> 4) & 15, sizes & 15 if version else 0
    if any(size not in (0, 4, 8) for size in (offset_size, length_size, base_size, index_size)):
        raise Damaged(INCONSISTENT)
    position += 2
    id_size = 2 if version < 2 else 4
    count = _uint(data, position, id_size, end)
    position += id_size
    if count > MAX_ITEMS:
        raise Damaged(TOO_COMPLEX)
    locations: dict[int, _Location] = {}
    total_extents = 0
    for _ in range(count):
        item_id = _uint(data, position, id_size, end)
        position += id_size
        method = 0
        if version:
            method = _uint(data, position, 2, end) & 15
            position += 2
        reference = _uint(data, position, 2, end)
        base = _uint(data, position + 2, base_size, end)
        extent_count = _uint(data, position + 2 + base_size, 2, end)
        position += 4 + base_size
        total_extents += extent_count
        if total_extents > MAX_EXTENTS:
            raise Damaged(TOO_COMPLEX)
        if position + extent_count * (index_size + offset_size + length_size) > end:
            raise Damaged(INCONSISTENT)
        extents = []
        for _ in range(extent_count):
            position += index_size
            offset = _uint(data, position, offset_size, end)
            length = _uint(data, position + offset_size, length_size, end)
            position += offset_size + length_size
            extents.append((base + offset, length))
        if item_id in locations:
            raise Damaged(INCONSISTENT)
        locations[item_id] = _Location(method, reference, tuple(extents))
    return locations


def _same_file_references(data: bytes, dinf: tuple[int, int] | None) -> set[int]:
    """The dref entries (numbered from 1) that mean "this file": a url or urn box with the
    self-contained flag. Anything else would fetch the picture from somewhere else."""
    if dinf is None:
        return set()
    dref = _single(_index(data, dinf[0], dinf[1], MAX_CHILDREN), b"dref")
    if dref is None:
        return set()
    _, _, body = _full_box(data, *dref)
    same = set()
    for number, (kind, entry, entry_end) in enumerate(
        _boxes(data, body + 4, dref[1], MAX_CHILDREN), start=1
    ):
        if kind in (b"url ", b"urn ") and _full_box(data, entry, entry_end)[1] & 1:
            same.add(number)
    return same


def _check_data(
    locations: dict[int, _Location],
    file_size: int,
    idat: tuple[int, int] | None,
    same_file: set[int],
) -> None:
    """Every item's data lies inside the file (or inside idat), in this file.

    All items, not only the primary: a file cut short loses its last items first, and an
    alpha plane or a tile a decoder cannot read is dropped or painted over, never refused.
    """
    idat_size = idat[1] - idat[0] if idat else None
    for location in locations.values():
        if location.reference and location.reference not in same_file:
            raise Damaged(OUTSIDE)
        if location.method == 0:
            limit = file_size
            short = CUT_SHORT
        elif location.method == 1 and idat_size is not None:
            limit = idat_size
            short = INCONSISTENT
        else:
            # Construction method 2 (data taken from another item) is written by nobody we
            # know and read by few decoders; an idat offset without an idat is broken.
            raise Damaged(INCONSISTENT)
        for offset, length in location.extents:
            # Length 0 means "to the end of the data" (ISO/IEC 14496-12, 8.11.3.3).
            if offset + max(length, 1) > limit:
                raise Damaged(short)


def _references(data: bytes, payload: int, end: int, kind: bytes) -> dict[int, list[int]]:
    """from item id -> to item ids, for one reference type of iref."""
    version, _, body = _full_box(data, payload, end)
    id_size = 2 if version == 0 else 4
    found: dict[int, list[int]] = {}
    for reference, position, box_end in _boxes(data, body, end, MAX_CHILDREN):
        if reference != kind:
            continue
        source = _uint(data, position, id_size, box_end)
        count = _uint(data, position + id_size, 2, box_end)
        position += id_size + 2
        if position + count * id_size > box_end:
            raise Damaged(INCONSISTENT)
        if source in found:
            raise Damaged(INCONSISTENT)
        found[source] = [
            _uint(data, position + n * id_size, id_size, box_end) for n in range(count)
        ]
    return found


def _associations(data: bytes, ipmas: list[tuple[int, int]]) -> dict[int, tuple[int, int, int]]:
    """item id -> (position, count, index size) of its property indices, over every ipma box.

    Only located here; `_indices` decodes the few items that matter (the primary and its
    tiles), so a file listing 1000 items with 255 properties each costs 1000 steps, not
    255000.
    """
    found: dict[int, tuple[int, int, int]] = {}
    entries = 0
    for payload, end in ipmas:
        version, flags, position = _full_box(data, payload, end)
        id_size = 2 if version == 0 else 4
        index_size = 2 if flags & 1 else 1
        count = _uint(data, position, 4, end)
        position += 4
        entries += count
        if entries > MAX_ITEMS:
            raise Damaged(TOO_COMPLEX)
        for _ in range(count):
            item_id = _uint(data, position, id_size, end)
            associations = _uint(data, position + id_size, 1, end)
            position += id_size + 1
            if position + associations * index_size > end:
                raise Damaged(INCONSISTENT)
            if item_id in found:  # an item is associated in one entry only
                raise Damaged(INCONSISTENT)
            found[item_id] = (position, associations, index_size)
            position += associations * index_size
    return found


def _indices(data: bytes, located: tuple[int, int, int] | None) -> list[int]:
    """The property indices (1-based into ipco, 0 meaning none) of one ipma entry."""
    if located is None:
        return []
    position, count, index_size = located
    mask = 0x7FFF if index_size == 2 else 0x7F  # the top bit is "essential"
    end = position + count * index_size  # checked against the ipma box when located
    return [_uint(data, position + n * index_size, index_size, end) & mask for n in range(count)]


def _crop(
    data: bytes, payload: int, end: int, size: tuple[int, int] | None
) -> tuple[int, int, int, int] | None:
    """The clean aperture as a crop box, or None when it is the whole picture.

    ISO/IEC 14496-12 12.1.4: the aperture (width cw, height ch) is centred at
    horizOff + (W - 1)/2, vertOff + (H - 1)/2, so its left edge is horizOff + (W - cw)/2 and
    its top edge vertOff + (H - ch)/2. As libavif does (avifCropRectFromCleanApertureBox),
    every denominator must be positive, the aperture's width and height whole numbers and
    its left and top edges whole numbers (computed exactly, no rounding), and the aperture
    inside the picture. libheif instead rounds fractional edges and clamps an aperture that
    overhangs the picture; such files are refused here, so that whatever is accepted, both
    decoders and this module crop alike.
    """
    if size is None or payload + 32 > end:
        raise Damaged(BAD_CROP)
    # Read as signed 32-bit, as libavif does: a "width" of 3 billion is a negative number.
    width_n, width_d, height_n, height_d, horiz_n, horiz_d, vert_n, vert_d = (
        _int32(data, payload + 4 * n, end) for n in range(8)
    )
    if min(width_d, height_d, horiz_d, vert_d) <= 0 or width_n <= 0 or height_n <= 0:
        raise Damaged(BAD_CROP)
    if width_n % width_d or height_n % height_d:
        raise Damaged(BAD_CROP)
    image_width, image_height = size
    width, height = width_n // width_d, height_n // height_d
    # left = horiz_n / horiz_d + (W - width) / 2 = (2 horiz_n + (W - width) horiz_d) / (2 horiz_d)
    left_n, left_d = 2 * horiz_n + (image_width - width) * horiz_d, 2 * horiz_d
    top_n, top_d = 2 * vert_n + (image_height - height) * vert_d, 2 * vert_d
    if left_n % left_d or top_n % top_d:
        raise Damaged(BAD_CROP)
    left, top = left_n // left_d, top_n // top_d
    if left < 0 or top < 0 or left + width > image_width or top + height > image_height:
        raise Damaged(BAD_CROP)
    if (left, top, width, height) == (0, 0, image_width, image_height):
        return None
    return left, top, left + width, top + height


def _derived_inputs(
    primary: int,
    items: dict[int, tuple[str, bool]],
    locations: dict[int, _Location],
    inputs: dict[int, list[int]],
) -> list[int]:
    """Every item the primary is made from (the tiles of a grid…), each of which must exist
    and have data. A depth-first walk without recursion, each item visited once, deeper than
    MAX_DERIVATION_DEPTH refused; an item reached again while it is still on the path (a
    grid made of itself, directly or not) is a loop. A grid may use one tile twice."""
    on_path: set[int] = set()
    done: set[int] = set()
    found: list[int] = []
    stack: list[tuple[int, list[int]]] = []

    def enter(item_id: int) -> None:
        if item_id not in items:
            raise Damaged(INCONSISTENT)
        item_type = items[item_id][0]
        # Every item but an iden (which has no data of its own) needs bytes: libheif paints
        # a grid tile it cannot read instead of failing.
        if item_type != "iden" and not (item_id in locations and locations[item_id].extents):
            raise Damaged(OUTSIDE)
        sources = inputs.get(item_id, []) if item_type in DERIVED else []
        if item_type in DERIVED and not sources:
            raise Damaged(INCONSISTENT)
        if len(stack) > MAX_DERIVATION_DEPTH:
            raise Damaged(TOO_COMPLEX)
        on_path.add(item_id)
        stack.append((item_id, list(reversed(sources))))

    enter(primary)
    while stack:
        item_id, pending = stack[-1]
        if not pending:
            stack.pop()
            on_path.discard(item_id)
            done.add(item_id)
            continue
        source = pending.pop()
        if source in on_path:
            raise Damaged(INCONSISTENT)
        if source in done:
            continue
        found.append(source)
        enter(source)
    return found


def primary_image(data: bytes) -> PrimaryImage:
    """The primary item of a HEIF/AVIF file (`data` begins with an ftyp box), or Damaged.

    Cheap: reads ftyp, meta and the headers of the other top-level boxes; the coded pixel
    data is never read.
    """
    file_size = len(data)
    top: dict[bytes, list[tuple[int, int]]] = {}
    first = None
    for kind, payload, end in _boxes(data, 0, file_size, MAX_TOP_LEVEL_BOXES, top=True):
        first = first or kind
        top.setdefault(kind, []).append((payload, end))
    if first != b"ftyp":
        raise Damaged(INCONSISTENT)
    meta = _single(top, b"meta")
    if meta is None:
        raise Damaged(NO_INDEX)
    meta_version, _, meta_body = _full_box(data, *meta)
    if meta_version != 0:
        raise Damaged(INCONSISTENT)
    boxes = _index(data, meta_body, meta[1], MAX_CHILDREN)
    pitm, iinf, iloc = _single(boxes, b"pitm"), _single(boxes, b"iinf"), _single(boxes, b"iloc")
    if pitm is None or iinf is None or iloc is None:
        raise Damaged(NO_INDEX)
    primary = _primary_id(data, *pitm)
    items = _items(data, *iinf)
    if primary not in items or items[primary][1]:  # the primary must be a shown item
        raise Damaged(NO_INDEX)
    item_type = items[primary][0]
    locations = _locations(data, *iloc)
    same_file = _same_file_references(data, _single(boxes, b"dinf"))
    _check_data(locations, file_size, _single(boxes, b"idat"), same_file)
    iref = _single(boxes, b"iref")
    inputs = _references(data, *iref, b"dimg") if iref else {}
    sources = _derived_inputs(primary, items, locations, inputs)

    iprp = _single(boxes, b"iprp")
    properties: list[tuple[bytes, int, int]] = []
    associations: dict[int, tuple[int, int, int]] = {}
    if iprp is not None:
        iprp_boxes = _index(data, iprp[0], iprp[1], MAX_CHILDREN)
        ipco = _single(iprp_boxes, b"ipco")
        if ipco is not None:
            properties = list(_boxes(data, ipco[0], ipco[1], MAX_CHILDREN))
        associations = _associations(data, iprp_boxes.get(b"ipma", []))

    def associated(item_id: int) -> list[tuple[bytes, int, int]]:
        chosen = []
        for index in _indices(data, associations.get(item_id)):
            if index == 0:  # "no property"
                continue
            if index > len(properties):
                raise Damaged(INCONSISTENT)
            chosen.append(properties[index - 1])
        return chosen

    for source in sources:
        # A turned or cropped tile: readers disagree on whether it applies, so refuse.
        if any(kind.decode("latin-1") in TRANSFORMS for kind, _, _ in associated(source)):
            raise Damaged(INCONSISTENT)

    size: tuple[int, int] | None = None
    transforms: list[str] = []
    clap: tuple[int, int] | None = None
    rotation, mirror = 0, None
    for kind, payload, end in associated(primary):
        name = kind.decode("latin-1")
        if name == "ispe":
            if size is not None:
                raise Damaged(INCONSISTENT)
            _, _, body = _full_box(data, payload, end)
            size = (_uint(data, body, 4, end), _uint(data, body + 4, 4, end))
            if min(size) == 0:
                raise Damaged(INCONSISTENT)
        elif name in TRANSFORMS:
            if name in transforms:
                raise Damaged(TWICE)
            transforms.append(name)
            if name == "clap":
                clap = (payload, end)
            elif name == "irot":
                rotation = _uint(data, payload, 1, end) & 3  # six reserved bits, then angle
            else:
                mirror = _uint(data, payload, 1, end) & 1  # seven reserved bits, then axis

    crop = None
    if clap is not None:
        # The clap applies to the picture as the transforms listed before it left it.
        grid = size
        if size is not None and "irot" in transforms[: transforms.index("clap")] and rotation % 2:
            grid = (size[1], size[0])
        crop = _crop(data, clap[0], clap[1], grid)
    return PrimaryImage(
        item_id=primary,
        item_type=item_type,
        size=size,
        crop=crop,
        rotation=rotation,
        mirror=mirror,
        transforms=tuple(transforms),
        sequence=b"moov" in top,
    )
