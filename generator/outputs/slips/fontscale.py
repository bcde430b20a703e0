"""Change a CFF-flavoured OpenType font's units per em quickly, rounding without drift.

Why: a CJK glyph's outline is mostly deltas between points. At 1000 units per em most
of them need two bytes in a Type 2 charstring (one byte holds -107..107); at 256 units
nearly all fit in one, and the slips' serif font shrinks by about a quarter. 1/256 em at
10.5 pt is 0.015 mm, below the dot of a 600 dpi printer.

``fontTools.ttLib.scaleUpem`` does the same in 70–140 s for a 6,000-glyph CJK face
(decompiling every charstring into objects and compiling it again), and it rounds each
delta on its own, so the error of a long contour adds up. Here each charstring's bytes are
read once and written once (about a second a face): every coordinate is followed as an
absolute position, scaled and rounded there, and written as the delta from the previous
rounded position. The operators are kept as they are: an argument an operator leaves out
(a zero delta) stays zero, because a point at the same position rounds to the same
position. Flex operators become two curves; hints are dropped.

The charstrings must be desubroutinized (no ``callsubr``/``callgsubr``): subset with
harfbuzz's DESUBROUTINIZE flag (fontTools: ``desubroutinize=True``).
"""

from __future__ import annotations

import math
import struct
from typing import Any


class ScaleError(ValueError):
    """A charstring this scaler does not handle (subroutine calls, seac, CFF2 blends)."""


def _round(value: float) -> int:
    # fontTools' otRound: halves round up, the same on every machine
    return math.floor(value + 0.5)


def _encode(value: int) -> bytes:
    if -107 <= value <= 107:
        return bytes((value + 139,))
    if 108 <= value <= 1131:
        value -= 108
        return bytes(((value >> 8) + 247, value & 0xFF))
    if -1131 <= value <= -108:
        value = -value - 108
        return bytes(((value >> 8) + 251, value & 0xFF))
    return struct.pack(">bh", 28, value)


_ENCODED = {v: _encode(v) for v in range(-1131, 1132)}

# Operators whose arguments alternate x, y from the first: rlineto, rrcurveto, rcurveline,
# rlinecurve; and the moveto with one argument.
_PAIRS = {5: b"\x05", 8: b"\x08", 24: b"\x18", 25: b"\x19"}
_HSTEM, _VSTEM, _HINTMASK, _CNTRMASK, _HSTEMHM, _VSTEMHM = 1, 3, 19, 20, 18, 23
_RMOVETO, _HMOVETO, _VMOVETO, _ENDCHAR = 21, 22, 4, 14
_HLINETO, _VLINETO, _VVCURVETO, _HHCURVETO, _VHCURVETO, _HVCURVETO = 6, 7, 26, 27, 30, 31
_FLEX, _HFLEX, _HFLEX1, _FLEX1 = 32 + 35, 32 + 34, 32 + 36, 32 + 37  # escaped: 12 x


