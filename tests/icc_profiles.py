"""ICC display profiles from their parameters, and the same parameters as plain float maths.

A profile here is what a phone, camera or editor embeds: a matrix/TRC RGB profile (three
primaries, a white point, one transfer curve) or a grey profile (a white point and one
curve). `Profile.icc()` writes it as ICC v2 or v4 bytes that LittleCMS accepts (desc, cprt,
wtpt, rXYZ/gXYZ/bXYZ adapted to the D50 connection space with Bradford as the ICC requires,
r/g/bTRC or kTRC, and chad in v4); the methods beside it do the same colour maths in Python
floats, so a test's reference never comes from LittleCMS, the library under test. A CMYK
profile (`CmykProfile`, a 2-point lookup table) stands for the print profiles of CMYK files.

The curves the maths uses are the ones written into the bytes: a gamma is stored as
u8Fixed8 and a parametric curve as s15Fixed16, so both are quantised before use, and a
sampled curve is interpolated linearly between its samples, as the ICC specifies. (The
colorants' own s15Fixed16 rounding, under 2e-5, is left out: far below any ΔE measured.)
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

Matrix = tuple[tuple[float, float, float], ...]
Vector = tuple[float, float, float]
XY = tuple[float, float]

# The connection space's illuminant, exactly as the ICC header and LittleCMS spell it.
D50: Vector = (0.9642, 1.0, 0.8249)
D65_XY: XY = (0.3127, 0.3290)
D50_XY: XY = (0.3457, 0.3585)

BRADFORD: Matrix = (
    (0.8951, 0.2664, -0.1614),
    (-0.7502, 1.7135, 0.0367),
    (0.0389, -0.0685, 1.0296),
)


# --- 3 x 3 maths, in floats (no numpy in the project) --------------------------------------


def mat_vec(m: Matrix, v: Vector) -> Vector:
    return (
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    )


def mat_mul(a: Matrix, b: Matrix) -> Matrix:
    return tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )  # type: ignore[return-value]


def mat_inv(m: Matrix) -> Matrix:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return (
        ((e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det),
        ((f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det),
        ((d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det),
    )


def xy_to_xyz(xy: XY) -> Vector:
    """Chromaticity to XYZ with Y = 1."""
    x, y = xy
    return (x / y, 1.0, (1 - x - y) / y)


def bradford(source: Vector, destination: Vector) -> Matrix:
    """The Bradford matrix taking colours seen under white `source` to white `destination`."""
    s = mat_vec(BRADFORD, source)
    d = mat_vec(BRADFORD, destination)
    scale: Matrix = ((d[0] / s[0], 0, 0), (0, d[1] / s[1], 0), (0, 0, d[2] / s[2]))
    return mat_mul(mat_inv(BRADFORD), mat_mul(scale, BRADFORD))


def rgb_to_xyz(primaries: tuple[XY, XY, XY], white: XY) -> Matrix:
    """Linear RGB to XYZ under the profile's own white (RGB 1,1,1 is that white, Y = 1)."""
    columns = [xy_to_xyz(p) for p in primaries]
    p: Matrix = tuple(tuple(columns[j][i] for j in range(3)) for i in range(3))  # type: ignore[assignment]
    s = mat_vec(mat_inv(p), xy_to_xyz(white))
    return tuple(tuple(p[i][j] * s[j] for j in range(3)) for i in range(3))  # type: ignore[return-value]


# --- transfer curves ------------------------------------------------------------------------


def s15(value: float) -> int:
    return round(value * 65536)


def srgb_decode(v: float) -> float:
    """IEC 61966-2-1: encoded value to linear light."""
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def srgb_encode(linear: float) -> float:
    return linear * 12.92 if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055


