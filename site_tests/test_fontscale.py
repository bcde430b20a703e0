"""The slip fonts' units-per-em scaling (generator/fontscale.py)."""

from __future__ import annotations

import io

import pytest
from fontTools.cffLib import PrivateDict
from fontTools.misc.psCharStrings import T2CharString
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.transformPen import TransformPen

from generator.outputs.slips import fonts as slipfonts
from generator.outputs.slips import fontscale


def t2(program: list) -> bytes:
    charstring = T2CharString(program=program)
    charstring.compile()
    return charstring.bytecode


def points(code: bytes, factor: float = 1.0) -> list:
    """The drawing of a charstring, scaled by ``factor``: [(operator, points), ...]."""
    pen = RecordingPen()
    T2CharString(bytecode=code, private=PrivateDict()).draw(TransformPen(pen, (factor, 0, 0, factor, 0, 0)))
    return pen.value


def assert_rounded_from_absolute(source: bytes, scaled: bytes, factor: float) -> None:
    expected, got = points(source, factor), points(scaled)
    assert [op for op, _ in got] == [op for op, _ in expected]
    for (_, want), (_, have) in zip(expected, got):
        for (wx, wy), (hx, hy) in zip(want, have):
            assert (hx, hy) == (fontscale._round(wx), fontscale._round(wy))


def test_rounding_does_not_drift_along_a_contour():
    # ten steps of 3 units at 256/1000 are 0.768 each: rounded one by one they would add up
    # to 10; the end point is at 30 * 0.256 = 7.68 -> 8
    source = t2([0, 0, "rmoveto"] + [3, 0] * 10 + ["rlineto", "endchar"])
    scaled = fontscale.scale_charstring(source, 0.256)
    last = points(scaled)[-2][1][0]
    assert last == (8, 0)
    assert_rounded_from_absolute(source, scaled, 0.256)


@pytest.mark.parametrize(
    "program",
    [
        [100, 200, "rmoveto", 50, 60, -70, "hlineto", 33, 44, 55, "vlineto", "endchar"],
        [10, "hmoveto", 10, 20, 30, 40, 50, 60, 70, 80, "hvcurveto", 10, 20, 30, 40, 5, "vhcurveto", "endchar"],
        [10, "vmoveto", 9, 10, 20, 30, 40, 1, 2, 3, 4, "hhcurveto", 7, 10, 20, 30, 40, "vvcurveto", "endchar"],
        [5, 5, "rmoveto", 10, 20, 30, 40, 50, 60, 70, 80, "rcurveline", 10, 20, 30, 40, 50, 60, 70, 80, "rlinecurve", "endchar"],
        [0, 0, "rmoveto", 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 50, "flex", "endchar"],
        [0, 0, "rmoveto", 10, 20, 30, 40, 50, 60, 70, "hflex", 10, 20, 30, 40, 50, 60, 70, 80, 90, "hflex1", "endchar"],
        [0, 0, "rmoveto", 100, 20, 30, 40, 50, 60, 70, 80, 90, 10, 7, "flex1", "endchar"],
    ],
)
def test_every_drawing_operator_keeps_its_points(program):
    source = t2(program)
    assert_rounded_from_absolute(source, fontscale.scale_charstring(source, 0.256), 0.256)


def test_widths_and_hints_in_a_charstring():
    # width 600 = nominal 100 + 500; the stem hints go, the outline stays
    source = t2([500, 10, 20, "hstem", 0, 0, "rmoveto", 400, "hlineto", "endchar"])
    scaled = fontscale.scale_charstring(source, 0.5, (100, 250, 50))
    charstring = T2CharString(bytecode=scaled, private=PrivateDict())
    charstring.decompile()
    assert "hstem" not in charstring.program
    assert charstring.program[0] == 300 - 50  # 600 * 0.5, relative to the scaled nominal
    # a width equal to the scaled defaultWidthX is not written
    default = fontscale.scale_charstring(source, 0.5, (100, 300, 50))
    assert default == t2([0, 0, "rmoveto", 200, "hlineto", "endchar"])


def test_subroutine_calls_are_refused():
    with pytest.raises(fontscale.ScaleError):
        fontscale.scale_charstring(t2([0, 0, "rmoveto", 5, "callsubr", "endchar"]), 0.5)


@pytest.fixture(scope="module")
def serif():
    found = slipfonts.locate(slipfonts.FACES[0].pattern)
    if found is None:
        pytest.skip("Noto Serif CJK SC not installed")
    chars = slipfonts.text_charset()[:400]
    data = slipfonts._hb_subset(*found, chars)
    return data, chars


def test_slip_font_is_scaled_to_the_set_upem_and_keeps_its_shapes(serif):
    from fontTools.ttLib import TTFont

    data, chars = serif
    source = TTFont(io.BytesIO(data))
    slipfonts._frequency_order(source, chars)
    saved = io.BytesIO()
    source.save(saved)
    source = TTFont(io.BytesIO(saved.getvalue()))
    scaled = TTFont(io.BytesIO(slipfonts._prepare(data, chars, slipfonts.UPEM)))
    factor = slipfonts.UPEM / source["head"].unitsPerEm
    assert slipfonts.UPEM < 1000 and scaled["head"].unitsPerEm == slipfonts.UPEM
    assert scaled["CFF "].cff.topDictIndex[0].FontMatrix[0] == pytest.approx(1 / slipfonts.UPEM)
    assert scaled.getGlyphOrder() == source.getGlyphOrder()
    source_glyphs, scaled_glyphs = source.getGlyphSet(), scaled.getGlyphSet()
    for name in source.getGlyphOrder():
        advance = source["hmtx"][name][0]
        # every advance in proportion: a full-width character stays a full em
        assert scaled["hmtx"][name][0] == fontscale._round(advance * factor)
        assert scaled_glyphs[name].width == scaled["hmtx"][name][0]
        want, got = RecordingPen(), RecordingPen()
        source_glyphs[name].draw(TransformPen(want, (factor, 0, 0, factor, 0, 0)))
        scaled_glyphs[name].draw(got)
        assert [op for op, _ in got.value] == [op for op, _ in want.value]
        for (_, a), (_, b) in zip(want.value, got.value):
            for (ax, ay), (bx, by) in zip(a, b):
                assert abs(ax - bx) <= 0.5 and abs(ay - by) <= 0.5
    assert scaled["hmtx"][scaled.getBestCmap()[ord("的")]][0] == slipfonts.UPEM


def test_slip_font_preparation_is_deterministic(serif):
    data, chars = serif
    assert slipfonts._prepare(data, chars, slipfonts.UPEM) == slipfonts._prepare(data, chars, slipfonts.UPEM)
