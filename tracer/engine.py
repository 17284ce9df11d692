"""Solve the compiled supply-chain network exactly.

The network becomes (tracer.compiled, re-exported here) a technology matrix A (A[i, j] = units of node i's output per unit
of node j's output) and a stressor matrix B (B[s, j] = stressor s per unit of node j's
output). The activity behind a demand y is x = (I - A)^-1 y: the exact sum over every
supply path, cycles included, computed without enumerating a single path.

Two solvers give the same answer to 1e-9: a sparse LU factorisation of (I - A), made
once and reused for any number of demand vectors (Monte Carlo and scenario sweeps
build on `Solver`), and propagation level by level in topological order, available
when the network is acyclic. A loop whose gain reaches one (spectral radius of A >= 1)
has no finite solution; that is reported with the loop's nodes, never silently solved.
A loop whose gain comes within MIN_LOOP_MARGIN of one is refused as ill-conditioned:
each unit it delivers would need more than 1/MIN_LOOP_MARGIN units circulating, and
the solve would lose that many digits, so its result could not be trusted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp

from hfcommon.errors import InputError
from tracer.compiled import (
    NODE_KINDS,
    CompiledNetwork,
    compile_network,
    topological_levels,
)

__all__ = [
    "NODE_KINDS", "CompiledNetwork", "Method", "NonConvergentNetworkError", "Solver", "compile_network",
    "make_solver", "multipliers", "solve", "solver_for", "spectral_radius",
]  # fmt: skip

Method = Literal["auto", "lu", "propagation"]

_CONVERGENCE_RTOL = 1e-9
#: Smallest accepted 1 - (spectral radius of a loop): closer to one, more than 8 digits are lost.
MIN_LOOP_MARGIN = 1e-8


class NonConvergentNetworkError(InputError):
    """The system (I - A) x = y has no finite, non-negative solution: a loop's gain reaches one."""


@dataclass(frozen=True, eq=False)
class Solver:
    """A reusable solver for (I - M) x = y and its transpose, M a non-negative matrix.

    Factorise once, then solve for as many demand (or stressor) vectors as needed:
    `solve` gives activities, `solve_transpose` gives multipliers (B L) row by row.
    """

    M: sp.csc_matrix
    method: Literal["lu", "propagation"]
    lu: Any  # scipy.sparse.linalg.SuperLU for method "lu"
    levels: tuple[np.ndarray, ...] | None
    row_blocks: tuple[sp.csr_matrix, ...]
    """Rows of M level by level (propagation): x[level l] depends on x of levels < l."""

    @cached_property
    def col_blocks(self) -> tuple[sp.csr_matrix, ...]:
        """Columns of M level by level, for the transpose (w[level l] depends on w of levels > l).

        Built on first use: attribution and Monte Carlo solve only forward."""
        assert self.levels is not None
        return _row_blocks(self.M.T.tocsr(), self.levels[:-1])

    @property
    def n(self) -> int:
        """Size of the system."""
        return self.M.shape[0]

    def solve(self, Y: np.ndarray | sp.spmatrix) -> np.ndarray:
        """x = (I - M)^-1 Y for a vector or a matrix of demand columns."""
        Y = _dense(Y, self.n)
        if self.method == "lu":
            return self.lu.solve(Y)
        assert self.levels is not None
        X = np.array(Y, dtype=float, order="C", copy=True)  # row order: sparse @ X would copy X per level
        for idx, block in zip(self.levels[1:], self.row_blocks, strict=True):
            X[idx] += block @ X
        return X

    def solve_transpose(self, Z: np.ndarray | sp.spmatrix) -> np.ndarray:
        """w = (I - M)^-T Z, so that w^T = Z^T (I - M)^-1 (multipliers per unit of output)."""
        Z = _dense(Z, self.n)
        if self.method == "lu":
            return self.lu.solve(Z, trans="T")
        assert self.levels is not None
        W = np.array(Z, dtype=float, order="C", copy=True)
        for idx, block in zip(reversed(self.levels[:-1]), reversed(self.col_blocks), strict=True):
            W[idx] += block @ W
        return W


def _dense(Y: np.ndarray | sp.spmatrix, n: int) -> np.ndarray:
    out = Y.toarray() if sp.issparse(Y) else np.asarray(Y, dtype=float)
    if out.shape[0] != n:
        raise ValueError(f"right-hand side has {out.shape[0]} rows, the system has {n}")
    return out


def make_solver(
    M: sp.spmatrix,
    method: Method = "auto",
    labels: tuple[str, ...] | None = None,
    levels: tuple[np.ndarray, ...] | None | Literal["compute"] = "compute",
) -> Solver:
    """Prepare a reusable solver for (I - M); checks that the system converges.

    "auto" propagates in topological order when M is acyclic and factorises
    otherwise; "lu" always factorises; "propagation" requires an acyclic M.
    `levels` may pass M's topological levels when already known (None: cyclic).
    """
    M = sp.csc_matrix(M, dtype=float)
    n = M.shape[0]
    if n == 0:
        raise InputError("the supply-chain network is empty: it has no nodes to solve")
    if isinstance(levels, str):
        levels = topological_levels(M)
    if method == "propagation" and levels is None:
        raise ValueError("topological propagation needs an acyclic network; this one has a loop")
    chosen: Literal["lu", "propagation"] = "propagation" if method == "propagation" else "lu"
    if method == "auto" and levels is not None:
        chosen = "propagation"
    if chosen == "propagation":
        assert levels is not None
        return Solver(M=M, method="propagation", lu=None, levels=levels, row_blocks=_row_blocks(M.tocsr(), levels[1:]))
    import scipy.sparse.linalg as spla  # here: an acyclic network (the default) never needs it, and it costs 0.1 s to import

    system = (sp.identity(n, format="csc") - M).tocsc()
    try:
        lu = spla.splu(system)
    except RuntimeError as exc:  # SuperLU: "Factor is exactly singular"
        raise _loop_error(M, labels, f"(I - A) is singular ({exc})") from None
    solver = Solver(M=M, method="lu", lu=lu, levels=levels, row_blocks=())
    _check_convergence(solver, labels)
    _check_conditioning(M, labels)
    return solver


