"""Push a batch of Monte Carlo draws through a fixed sparse structure at once.

Every draw shares the network's sparsity pattern; only the edge values differ. So
instead of one sparse solve per draw, the edges are grouped once into topological
generations and each generation is applied to the whole batch by one compiled loop
(tracer.uncertainty.kernels.sweep). Cost per draw is one multiply-add per edge and
column, with no Python work per draw.

A cyclic structure (a recycling loop) has no topological order; it is solved by
fixed-point iteration x <- y + A x over the whole batch until the largest change is
below `CYCLE_RTOL` of the largest activity, and an error if that does not happen
within `CYCLE_MAX_ITER` sweeps (the loop's gain is then at or near one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hfcommon.errors import InputError
from tracer.uncertainty import kernels

CYCLE_RTOL = 1e-6
"""Convergence tolerance of the fixed-point iteration (float32 resolution is ~1e-7)."""

CYCLE_MAX_ITER = 2000


@dataclass(frozen=True, eq=False)
class Sweep:
    """A set of edges applied together, sorted by target: target[k] += sum value*x[source]."""

    value: np.ndarray
    """Row of each edge in the batch's value matrix."""
    source: np.ndarray
    starts: np.ndarray
    """Edges starts[k] to starts[k + 1] feed target[k]."""
    target: np.ndarray
    """Target node of each run of edges (unique)."""

    @classmethod
    def of(cls, value: np.ndarray, source: np.ndarray, target: np.ndarray) -> Sweep:
        """Group edges by target (stable, so summation order is fixed)."""
        order = np.argsort(target, kind="stable")
        unique, counts = np.unique(target[order], return_counts=True)
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(value=value[order], source=source[order], starts=starts, target=unique)

    def apply(self, values: np.ndarray, X: np.ndarray, out: np.ndarray) -> None:
        """out[target] += per-target sums of values[value] * X[source] (X, out: (n, C, S))."""
        if self.value.size:
            kernels.sweep(values, self.value, self.source, self.starts, self.target, X, out)


@dataclass(frozen=True, eq=False)
class Propagation:
    """x = y + sum over edges e of value[e] * x[source[e]] into target[e], batched.

    For activities (demand side) an edge runs consumer -> supplier; for intensities
    (supply side) supplier -> consumer. `sweeps` is None when the structure is cyclic.
    """

    n: int
    sweeps: tuple[Sweep, ...] | None
    everything: Sweep
    labels: tuple[str, ...]

    @classmethod
    def build(
        cls, n: int, value: np.ndarray, source: np.ndarray, target: np.ndarray, labels: tuple[str, ...]
    ) -> Propagation:
        """Group edges into generations; `labels` name nodes in the cycle error."""
        value, source, target = (np.asarray(a, dtype=np.int64) for a in (value, source, target))
        depth = _depths(n, source, target)
        sweeps = None
        if depth is not None:
            edge_depth = depth[source]
            sweeps = tuple(
                Sweep.of(value[edge_depth == d], source[edge_depth == d], target[edge_depth == d])
                for d in range(int(edge_depth.max()) + 1 if edge_depth.size else 0)
            )
        return cls(n=n, sweeps=sweeps, everything=Sweep.of(value, source, target), labels=labels)

    def run(self, values: np.ndarray, inject: np.ndarray) -> np.ndarray:
        """Activities (n, C, S) for edge values (E, S) and injections (n, C, S)."""
        X = np.array(inject, copy=True)
        if self.sweeps is not None:
            for sweep in self.sweeps:
                sweep.apply(values, X, X)
            return X
        for _ in range(CYCLE_MAX_ITER):
            new = np.array(inject, copy=True)
            self.everything.apply(values, X, new)
            change = float(np.abs(new - X).max(initial=0.0))
            scale = float(np.abs(new).max(initial=0.0))
            X = new
            if change <= CYCLE_RTOL * scale:
                return X
        raise InputError(
            f"a sampled network did not converge after {CYCLE_MAX_ITER} fixed-point sweeps: a loop's gain "
            f"reaches one in some draw (check the distributions of recycling rates and yields near "
            f"{', '.join(self.labels[i] for i in self.everything.target[:5])})"
        )


def _depths(n: int, source: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    """Longest distance of each node from a node without incoming edges; None if cyclic."""
    if np.any(source == target):
        return None
    indegree = np.bincount(target, minlength=n)
    order = np.argsort(source, kind="stable")
    starts = np.searchsorted(source[order], np.arange(n + 1))
    depth = np.full(n, -1)
    frontier = np.flatnonzero(indegree == 0)
    level = 0
    while frontier.size:
        depth[frontier] = level
        edges = np.concatenate([order[starts[i] : starts[i + 1]] for i in frontier]) if frontier.size else order[:0]
        touched = target[edges]
        np.subtract.at(indegree, touched, 1)
        candidates = np.unique(touched)
        frontier = candidates[indegree[candidates] == 0]
        level += 1
    return None if np.any(depth < 0) else depth
