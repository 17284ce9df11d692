"""The mass balance of a mine and its concentrator, written once.

Why one module: the site table (mine_db.flows), the ore-grade scenario lever and the
Monte Carlo sources all move the same tonnes; if each wrote the balance itself they
could drift apart unseen. Every function is pure and works on floats or numpy arrays.

With substance = the graded substance produced (metal_t x basis content), g = head
grade, r = recovery, c = concentrate grade and s = strip ratio:

    ore         = substance / (g r)
    concentrate = substance / c
    stripping   = s x ore
    tailings    = ore - concentrate

A change of grade or recovery at fixed output rescales the ore by (g0 r0) / (g r);
the concentrate is unchanged, so every extra tonne of ore leaves as tailings.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

Number = TypeVar("Number", float, np.ndarray)


def ore(substance: Number, grade: Number, recovery: Number) -> Number:
    """Ore milled to produce `substance` t of the graded substance."""
    return substance / (grade * recovery)


def concentrate(substance: Number, concentrate_grade: Number) -> Number:
    """Concentrate carrying `substance` t at `concentrate_grade`."""
    return substance / concentrate_grade


def stripping(strip_ratio: Number, ore_t: Number) -> Number:
    """Overburden or waste rock moved to reach `ore_t` t of ore."""
    return strip_ratio * ore_t


def tailings(ore_t: Number, concentrate_t: Number) -> Number:
    """What the concentrator rejects: ore minus concentrate (negative means inputs contradict)."""
    return ore_t - concentrate_t


def rescaled_ore(ore0: Number, grade0: Number, recovery0: Number, grade: Number, recovery: Number) -> Number:
    """Ore for the same output at another grade and recovery: ore0 (g0 r0) / (g r)."""
    return ore(ore0 * grade0 * recovery0, grade, recovery)


def rescaled_tailings(tailings0: Number, ore0: Number, ore_t: Number) -> Number:
    """Tailings when the ore changes and the concentrate does not."""
    return tailings0 + (ore_t - ore0)


def rescaled_stripping(stripping0: Number, strip_ratio0: Number, strip_ratio: Number) -> Number:
    """Stripping per unit when the strip ratio changes from `strip_ratio0` to `strip_ratio`."""
    return stripping0 * (strip_ratio / strip_ratio0)
