"""Which coefficients of a compiled network are uncertain, and how a draw becomes matrix values.

The declared distributions live next to the data (`uncertainty` on edges,
`stressor_uncertainty` on nodes: docs/CONTRACTS.md). Here each one is tied to its
position in the compiled A or B so that a chunk of draws (parameters x samples)
becomes value matrices (nnz x samples) by one scatter, with no per-draw work.

Sourcing shares stay shares: the inputs of a `market` node are its suppliers' trade
shares, so after drawing they are rescaled, draw by draw, to their declared total.
Without that a market could deliver 1.2 t per t, which is not uncertainty but error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from tracer.engine import CompiledNetwork
from tracer.uncertainty.distributions import DTYPE, FAMILIES, DistributionTable
from tracer.uncertainty.moved import MovedFuel, moved_fuel
from tracer.uncertainty.sources import (
    MineSources,
    SourceAssumptions,
    SourceParameters,
    b_position,
    mine_sources,
)


@dataclass(frozen=True, eq=False)
class ParameterSet:
    """The uncertain coefficients of one compiled network, in a fixed order.

    `in_a[i]` says whether parameter i is an entry of A (else of B); `position[i]`
    is its index in `A.data` or `B.data`. `group[i]` names the kind of coefficient
    ("mine -> beneficiation", "tailings at mine") for grouped sensitivity indices.
    """

    names: tuple[str, ...]
    group: tuple[str, ...]
    table: DistributionTable
    in_a: np.ndarray
    """Per direct parameter (the first len(in_a) draws); source draws follow them."""
    position: np.ndarray
    mines: MineSources | None
    """Mine grade / recovery / strip ratio draws and the coefficients they set."""
    moved: MovedFuel | None
    """Fuel edges per t of rock moved, scaled per draw by the rock their mine moves."""
    a_nominal: np.ndarray
    b_nominal: np.ndarray
    share_edges: np.ndarray
    """A positions of market inputs to renormalise, sorted by market."""
    share_starts: np.ndarray
    share_total: np.ndarray
    """Declared sum of each market's input shares."""
    warnings: tuple[str, ...]
    """Coefficients whose declared value lies outside their distribution (see `_inconsistent`)."""

    @property
    def a_params(self) -> np.ndarray:
        return np.flatnonzero(self.in_a)

    @property
    def b_params(self) -> np.ndarray:
        return np.flatnonzero(~self.in_a)

    @property
    def a_position(self) -> np.ndarray:
        return self.position[self.in_a]

    @property
    def b_position(self) -> np.ndarray:
        return self.position[~self.in_a]

    @staticmethod
    def _fill(nominal: np.ndarray, params: np.ndarray, position: np.ndarray, draws: np.ndarray, n: int) -> np.ndarray:
        """Nominal values with the drawn entries put in; the draws themselves when they cover all, in order."""
        every = np.arange(nominal.size)
        if draws.shape[0] == nominal.size and np.array_equal(position, every) and np.array_equal(params, every):
            return draws
        out = np.repeat(nominal.astype(DTYPE)[:, None], n, axis=1)
        out[position] = draws[params]
        return out

    @property
    def nominal(self) -> np.ndarray:
        """The value of each parameter in the network as compiled (mine sources: their attribute)."""
        out = np.empty(self.size)
        direct = self.in_a.size
        out[:direct][self.in_a] = self.a_nominal[self.a_position]
        out[:direct][~self.in_a] = self.b_nominal[self.b_position]
        if self.mines is not None:
            m = self.mines
            for index, value in ((m.grade, m.grade0), (m.recovery, m.recovery0), (m.strip, m.strip0),
                                 (m.grade_shared, m.grade_shared0), (m.strip_shared, m.strip_shared0)):
                out[index[index >= 0]] = value[index >= 0]
        return out

    @property
    def size(self) -> int:
        """Number of uncertain coefficients."""
        return self.table.size

    def values(self, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Value matrices (nnz(A), S) and (nnz(B), S) for parameter draws (P, S)."""
        n = draws.shape[1]
        a = self._fill(self.a_nominal, self.a_params, self.a_position, draws, n)
        b = self._fill(self.b_nominal, self.b_params, self.b_position, draws, n)
        if (self.mines is not None or self.moved is not None) and (a is draws or b is draws):
            a, b = a.copy(), b.copy()
        if self.mines is not None:
            self.mines.apply(draws, a, b)
        if self.moved is not None:
            self.moved.apply(a, b)
        if self.share_edges.size:
            shares = a[self.share_edges]
            sums = np.add.reduceat(shares, self.share_starts, axis=0)
            scale = self.share_total.astype(DTYPE)[:, None] / np.where(sums > 0, sums, 1)
            a[self.share_edges] = shares * np.repeat(scale, np.diff(np.r_[self.share_starts, len(shares)]), axis=0)
        return a, b


def collect(
    G: nx.DiGraph, compiled: CompiledNetwork, assumptions: SourceAssumptions | None = SourceAssumptions()
) -> ParameterSet:
    """Gather every declared distribution of `G`, located in `compiled`'s matrices, plus mine sources.

    `assumptions=None` leaves the mines' grade, recovery and strip ratio fixed (only
    declared distributions are drawn).
    """
    A, B = compiled.A, compiled.B
    a_pos = _positions_csc(A)
    dists, names, groups, in_a, position, uncertain_markets, ignored = _declared(G, compiled, a_pos)
    # matrix order (A then B, by position): draws then land in place without a scatter
    order = sorted(range(len(dists)), key=lambda i: (not in_a[i], position[i]))
    dists, names, groups = [dists[i] for i in order], [names[i] for i in order], [groups[i] for i in order]
    in_a, position = [in_a[i] for i in order], [position[i] for i in order]
    direct = len(dists)
    declared_a = {p for p, a in zip(position, in_a, strict=True) if a}
    declared_b = {p for p, a in zip(position, in_a, strict=True) if not a}
    source = (
        mine_sources(G, compiled, a_pos, declared_a, declared_b, direct, assumptions)
        if assumptions is not None
        else SourceParameters((), (), (), None)
    )
    drawn_b = declared_b | (set(source.mines.drawn_stripping.tolist()) if source.mines is not None else set())
    table = DistributionTable.from_declared([*dists, *source.dists], [*names, *source.names])
    names, groups = [*names, *source.names], [*groups, *source.groups]
    share_edges, share_starts, share_total = _share_groups(A, sorted(uncertain_markets))
    nominal = np.array([(A.data if a else B.data)[p] for a, p in zip(in_a, position, strict=True)], dtype=float)
    direct_table = DistributionTable.from_declared(dists, names[:direct])
    return ParameterSet(
        names=tuple(names),
        group=tuple(groups),
        table=table,
        in_a=np.array(in_a, dtype=bool),
        position=np.array(position, dtype=np.int64),
        mines=source.mines,
        moved=moved_fuel(G, compiled, a_pos, drawn_b),
        a_nominal=np.asarray(A.data, dtype=float),
        b_nominal=np.asarray(B.data, dtype=float),
        share_edges=share_edges,
        share_starts=share_starts,
        share_total=share_total,
        warnings=(
            *_inconsistent(direct_table, nominal, names, dists),
            *(f"{what}: a distribution on a coefficient of 0 is ignored (the network has no such flow)" for what in ignored),
        ),
    )


def _declared(G: nx.DiGraph, compiled: CompiledNetwork, a_pos: dict[tuple[int, int], int]) -> tuple[
        list[Any], list[str], list[str], list[bool], list[int], set[int], list[str]]:
    """Declared distributions on edges (A) and node stressors (B): what, where, and those with no flow to move."""
    B, index, kind = compiled.B, compiled.index, compiled.kind
    dists: list[Any] = []
    names: list[str] = []
    groups: list[str] = []
    in_a: list[bool] = []
    position: list[int] = []
    uncertain_markets: set[int] = set()
    ignored: list[str] = []
    for supplier, consumer, attrs in G.edges(data=True):
        dist = attrs.get("uncertainty")
        if dist is None:
            continue
        i, j = index[str(supplier)], index[str(consumer)]
        if (i, j) not in a_pos:
            ignored.append(f"edge {supplier} -> {consumer}")
            continue
        dists.append(dist)
        names.append(f"edge {supplier} -> {consumer}")
        groups.append(f"{kind[i]} -> {kind[j]}")
        in_a.append(True)
        position.append(a_pos[(i, j)])
        if kind[j] == "market":
            uncertain_markets.add(j)
    row_of = {s: r for r, s in enumerate(compiled.stressors)}
    for node, attrs in G.nodes(data=True):
        for stressor, dist in (attrs.get("stressor_uncertainty") or {}).items():
            if dist is None:
                continue
            j = index[str(node)]
            hit = b_position(B, row_of, stressor, j)
            if hit < 0:
                ignored.append(f"node {node}: {stressor}")
                continue
            dists.append(dist)
            names.append(f"node {node}: {stressor}")
            groups.append(f"{stressor} at {kind[j]}")
            in_a.append(False)
            position.append(int(hit))
    return dists, names, groups, in_a, position, uncertain_markets, ignored


def _inconsistent(table: DistributionTable, nominal: np.ndarray, names: list[str], dists: list[object]) -> tuple[str, ...]:
    """Flag coefficients whose distribution does not cover their own value (usually a unit slip).

    Covered means: inside [low, high] for uniform and triangular, inside the central
    99.9 % for lognormal and normal. Not an error: the draws are what the data
    declares, but a result built on such a coefficient deserves a loud note.
    """
    if not table.size:
        return ()
    bounded = np.zeros(table.size, dtype=bool)
    for family, members in zip(FAMILIES, table.members, strict=True):
        bounded[members] = family in ("triangular", "uniform")
    lo_q = np.where(bounded, 0.0, 0.0005)
    bounds = table.ppf(np.stack([lo_q, 1.0 - lo_q], axis=1))
    slack = 1e-9 * np.abs(nominal)
    bad = np.flatnonzero((nominal < bounds[:, 0] - slack) | (nominal > bounds[:, 1] + slack))
    return tuple(
        f"{names[i]}: declared value {nominal[i]:.4g} lies outside its distribution "
        f"{dists[i].to_text()} (covering {bounds[i, 0]:.4g} to {bounds[i, 1]:.4g}); check the units"  # type: ignore[attr-defined]
        for i in bad
    )


def _positions_csc(A: object) -> dict[tuple[int, int], int]:
    """(supplier, consumer) -> index into A.data for a CSC matrix."""
    indptr, indices = A.indptr, A.indices  # type: ignore[attr-defined]
    consumer = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    return {(int(i), int(j)): k for k, (i, j) in enumerate(zip(indices, consumer, strict=True))}


def _share_groups(A: object, markets: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Input edges of each market with an uncertain share (CSC columns are contiguous)."""
    indptr, data = A.indptr, A.data  # type: ignore[attr-defined]
    edges, starts, totals = [], [], []
    for j in markets:
        lo, hi = int(indptr[j]), int(indptr[j + 1])
        if hi - lo < 2:
            continue
        starts.append(sum(len(e) for e in edges))
        edges.append(np.arange(lo, hi))
        totals.append(float(np.sum(data[lo:hi])))
    if not edges:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(edges), np.array(starts, dtype=np.int64), np.array(totals)