@dataclass(frozen=True)
class Curve:
    """One transfer curve (encoded value in 0..1 to linear light), as stored in the profile."""

    kind: Literal["gamma", "parametric", "sampled"]
    gamma: float = 1.0  # kind "gamma": curv with one u8Fixed8 entry
    params: tuple[float, ...] = ()  # kind "parametric": para function type 3 (g, a, b, c, d)
    samples: tuple[int, ...] = ()  # kind "sampled": curv with n uint16 entries

    @classmethod
    def power(cls, gamma: float) -> Curve:
        return cls("gamma", gamma=round(gamma * 256) / 256)  # what u8Fixed8 can hold

    @classmethod
    def srgb(cls) -> Curve:
        """The sRGB curve as para type 3: Y = (aX + b)^g for X >= d, else cX."""
        exact = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)
        return cls("parametric", params=tuple(s15(p) / 65536 for p in exact))

    @classmethod
    def srgb_sampled(cls, count: int = 1024) -> Curve:
        """The sRGB curve as a table, as the widespread v2 "sRGB IEC61966-2.1" profile has it."""
        return cls(
            "sampled",
            samples=tuple(round(srgb_decode(i / (count - 1)) * 65535) for i in range(count)),
        )

    def decode(self, v: float) -> float:
        """Encoded value (0..1) to linear light, with the stored numbers."""
        v = min(max(v, 0.0), 1.0)
        if self.kind == "gamma":
            return v**self.gamma
        if self.kind == "parametric":
            g, a, b, c, d = self.params
            return (a * v + b) ** g if v >= d else c * v
        position = v * (len(self.samples) - 1)
        low = min(int(position), len(self.samples) - 2)
        fraction = position - low
        below, above = self.samples[low], self.samples[low + 1]
        return (below + (above - below) * fraction) / 65535

    def encode(self, linear: float) -> float:
        """Linear light (0..1) to the encoded value: the inverse of decode."""
        linear = min(max(linear, 0.0), 1.0)
        if self.kind == "gamma":
            return linear ** (1 / self.gamma)
        if self.kind == "parametric":
            g, a, b, c, d = self.params
            if linear < c * d:
                return linear / c
            return (linear ** (1 / g) - b) / a
        # The samples rise monotonically: find the segment, invert the straight line.
        target = linear * 65535
        index = max(1, bisect.bisect_left(self.samples, target))
        index = min(index, len(self.samples) - 1)
        below, above = self.samples[index - 1], self.samples[index]
        fraction = 0.0 if above == below else (target - below) / (above - below)
        return (index - 1 + fraction) / (len(self.samples) - 1)

    def tag(self, version: int) -> bytes:
        del version  # curv and para read the same in v2 and v4 for LittleCMS
        if self.kind == "gamma":
            return b"curv" + bytes(4) + struct.pack(">IH", 1, round(self.gamma * 256))
        if self.kind == "parametric":
            return (
                b"para"
                + bytes(4)
                + struct.pack(">HH", 3, 0)
                + b"".join(struct.pack(">i", s15(p)) for p in self.params)
            )
        return (
            b"curv"
            + bytes(4)
            + struct.pack(">I", len(self.samples))
            + struct.pack(f">{len(self.samples)}H", *self.samples)
        )