def _row_blocks(csr: sp.csr_matrix, groups: tuple[np.ndarray, ...]) -> tuple[sp.csr_matrix, ...]:
    """csr[idx] for every group of rows, from one fancy index of all groups at once.

    A network tens of levels deep would otherwise pay scipy's per-call indexing
    overhead once per level; the blocks hold the same rows in the same order, so
    solving with them gives the same bits.
    """
    if not groups:
        return ()
    stacked = csr[np.concatenate(groups)]
    bounds = np.cumsum([0, *map(len, groups)])
    ends = stacked.indptr[bounds]
    return tuple(
        sp.csr_matrix(
            (stacked.data[ends[g]:ends[g + 1]], stacked.indices[ends[g]:ends[g + 1]],
             stacked.indptr[bounds[g]:bounds[g + 1] + 1] - ends[g]),
            shape=(bounds[g + 1] - bounds[g], csr.shape[1]),
        )
        for g in range(len(groups))
    )


def _check_conditioning(M: sp.csc_matrix, labels: tuple[str, ...] | None) -> None:
    """Refuse a loop whose gain is within MIN_LOOP_MARGIN of one (ill-conditioned, see module doc)."""
    G = nx.from_scipy_sparse_array(sp.csr_matrix(M), create_using=nx.DiGraph)
    for component in nx.strongly_connected_components(G):
        members = sorted(component)
        if len(members) == 1 and not G.has_edge(members[0], members[0]):
            continue
        radius = spectral_radius(sp.csr_matrix(M)[members][:, members])
        if 1.0 - radius < MIN_LOOP_MARGIN:
            names = [labels[i] if labels else str(i) for i in members]
            raise NonConvergentNetworkError(
                f"the supply chain is ill-conditioned: the loop through {', '.join(names[:8])} has spectral radius "
                f"{radius:.15g} (1 - {1.0 - radius:.2g}), within {MIN_LOOP_MARGIN:g} of one; its result would lose "
                f"more than {-math.log10(MIN_LOOP_MARGIN):.0f} digits (check recycling rates and yields)"
            )


def _check_convergence(solver: Solver, labels: tuple[str, ...] | None) -> None:
    """Certify spectral radius < 1: for non-negative M that holds iff (I - M)^-1 1 >= 1.

    (I - M)^-1 1 = sum_k M^k 1 >= 1 when the series converges; if the radius reaches
    one no non-negative x has (I - M) x > 0, so some entry comes out below one.
    """
    x = solver.lu.solve(np.ones(solver.n))
    if not np.all(np.isfinite(x)) or x.min() < 1.0 - _CONVERGENCE_RTOL * max(1.0, float(np.abs(x).max())):
        raise _loop_error(solver.M, labels, "the series sum_k A^k diverges")


def spectral_radius(M: sp.spmatrix) -> float:
    """Largest absolute eigenvalue of a square matrix (dense below 2,000 rows)."""
    M = sp.csr_matrix(M, dtype=float)
    if M.shape[0] == 0 or M.nnz == 0:
        return 0.0
    if M.shape[0] <= 2000:
        return float(np.abs(np.linalg.eigvals(M.toarray())).max())
    import scipy.sparse.linalg as spla  # imported where used (see make_solver)

    value = spla.eigs(M, k=1, which="LM", return_eigenvectors=False, maxiter=10_000)
    return float(np.abs(value).max())


def _loop_error(M: sp.csc_matrix, labels: tuple[str, ...] | None, why: str) -> NonConvergentNetworkError:
    """Name the loop whose gain reaches one so the user can fix its coefficients."""
    G = nx.from_scipy_sparse_array(sp.csr_matrix(M), create_using=nx.DiGraph)
    worst: tuple[float, list[int]] = (0.0, [])
    for component in nx.strongly_connected_components(G):
        members = sorted(component)
        if len(members) == 1 and not G.has_edge(members[0], members[0]):
            continue
        radius = spectral_radius(sp.csr_matrix(M)[members][:, members])
        if radius >= worst[0]:
            worst = (radius, members)
    radius, members = worst
    names = [labels[i] if labels else str(i) for i in members]
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return NonConvergentNetworkError(
        f"the supply chain cannot be solved: {why}. A loop's gain reaches one "
        f"(spectral radius {radius:.6g} >= 1) through the nodes {shown}; "
        "each unit produced there needs a unit or more of itself back (check recycling rates and yields)"
    )


def solver_for(compiled: CompiledNetwork, method: Method = "auto") -> Solver:
    """The reusable solver of a compiled network's (I - A)."""
    return make_solver(compiled.A, method, compiled.nodes, compiled.levels)


def solve(compiled: CompiledNetwork, demand: np.ndarray | sp.spmatrix, method: Method = "auto") -> np.ndarray:
    """Activities x = (I - A)^-1 y for one demand vector or many columns at once.

    For repeated solves build `solver_for(compiled)` once and call its `solve`.
    """
    return solver_for(compiled, method).solve(demand)


def multipliers(compiled: CompiledNetwork, solver: Solver | None = None) -> np.ndarray:
    """B L (k x n): every stressor behind one unit of every node's output."""
    solver = solver or solver_for(compiled)
    return solver.solve_transpose(compiled.B.T.toarray()).T
