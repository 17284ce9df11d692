"""Sample mines at the source: ore grade, recovery and strip ratio, with coefficients derived from them.

Why at the source: a mine's ore per tonne of metal, its stripping waste and its
tailings all follow from the same few numbers (mine_db.flows): ore = b / (g r),
stripping = s * ore, tailings = ore - concentrate. Drawing g, r and s once per mine
and deriving the three coefficients keeps them consistent draw by draw (a poorer
grade means more ore, more waste and more tailings at once) and needs three draws
per mine instead of independent noise on every coefficient.

The graph carries the nominal values (mine node attributes `grade`, `recovery`,
`strip_ratio`; the edge mine -> beneficiation in t ore per unit of output; the mine's
stripping stressor per t ore; the beneficiation node's tailings per unit of output).
Draws enter as ratios to those nominals, so the basis content and concentrate grade
never need restating here:

    ore       = ore_0 * (g_0 r_0) / (g r)
    stripping = stripping_0 * s / s_0
    tailings  = max(tailings_0 + (ore - ore_0), 0)      (the concentrate is fixed)

A coefficient with its own declared distribution keeps it: declared data wins over
these defaults.

A gap-filled grade or strip ratio (`*_fill_group`, mine_db.gapfill) is the mean of n
mines with spread sigma (sd of log). It is drawn as a hierarchical prediction: one draw
per fill for the unknown mean, shared by every row that uses it (sigma / sqrt(n):
a country or global average is one unknown, not many independent ones), times one draw
per row for that row's own departure from the mean (sigma). A row's marginal spread is
then sigma sqrt(1 + 1/n), the classical prediction interval, while rows sharing a fill
are correlated by 1 / (n + 1). A fill without a sample size (a national statistic, a
stated assumption) is one shared unknown with its whole spread. The shared draw moves
each row by its ratio to the group's value, around the row's own nominal (a by-product
whose strip ratio mixes its hosts' after allocation keeps its own centre).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graphs.model import Distribution
from hfcommon.assumptions import load_assumptions
from mine_db import balance
from tracer.engine import CompiledNetwork
from tracer.uncertainty.distributions import DTYPE

#: Assumption ids (hfcommon/data/assumptions.csv) of the default spreads: (variable, resolution) -> id.
SPREAD_ASSUMPTIONS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("strip", "mine"): "A42", ("grade", "mine"): "A43", ("recovery", "any"): "A44",
    ("grade", "rest_of_country"): "A45", ("strip", "rest_of_country"): "A46",
})


@cache
def _spread(variable: str, resolution: str) -> float:
    return float(load_assumptions()[SPREAD_ASSUMPTIONS[variable, resolution]].value)


def _by_resolution(variable: str) -> Mapping[str, float]:
    return MappingProxyType({res: _spread(variable, res) for res in ("mine", "rest_of_country")})


@dataclass(frozen=True)
class SourceAssumptions:
    """Default spreads where the data gives a value but no range (assumptions A42-A46 of the one table).

    A mine's own grade or strip ratio stands for its 2019 value but is often another
    year's or a median of years: it spreads as one mine's values move from year to year
    in FINEPRINT 2000-2020 (tools/defaults/fp_year_spread.py). A national or country value
    applied to a "rest of country" node stands for many unlike mines (wider). Recovery
    is bounded above by 1, so it gets a triangular distribution of +- `recovery_half_width`
    around its value (its mode). A gap-filled value carries the spread of the mines it
    rests on (`*_fill_sigma`, mine_db.gapfill) instead of these defaults.

    Centring: a data value is a best estimate of a mean, so each lognormal keeps the
    mean of what it drives: the strip ratio's mean is its value, and the grade is
    centred so that the ore per tonne of metal (1 / g) keeps its value's mean. The
    nominal run therefore sits near the Monte Carlo mean, not below its 5th percentile.
    """

    grade_sigma: Mapping[str, float] = field(default_factory=lambda: _by_resolution("grade"))
    strip_sigma: Mapping[str, float] = field(default_factory=lambda: _by_resolution("strip"))
    recovery_half_width: float = field(default_factory=lambda: _spread("recovery", "any"))

    def sigma(self, table: Mapping[str, float], resolution: str) -> float:
        """Spread for a node's resolution (the wider one when it is not stated)."""
        return table.get(resolution, max(table.values()))

    def spread(self, attrs: Mapping[str, object], var: str, table: Mapping[str, float], resolution: str) -> float:
        """The fill's own spread (sd of log of the mines it rests on) where known, else the default."""
        try:
            sigma = float(attrs.get(f"{var}_fill_sigma"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            sigma = math.nan
        return sigma if math.isfinite(sigma) and sigma > 0 else self.sigma(table, resolution)


@dataclass(frozen=True, eq=False)
class MineSources:
    """Per mine: which draw rows hold g, r, s (-1: fixed) and which matrix entries they set."""

    grade: np.ndarray
    recovery: np.ndarray
    strip: np.ndarray
    grade0: np.ndarray
    recovery0: np.ndarray
    strip0: np.ndarray
    grade_shared: np.ndarray
    """Draw row of the fill's shared mean (-1: none); the grade is multiplied by draw / grade_shared0."""
    grade_shared0: np.ndarray
    strip_shared: np.ndarray
    strip_shared0: np.ndarray
    ore_pos: np.ndarray
    ore0: np.ndarray
    strip_pos: np.ndarray
    """B position of the stripping stressor (-1: none)."""
    strip_value0: np.ndarray
    tail_pos: np.ndarray
    """B position of the beneficiation tailings (-1: none)."""
    tail0: np.ndarray

    @property
    def drawn_stripping(self) -> np.ndarray:
        """B positions of the stripping stressors that the draws set."""
        return self.strip_pos[(self.strip_pos >= 0) & ((self.strip >= 0) | (self.strip_shared >= 0))]

    def apply(self, draws: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
        """Overwrite the derived entries of a (nnz(A), S) and b (nnz(B), S) in place."""
        g = _rows(draws, self.grade, self.grade0) * _ratios(draws, self.grade_shared, self.grade_shared0)
        r = _rows(draws, self.recovery, self.recovery0)
        np.minimum(g, 1.0, out=g)  # a grade is a mass fraction
        ore = balance.rescaled_ore(self.ore0[:, None], self.grade0[:, None], self.recovery0[:, None], g, r).astype(DTYPE)
        a[self.ore_pos] = ore
        has_tail = self.tail_pos >= 0
        b[self.tail_pos[has_tail]] = np.maximum(
            balance.rescaled_tailings(self.tail0[has_tail, None], self.ore0[has_tail, None], ore[has_tail]), 0.0
        )
        has_strip = (self.strip_pos >= 0) & ((self.strip >= 0) | (self.strip_shared >= 0))
        s = (_rows(draws, self.strip, self.strip0) * _ratios(draws, self.strip_shared, self.strip_shared0))[has_strip]
        b[self.strip_pos[has_strip]] = balance.rescaled_stripping(
            self.strip_value0[has_strip, None], self.strip0[has_strip, None], s
        ).astype(DTYPE)


def b_position(B: sp.csr_matrix, row_of: Mapping[str, int], stressor: str, j: int) -> int:
    """Index into `B.data` of `stressor` at column j (CSR, sorted indices); -1 where B has no such entry."""
    r = row_of.get(stressor)
    if r is None:
        return -1
    lo, hi = B.indptr[r], B.indptr[r + 1]
    k = lo + int(np.searchsorted(B.indices[lo:hi], j))
    return k if k < hi and B.indices[k] == j else -1


def _rows(draws: np.ndarray, index: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    out = np.repeat(fixed.astype(DTYPE)[:, None], draws.shape[1], axis=1)
    drawn = index >= 0
    out[drawn] = draws[index[drawn]]
    return out


def _ratios(draws: np.ndarray, index: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Draw / centre where a row has a shared draw, else 1."""
    out = np.ones((index.size, draws.shape[1]), dtype=DTYPE)
    drawn = index >= 0
    out[drawn] = draws[index[drawn]] / centre[drawn, None]
    return out


@dataclass(frozen=True, eq=False)
class SourceParameters:
    """The source draws to append to the parameter list, and how they map to the matrices."""

    dists: tuple[Distribution, ...]
    names: tuple[str, ...]
    groups: tuple[str, ...]
    mines: MineSources | None


class _DrawRows:
    """The source draws being collected: one row per mine value, one per shared fill mean."""

    def __init__(self, first_row: int) -> None:
        self.first_row = first_row
        self.dists: list[Distribution] = []
        self.names: list[str] = []
        self.groups: list[str] = []
        self.shared: dict[str, tuple[int, float]] = {}

    def draw(self, dist: Distribution, name: str, group: str) -> int:
        self.dists.append(dist)
        self.names.append(name)
        self.groups.append(group)
        return self.first_row + len(self.dists) - 1

    def value(self, attrs: Mapping[str, object], var: str, value: float, dist: Distribution, label: str,
              group: str) -> tuple[int, float]:
        """Recovery: one draw row per mine value, one per shared fill (its value relative to the group's)."""
        shared = str(attrs.get(f"{var}_fill_group") or "")
        if not shared:
            return self.draw(dist, f"mine {label}: {var.replace('_', ' ')}", group), value
        if shared not in self.shared:
            self.shared[shared] = (self.draw(dist, f"fill {shared}", group), value)
        return self.shared[shared]

    def lognormal(self, attrs: Mapping[str, object], var: str, value: float, sigma: float, sign: int, label: str,
                  group: str) -> tuple[int, int, float]:
        """Own row, shared row and shared centre of a grade (sign +1: 1 / g keeps its mean) or strip ratio (-1)."""

        def dist(centre: float, spread: float) -> Distribution:
            return Distribution("lognormal", (math.log(centre) + sign * spread**2 / 2, spread))

        name = f"mine {label}: {var.replace('_', ' ')}"
        shared = str(attrs.get(f"{var}_fill_group") or "")
        if not shared:
            return self.draw(dist(value, sigma), name, group), -1, 1.0
        n = _number(attrs.get(f"{var}_fill_n"))
        sampled = n >= 1  # a mean of n mines; else one unknown (national statistic, assumption)
        if shared not in self.shared:
            spread = sigma / math.sqrt(n) if sampled else sigma
            self.shared[shared] = (self.draw(dist(value, spread), f"fill {shared}", group), value)
        row, centre = self.shared[shared]
        own = self.draw(dist(value, sigma), f"{name} within {shared}", group) if sampled else -1
        return own, row, centre


def mine_sources(
    G: nx.DiGraph,
    compiled: CompiledNetwork,
    a_pos: Mapping[tuple[int, int], int],
    declared_a: set[int],
    declared_b: set[int],
    first_row: int,
    assumptions: SourceAssumptions = SourceAssumptions(),
) -> SourceParameters:
    """Find mine -> beneficiation pairs with grade, recovery and strip ratio; draw rows start at `first_row`."""
    B = compiled.B
    row_of = {s: r for r, s in enumerate(compiled.stressors)}
    rows = _DrawRows(first_row)
    cols: dict[str, list[float]] = {k: [] for k in MineSources.__dataclass_fields__}

    def b_pos(stressor: str, j: int) -> int:
        k = b_position(B, row_of, stressor, j)
        return -1 if k in declared_b else k

    for mine, attrs in G.nodes(data=True):
        if attrs.get("kind") != "mine" or not _numbers(attrs, ("grade", "recovery", "strip_ratio")):
            continue
        bens = [c for c in G.successors(mine) if G.nodes[c].get("kind") == "beneficiation"]
        if len(bens) != 1:
            continue
        i, j = compiled.index[str(mine)], compiled.index[str(bens[0])]
        ore_pos = a_pos.get((i, j))
        if ore_pos is None or ore_pos in declared_a:
            continue
        g0, r0, s0 = (float(attrs[k]) for k in ("grade", "recovery", "strip_ratio"))
        resolution = str(attrs.get("resolution", ""))
        label = str(attrs.get("mine_id") or mine)
        grade = recovery = strip = grade_shared = strip_shared = -1
        grade_centre = strip_centre = 1.0
        if 0 < g0 < 1:
            sigma = assumptions.spread(attrs, "grade", assumptions.grade_sigma, resolution)
            # centred so that the ore per tonne of metal (1 / g) keeps its nominal mean
            grade, grade_shared, grade_centre = rows.lognormal(attrs, "grade", g0, sigma, +1, label,
                                                               "ore grade at mine")
        if 0 < r0 < 1:
            h = assumptions.recovery_half_width
            low, high = max(r0 - h, 0.01), min(r0 + h, 1.0)
            recovery, r0 = rows.value(attrs, "recovery", r0, Distribution("triangular", (low, r0, high)), label,
                                      "recovery at beneficiation")
        stripping = max(("overburden", "waste_rock"), key=lambda st: compiled.B[row_of[st], i] if st in row_of else 0.0)
        strip_pos = b_pos(stripping, i)
        if s0 > 0 and strip_pos >= 0:
            sigma = assumptions.spread(attrs, "strip_ratio", assumptions.strip_sigma, resolution)
            # centred so that the strip ratio keeps its nominal mean
            strip, strip_shared, strip_centre = rows.lognormal(attrs, "strip_ratio", s0, sigma, -1, label,
                                                               "strip ratio at mine")
        if max(grade, recovery, strip, grade_shared, strip_shared) < 0:
            continue
        tail_pos = b_pos("tailings", j)
        for key, value in (
            ("grade", grade), ("recovery", recovery), ("strip", strip), ("grade0", g0), ("recovery0", r0),
            ("strip0", s0), ("grade_shared", grade_shared), ("grade_shared0", grade_centre),
            ("strip_shared", strip_shared), ("strip_shared0", strip_centre), ("ore_pos", ore_pos), ("ore0", float(compiled.A.data[ore_pos])),
            ("strip_pos", strip_pos), ("strip_value0", float(B.data[strip_pos]) if strip_pos >= 0 else 0.0),
            ("tail_pos", tail_pos), ("tail0", float(B.data[tail_pos]) if tail_pos >= 0 else 0.0),
        ):  # fmt: skip
            cols[key].append(value)
    if not rows.dists:
        return SourceParameters((), (), (), None)
    ints = {"grade", "recovery", "strip", "grade_shared", "strip_shared", "ore_pos", "strip_pos", "tail_pos"}
    mines = MineSources(
        **{k: np.array(v, dtype=np.int64 if k in ints else float) for k, v in cols.items()}  # type: ignore[arg-type]
    )
    return SourceParameters(tuple(rows.dists), tuple(rows.names), tuple(rows.groups), mines)


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _numbers(attrs: Mapping[str, object], keys: tuple[str, ...]) -> bool:
    try:
        return all(math.isfinite(float(attrs[k])) for k in keys)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return False