# --- profiles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """A matrix/TRC RGB display profile (or, with `grey`, a grey one), by its parameters."""

    description: str
    curve: Curve
    white: XY = D65_XY
    primaries: tuple[XY, XY, XY] = ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06))
    version: int = 2
    grey: bool = False

    # The maths, with the numbers the profile stores -----------------------------------------

    @property
    def white_xyz(self) -> Vector:
        return xy_to_xyz(self.white)

    @property
    def to_xyz(self) -> Matrix:
        """Linear RGB to XYZ under the profile's white."""
        return rgb_to_xyz(self.primaries, self.white)

    @property
    def to_pcs(self) -> Matrix:
        """Linear RGB to the D50 connection space: the colorants the rXYZ/gXYZ/bXYZ tags hold."""
        return mat_mul(bradford(self.white_xyz, D50), self.to_xyz)

    def decode(self, pixel: Sequence[float]) -> Vector:
        """An 8-bit pixel (3 values, or 1 for grey; fractions allowed, as for a patch's mean)
        to its colour in the D50 connection space."""
        if self.grey:
            y = self.curve.decode(pixel[0] / 255)
            return (D50[0] * y, y, D50[2] * y)  # a grey profile's PCS colour is D50 times Y
        linear = tuple(self.curve.decode(v / 255) for v in pixel)
        return mat_vec(self.to_pcs, linear)  # type: ignore[arg-type]

    def encode(self, pcs: Vector) -> tuple[int, ...]:
        """A colour in the D50 connection space to the nearest 8-bit pixel in this profile."""
        if self.grey:
            return (round(self.curve.encode(pcs[1]) * 255),)
        linear = mat_vec(mat_inv(self.to_pcs), pcs)
        return tuple(round(self.curve.encode(v) * 255) for v in linear)

    # The bytes ----------------------------------------------------------------------------

    def icc(self) -> bytes:
        v4 = self.version == 4
        tags: list[tuple[bytes, bytes]] = [
            (b"desc", _mluc(self.description) if v4 else _desc(self.description)),
            (b"cprt", _mluc("No copyright, test profile") if v4 else _text("No copyright")),
            # v4: the media white of a display profile is D50, its adaptation in chad.
            # v2: the display's own white, the colorants already adapted to D50.
            (b"wtpt", _xyz(D50 if v4 else self.white_xyz)),
        ]
        if v4:
            tags.append((b"chad", _sf32(bradford(self.white_xyz, D50))))
        curve = self.curve.tag(self.version)
        if self.grey:
            tags.append((b"kTRC", curve))
        else:
            colorants = self.to_pcs
            for index, name in enumerate((b"rXYZ", b"gXYZ", b"bXYZ")):
                column = (colorants[0][index], colorants[1][index], colorants[2][index])
                tags.append((name, _xyz(column)))
            tags += [(b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
        return _assemble(tags, b"GRAY" if self.grey else b"RGB ", self.version)


def _xyz(value: Vector) -> bytes:
    return b"XYZ " + bytes(4) + struct.pack(">3i", *(s15(v) for v in value))


def _sf32(matrix: Matrix) -> bytes:
    return b"sf32" + bytes(4) + struct.pack(">9i", *(s15(v) for row in matrix for v in row))


def _desc(text: str) -> bytes:
    """v2 textDescriptionType: ASCII, then empty Unicode and ScriptCode parts."""
    ascii_text = text.encode("ascii") + b"\0"
    return (
        b"desc"
        + bytes(4)
        + struct.pack(">I", len(ascii_text))
        + ascii_text
        + struct.pack(">II", 0, 0)  # Unicode language code and count
        + struct.pack(">HB", 0, 0)  # ScriptCode code and count
        + bytes(67)
    )


def _text(text: str) -> bytes:
    return b"text" + bytes(4) + text.encode("ascii") + b"\0"


def _mluc(text: str) -> bytes:
    encoded = text.encode("utf-16-be")
    return (
        b"mluc"
        + bytes(4)
        + struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(encoded), 28)
        + encoded
    )


def _assemble(
    tags: list[tuple[bytes, bytes]],
    space: bytes,
    version: int,
    device_class: bytes = b"mntr",
    pcs: bytes = b"XYZ ",
) -> bytes:
    """Header, tag table and tag data (4-byte aligned, identical data stored once)."""
    table_size = 4 + 12 * len(tags)
    body = bytearray()
    placed: dict[bytes, int] = {}
    entries = b""
    for signature, data in tags:
        if data not in placed:
            placed[data] = 128 + table_size + len(body)
            body += data + bytes(-len(data) % 4)
        entries += struct.pack(">4sII", signature, placed[data], len(data))
    size = 128 + table_size + len(body)
    header = (
        struct.pack(">I4sI", size, b"lcms", 0x04300000 if version == 4 else 0x02100000)
        + device_class
        + space
        + pcs
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8)  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # rendering intent: perceptual
        + _xyz(D50)[8:]  # the connection space's illuminant
        + bytes(4)  # creator
        + bytes(16)  # profile ID, filled in below for v4
        + bytes(28)
    )
    profile = bytearray(header + struct.pack(">I", len(tags)) + entries + body)
    if version == 4:
        # The ID is the MD5 of the profile with flags, intent and the ID itself zeroed.
        profile[84:100] = hashlib.md5(bytes(profile), usedforsecurity=False).digest()
    return bytes(profile)


# --- CIELAB ------------------------------------------------------------------------------

D65: Vector = xy_to_xyz(D65_XY)
SRGB_TO_PCS: Matrix = mat_mul(
    bradford(D65, D50), rgb_to_xyz(((0.64, 0.33), (0.30, 0.60), (0.15, 0.06)), D65_XY)
)


def srgb_to_pcs(rgb: tuple[float, ...]) -> Vector:
    """An sRGB colour (0..255, fractions allowed) in the D50 connection space, by IEC 61966-2-1."""
    return mat_vec(SRGB_TO_PCS, tuple(srgb_decode(v / 255) for v in rgb))  # type: ignore[arg-type]


def pcs_to_srgb(pcs: Vector) -> tuple[float, float, float]:
    linear = mat_vec(mat_inv(SRGB_TO_PCS), pcs)
    return tuple(srgb_encode(min(max(v, 0.0), 1.0)) * 255 for v in linear)  # type: ignore[return-value]


def _f(t: float) -> float:
    return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29


def _f_inverse(t: float) -> float:
    return t**3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29)


def xyz_to_lab(xyz: Vector, white: Vector) -> Vector:
    fx, fy, fz = (_f(xyz[i] / white[i]) for i in range(3))
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def lab_to_xyz(lab: Vector, white: Vector) -> Vector:
    fy = (lab[0] + 16) / 116
    f = (fy + lab[1] / 500, fy, fy - lab[2] / 200)
    return tuple(white[i] * _f_inverse(f[i]) for i in range(3))  # type: ignore[return-value]


