"""Fuel burnt per tonne of rock moved follows the rock a draw moves (issue 12 follow-up).

A mine's diesel (graphs.fuels, basis `moved`) is one edge burning node -> mine in GJ per
t ore: its rate per t of rock moved times the rock moved per t ore, 1 + overburden +
waste rock (the mine's stressors, t per t ore). When a draw changes that stripping (the
strip ratio drawn at the source, or a distribution declared on the stressor), the
diesel must change with it, or a mine that moves twice the rock would burn the same
fuel. Per draw the edge's value (its drawn rate, or its nominal) is scaled by

    moved / moved0 = (1 + sum of the drawn moved stressors) / (1 + sum of the compiled ones)

which is exact: rate x moved0 x moved / moved0 = rate x moved. Edges of mines whose
moved stressors are all fixed are not touched, so their values stay bit-identical.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from graphs.fuels import BASIS_ATTR, MOVED_STRESSORS
from tracer.engine import CompiledNetwork
from tracer.uncertainty import kernels
from tracer.uncertainty.distributions import DTYPE
from tracer.uncertainty.sources import b_position


@dataclass(frozen=True, eq=False)
class MovedFuel:
    """Fuel edges per t of rock moved whose mine's moved stressors are drawn, and where those lie in B."""

    fuel_pos: np.ndarray
    """(k,) positions in A of the fuel edges."""
    moved_pos: np.ndarray
    """(k, len(MOVED_STRESSORS)) positions in B of the mine's moved stressors (-1: none)."""
    moved0: np.ndarray
    """(k,) rock moved per t ore as compiled, summed as a draw's is (so a nominal draw scales by exactly 1)."""

    def apply(self, a: np.ndarray, b: np.ndarray) -> None:
        """Scale the fuel entries of a (nnz(A), S) in place by the drawn over the compiled rock moved in b."""
        kernels.scale_by_rock_moved(a, b, self.fuel_pos, self.moved_pos, self.moved0)


def moved_fuel(
    G: nx.DiGraph, compiled: CompiledNetwork, a_pos: Mapping[tuple[int, int], int], drawn_b: Collection[int]
) -> MovedFuel | None:
    """The `moved`-basis fuel edges of `G` whose mine has a moved stressor among the B positions `drawn_b`."""
    row_of = {s: r for r, s in enumerate(compiled.stressors)}
    fuel_pos, moved_pos = [], []
    for burner, mine, attrs in G.edges(data=True):
        if attrs.get(BASIS_ATTR) != "moved":
            continue
        i, j = compiled.index[str(burner)], compiled.index[str(mine)]
        positions = [b_position(compiled.B, row_of, s, j) for s in MOVED_STRESSORS]
        if (i, j) in a_pos and any(p in drawn_b for p in positions if p >= 0):
            fuel_pos.append(a_pos[(i, j)])
            moved_pos.append(positions)
    if not fuel_pos:
        return None
    moved = np.array(moved_pos, dtype=np.int64).reshape(-1, len(MOVED_STRESSORS))
    moved0 = _rock_moved(moved, np.asarray(compiled.B.data, dtype=DTYPE)[:, None])[:, 0]
    return MovedFuel(np.array(fuel_pos, dtype=np.int64), moved, moved0)


def _rock_moved(moved_pos: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rock moved per t ore (k, S) from B values (nnz(B), S): 1 + the moved stressors at `moved_pos`.

    In float32 and in the order `kernels.scale_by_rock_moved` sums a draw's.
    """
    out = np.ones((moved_pos.shape[0], b.shape[1]), dtype=DTYPE)
    for column in moved_pos.T:
        present = column >= 0
        out[present] += b[column[present]]
    return out