def _curve_axes(count: int, start_x: bool) -> list[bool]:
    """Axis of each argument of hvcurveto/vhcurveto: True for x.

    Curves of four arguments alternate between starting horizontal (x, x, y, y) and
    vertical (y, x, y, x); a fifth argument at the end is the last curve's other axis."""
    axes: list[bool] = []
    horizontal = start_x
    full = count - count % 4 if count % 4 != 1 else count - 1
    for _ in range(full // 4):
        axes += [True, True, False, False] if horizontal else [False, True, False, True]
        horizontal = not horizontal
    if count % 4 == 1:
        # the last curve ends on the axis it did not start on: its extra delta is that
        # curve's start axis (a horizontal-start curve gets dxf, a vertical one dyf)
        axes.append(not horizontal)
    return axes


def scale_charstring(code: bytes, factor: float, widths: tuple[float, int, int] | None = None) -> bytes:
    """The charstring ``code`` with every coordinate scaled by ``factor``.

    ``widths``: (source nominalWidthX, scaled defaultWidthX, scaled nominalWidthX) of the
    glyph's private dict, to keep the width a charstring may carry; None drops it (the hmtx
    table holds the advance that matters)."""
    out = bytearray()
    stack: list[float] = []
    x = y = 0.0  # absolute, source units
    sx = sy = 0  # absolute, scaled and rounded
    stems = 0
    first = True
    glyph_width = None  # the width argument, relative to the source nominalWidthX
    width_due = widths is not None
    i, n = 0, len(code)

    def emit_axes(args: list[float], axes: list[bool]) -> None:
        nonlocal x, y, sx, sy
        for value, is_x in zip(args, axes):
            if is_x:
                x += value
                new = _round(x * factor)
                out.extend(_ENCODED.get(new - sx) or _encode(new - sx))
                sx = new
            else:
                y += value
                new = _round(y * factor)
                out.extend(_ENCODED.get(new - sy) or _encode(new - sy))
                sy = new

    def take_width(args: list[float], expected_even: bool | int) -> list[float]:
        """Strip the optional width argument of the first stack-clearing operator."""
        nonlocal first, glyph_width
        if not first:
            return args
        first = False
        extra = (len(args) % 2 == 1) if expected_even is True else len(args) > expected_even
        if extra:
            glyph_width = args[0]
            args = args[1:]
        return args

    def write_width() -> None:
        """Before the first drawing operator (hints are gone, so it clears the stack first)."""
        nonlocal width_due
        if not width_due:
            return
        width_due = False
        if glyph_width is None:
            return  # defaultWidthX, scaled in the private dict
        source_nominal, default, nominal = widths
        new = _round((source_nominal + glyph_width) * factor)
        if new != default:
            out.extend(_encode(new - nominal))

    while i < n:
        b0 = code[i]
        if b0 >= 32 or b0 == 28:
            if b0 == 28:
                stack.append(struct.unpack_from(">h", code, i + 1)[0])
                i += 3
            elif b0 <= 246:
                stack.append(b0 - 139)
                i += 1
            elif b0 <= 250:
                stack.append((b0 - 247) * 256 + code[i + 1] + 108)
                i += 2
            elif b0 <= 254:
                stack.append(-(b0 - 251) * 256 - code[i + 1] - 108)
                i += 2
            else:
                stack.append(struct.unpack_from(">l", code, i + 1)[0] / 65536)
                i += 5
            continue
        op = b0
        i += 1
        if op == 12:
            op = 32 + code[i]  # escaped operators: 12 x -> 32 + x
            i += 1
        args = stack
        stack = []
        if op in (_HSTEM, _VSTEM, _HSTEMHM, _VSTEMHM):
            args = take_width(args, True)
            stems += len(args) // 2
            continue  # hints are dropped
        if op in (_HINTMASK, _CNTRMASK):
            args = take_width(args, True)
            stems += len(args) // 2
            i += (stems + 7) // 8
            continue
        if op == _RMOVETO:
            args = take_width(args, 2)
            write_width()
            emit_axes(args, [True, False])
            out.append(op)
        elif op in (_HMOVETO, _VMOVETO):
            args = take_width(args, 1)
            write_width()
            emit_axes(args, [op == _HMOVETO])
            out.append(op)
        elif op == _ENDCHAR:
            args = take_width(args, 0)
            if args:
                raise ScaleError("endchar with seac arguments")
            write_width()
            out.append(op)
        elif op in _PAIRS:
            write_width()
            emit_axes(args, [True, False] * (len(args) // 2))
            out.append(op)
        elif op in (_HLINETO, _VLINETO):
            write_width()
            start = op == _HLINETO
            emit_axes(args, [(k % 2 == 0) == start for k in range(len(args))])
            out.append(op)
        elif op in (_HHCURVETO, _VVCURVETO):
            write_width()
            along_x = op == _HHCURVETO
            axes = [not along_x] if len(args) % 2 else []
            axes += [along_x, True, False, along_x] * (len(args) // 4)
            emit_axes(args, axes)
            out.append(op)
        elif op in (_HVCURVETO, _VHCURVETO):
            write_width()
            emit_axes(args, _curve_axes(len(args), op == _HVCURVETO))
            out.append(op)
        elif op in (_FLEX, _HFLEX, _HFLEX1, _FLEX1):
            # two curves as rrcurveto (flex only mattered to hinting at small sizes)
            if op == _FLEX:
                deltas = args[:12]
            elif op == _HFLEX:
                dx1, dx2, dy2, dx3, dx4, dx5, dx6 = args
                deltas = [dx1, 0, dx2, dy2, dx3, 0, dx4, 0, dx5, -dy2, dx6, 0]
            elif op == _HFLEX1:
                dx1, dy1, dx2, dy2, dx3, dx4, dx5, dy5, dx6 = args
                deltas = [dx1, dy1, dx2, dy2, dx3, 0, dx4, 0, dx5, dy5, dx6, -(dy1 + dy2 + dy5)]
            else:
                d = args[:10]
                dx, dy = sum(d[0::2]), sum(d[1::2])
                last = [args[10], -dy] if abs(dx) > abs(dy) else [-dx, args[10]]
                deltas = d + last
            write_width()
            emit_axes(deltas, [True, False] * 6)
            out.append(8)  # rrcurveto
        else:
            raise ScaleError(f"charstring operator {op} not handled (subroutines must be flattened first)")
    return bytes(out)


_HEAD = ("xMin", "yMin", "xMax", "yMax")
_HHEA = ("ascent", "descent", "lineGap", "advanceWidthMax", "minLeftSideBearing", "minRightSideBearing", "xMaxExtent", "caretOffset")
_OS2 = (
    "xAvgCharWidth", "ySubscriptXSize", "ySubscriptYSize", "ySubscriptXOffset", "ySubscriptYOffset",
    "ySuperscriptXSize", "ySuperscriptYSize", "ySuperscriptXOffset", "ySuperscriptYOffset",
    "yStrikeoutSize", "yStrikeoutPosition", "sTypoAscender", "sTypoDescender", "sTypoLineGap",
    "usWinAscent", "usWinDescent", "sxHeight", "sCapHeight",
)  # fmt: skip
_PRIVATE_LISTS = ("BlueValues", "OtherBlues", "FamilyBlues", "FamilyOtherBlues", "StemSnapH", "StemSnapV")
_PRIVATE_NUMBERS = ("StdHW", "StdVW")


def scale_font(font: Any, upem: int) -> None:
    """Scale a fontTools TTFont with a desubroutinized CFF table to ``upem`` units per em, in place.

    Advances and side bearings, the head, hhea, OS/2 and post metrics, the CFF FontBBox,
    FontMatrix, private-dict values and every outline are scaled. Tables that hold other
    coordinates (GPOS, GDEF, BASE, vmtx, VORG, kern, MATH) must have been dropped."""
    old = font["head"].unitsPerEm
    if old == upem:
        return
    for tag in ("GPOS", "GDEF", "BASE", "vmtx", "vhea", "VORG", "kern", "MATH", "CFF2"):
        if tag in font:
            raise ScaleError(f"table {tag} is not scaled: drop it first")
    factor = upem / old

    def s(value: float) -> int:
        return _round(value * factor)

    head = font["head"]
    head.unitsPerEm = upem
    for name in _HEAD:
        setattr(head, name, s(getattr(head, name)))
    hhea = font["hhea"]
    for name in _HHEA:
        setattr(hhea, name, s(getattr(hhea, name)))
    if "OS/2" in font:
        os2 = font["OS/2"]
        for name in _OS2:
            if hasattr(os2, name):
                setattr(os2, name, s(getattr(os2, name)))
    if "post" in font:
        post = font["post"]
        post.underlinePosition = s(post.underlinePosition)
        post.underlineThickness = s(post.underlineThickness)
    hmtx = font["hmtx"]
    hmtx.metrics = {name: (s(adv), s(lsb)) for name, (adv, lsb) in hmtx.metrics.items()}

    cff = font["CFF "].cff
    if len(cff.GlobalSubrs):
        raise ScaleError("the CFF has global subroutines: desubroutinize first")
    top = cff.topDictIndex[0]
    if hasattr(top, "FontBBox"):
        top.FontBBox = [s(v) for v in top.FontBBox]
    for name in ("UnderlinePosition", "UnderlineThickness", "StrokeWidth"):
        if name in top.rawDict:
            setattr(top, name, s(getattr(top, name)))
    # a new list: an absent FontMatrix is the class default, shared by every dict
    top.FontMatrix = [v / factor for v in top.FontMatrix]
    privates = [fd.Private for fd in top.FDArray] if hasattr(top, "FDArray") else [top.Private]
    old_nominal = {}
    for private in privates:
        if getattr(private, "Subrs", None):
            raise ScaleError("the CFF has local subroutines: desubroutinize first")
        old_nominal[id(private)] = private.nominalWidthX
        private.defaultWidthX = s(private.defaultWidthX)
        private.nominalWidthX = s(private.nominalWidthX)
        for name in _PRIVATE_LISTS:
            if name in private.rawDict:
                setattr(private, name, [s(v) for v in getattr(private, name)])
        for name in _PRIVATE_NUMBERS:
            if name in private.rawDict:
                setattr(private, name, s(getattr(private, name)))
    strings = top.CharStrings
    for name in font.getGlyphOrder():
        charstring = strings[name]
        if charstring.bytecode is None:
            charstring.compile()
        private = charstring.private
        widths = (old_nominal[id(private)], private.defaultWidthX, private.nominalWidthX)
        charstring.bytecode = scale_charstring(charstring.bytecode, factor, widths)
        charstring.program = None