def lab_d65(pcs: Vector) -> Vector:
    """A connection-space colour as CIELAB under D65, the white sRGB viewers show."""
    return xyz_to_lab(mat_vec(bradford(D50, D65), pcs), D65)


def delta_e76(a: Vector, b: Vector) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5


# --- a CMYK profile: a lookup table, as print profiles are ---------------------------------


@dataclass(frozen=True)
class CmykProfile:
    """CMYK to the Lab connection space by a 2-point-per-ink table (lut8Type A2B0): the 16
    corners (each ink 0 or 100 %) are exact, the rest multilinear in between."""

    description: str
    corners: tuple[tuple[int, int, int], ...]  # lut8 Lab bytes, first ink varying slowest

    @classmethod
    def from_srgb(
        cls, description: str, colour: Callable[[tuple[int, ...]], Vector]
    ) -> CmykProfile:
        """`colour(cmyk corner of 0/1)` is the sRGB (0..255) colour that corner prints as."""
        corners = []
        for corner in itertools.product((0, 1), repeat=4):
            lab = xyz_to_lab(srgb_to_pcs(colour(corner)), D50)
            corners.append(
                (
                    round(lab[0] * 255 / 100),
                    min(255, max(0, round(lab[1] + 128))),
                    min(255, max(0, round(lab[2] + 128))),
                )
            )
        return cls(description, tuple(corners))

    def corner_pcs(self, corner: tuple[int, ...]) -> Vector:
        """The connection-space colour the table stores for a corner (inks 0 or 1)."""
        index = sum(bit << (3 - position) for position, bit in enumerate(corner))
        l_byte, a_byte, b_byte = self.corners[index]
        return lab_to_xyz((l_byte * 100 / 255, a_byte - 128, b_byte - 128), D50)

    def icc(self) -> bytes:
        identity = bytes(range(256))
        lut = (
            b"mft1"
            + bytes(4)
            + struct.pack(">BBBB", 4, 3, 2, 0)
            + struct.pack(">9i", *(s15(1.0 if i % 4 == 0 else 0.0) for i in range(9)))
            + identity * 4
            + bytes(value for corner in self.corners for value in corner)
            + identity * 3
        )
        tags = [
            (b"desc", _desc(self.description)),
            (b"cprt", _text("No copyright")),
            (b"wtpt", _xyz(D50)),
            (b"A2B0", lut),
        ]
        return _assemble(tags, b"CMYK", 2, device_class=b"scnr", pcs=b"Lab ")


# --- the profiles the tests use ------------------------------------------------------------

SRGB_PRIMARIES: tuple[XY, XY, XY] = ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06))
P3_PRIMARIES: tuple[XY, XY, XY] = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
ADOBE_PRIMARIES: tuple[XY, XY, XY] = ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06))
PROPHOTO_PRIMARIES: tuple[XY, XY, XY] = ((0.7347, 0.2653), (0.1596, 0.8404), (0.0366, 0.0001))

SRGB = Profile("sRGB IEC61966-2.1", Curve.srgb_sampled(1024))  # the common v2 one
SRGB_V4 = Profile("sRGB IEC61966-2.1", Curve.srgb(), version=4)
SAMSUNG_P3 = Profile("DCI-P3 D65 Gamut with sRGB Transfer", Curve.srgb(), primaries=P3_PRIMARIES)
DISPLAY_P3 = Profile("Display P3", Curve.srgb(), primaries=P3_PRIMARIES, version=4)
ADOBE_RGB = Profile("Adobe RGB (1998)", Curve.power(563 / 256), primaries=ADOBE_PRIMARIES)
PROPHOTO = Profile("ProPhoto RGB", Curve.power(1.8), white=D50_XY, primaries=PROPHOTO_PRIMARIES)
# A linear profile renamed "sRGB": the name of the real thing, gamma 1.0.
LINEAR_SRGB = Profile("sRGB IEC61966-2.1", Curve.power(1.0))
GREY_GAMMA_22 = Profile("Gray Gamma 2.2", Curve.power(2.2), grey=True)
GREY_SRGB = Profile("sGrey", Curve.srgb(), grey=True, version=4)

RGB_PROFILES = {
    "srgb-v2": SRGB,
    "srgb-v4": SRGB_V4,
    "samsung-p3": SAMSUNG_P3,
    "display-p3": DISPLAY_P3,
    "adobe-rgb": ADOBE_RGB,
    "prophoto": PROPHOTO,
    "linear-named-srgb": LINEAR_SRGB,
}
