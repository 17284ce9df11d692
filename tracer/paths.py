"""Structural path analysis: the largest supply paths, to explain a result.

Totals never come from here: the solve already sums every path exactly. Listing paths
only shows *which* routes carry the flows, so it works on an aggregated view (nodes
merged by stage and country, or by stage and metal) where a path reads like
"mine:CHL:copper -> smelting:CHN:copper -> refining:CHN:copper -> material:copper -> BEV".

The view is aggregated with the solved activities as weights,
A_agg[G, H] = sum_{i in G, j in H} A[i, j] x_j / X_H, which reproduces the exact
activities and totals for the demand at hand. Paths are found best-first: a partial
path is extended only while the most it could still lead to (its weight times the
upstream multiplier of its last group) is above the cut-off.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from hfcommon.vocabulary import HIDDEN_STRESSORS
from tracer.engine import CompiledNetwork, make_solver, solver_for

View = Literal["country", "metal"]

_NAMED_KINDS = frozenset({"material", "component", "vehicle"})
"""Kinds kept as individual nodes in every view: they are what the user asks about."""


@dataclass(frozen=True)
class SupplyPath:
    """One path, from the demanded vehicle (first label) up to where the flow occurs (last)."""

    labels: tuple[str, ...]
    value: float


@dataclass(frozen=True)
class PathResult:
    """The top paths, the exact total they are part of, and the share they cover."""

    paths: tuple[SupplyPath, ...]
    total: float
    coverage: float
    view: str
    stressors: tuple[str, ...]
    cutoff: float
    complete: bool
    """False when the search stopped at its expansion limit before reaching the cut-off."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "view": self.view,
            "stressors": list(self.stressors),
            "cutoff": self.cutoff,
            "total": self.total,
            "coverage": self.coverage,
            "complete": self.complete,
            "paths": [{"path": list(p.labels), "value": p.value, "share": p.value / self.total if self.total else None} for p in self.paths],
        }


def group_labels(compiled: CompiledNetwork, view: View) -> list[str]:
    """The aggregated-view label of every node."""
    if view not in ("country", "metal"):
        raise ValueError(f"unknown view {view!r}; use 'country' or 'metal'")
    labels = []
    for node, kind, country, commodity in zip(compiled.nodes, compiled.kind, compiled.country, compiled.commodity, strict=True):
        if kind in _NAMED_KINDS:
            labels.append(node)
        elif view == "country":
            # metals stay apart: a merged "refining:CHN" would route steel through copper mines
            labels.append(f"{kind}:{country}:{commodity}" if commodity else f"{kind}:{country}")
        else:
            labels.append(f"{kind}:{commodity}" if commodity else kind)
    return labels


def top_paths(
    compiled: CompiledNetwork,
    demand: np.ndarray,
    view: View = "country",
    top: int = 15,
    cutoff: float = 1e-4,
    stressors: tuple[str, ...] = HIDDEN_STRESSORS,
    max_expansions: int = 200_000,
) -> PathResult:
    """The `top` largest paths of the chosen stressors (summed) behind `demand`.

    `cutoff` is a share of the total: smaller paths, and partial paths that cannot
    lead to anything larger, are not explored.
    """
    rows = [i for i, s in enumerate(compiled.stressors) if s in stressors]
    b = np.asarray(compiled.B[rows].sum(axis=0)).ravel() if rows else np.zeros(compiled.n)
    x = solver_for(compiled).solve(demand)
    labels = group_labels(compiled, view)
    names = list(dict.fromkeys(labels))
    code = {name: g for g, name in enumerate(names)}
    S = sp.csr_matrix((np.ones(compiled.n), ([code[label] for label in labels], np.arange(compiled.n))), shape=(len(names), compiled.n))
    X = S @ x
    inv_X = np.divide(1.0, X, out=np.zeros_like(X), where=X > 0)
    A_agg = sp.csc_matrix(S @ compiled.A @ sp.diags(x) @ S.T @ sp.diags(inv_X))
    b_agg = (S @ (b * x)) * inv_X
    y_agg = S @ demand
    tau = make_solver(A_agg, "lu").solve_transpose(b_agg)
    total = float(b @ x)
    threshold = cutoff * total

    found: list[SupplyPath] = []
    heap: list[tuple[float, int, tuple[int, ...], float]] = []
    counter = 0
    for g in np.flatnonzero(y_agg):
        heapq.heappush(heap, (-y_agg[g] * tau[g], counter, (int(g),), float(y_agg[g])))
        counter += 1
    expansions = 0
    complete = True
    while heap:
        bound, _, path, weight = heapq.heappop(heap)
        if -bound < threshold or total <= 0:
            break
        if expansions >= max_expansions:
            complete = False
            break
        expansions += 1
        end = path[-1]
        value = weight * b_agg[end]
        if value > 0 and value >= threshold:
            found.append(SupplyPath(tuple(names[g] for g in path), float(value)))
        start, stop = A_agg.indptr[end], A_agg.indptr[end + 1]
        for supplier, amount in zip(A_agg.indices[start:stop], A_agg.data[start:stop], strict=True):
            w = weight * amount
            if w * tau[supplier] >= threshold:
                heapq.heappush(heap, (-w * tau[supplier], counter, (*path, int(supplier)), w))
                counter += 1
    found.sort(key=lambda p: p.value, reverse=True)
    listed = tuple(found[:top])
    covered = sum(p.value for p in listed)
    return PathResult(
        paths=listed,
        total=total,
        coverage=covered / total if total else 0.0,
        view=view,
        stressors=tuple(stressors),
        cutoff=cutoff,
        complete=complete,
    )
