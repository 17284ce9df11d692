"""Compile the supply-chain network to matrices and solve it exactly.

The network becomes a technology matrix A (A[i, j] = units of node i's output per unit
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

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from hfcommon.errors import InputError
from hfcommon.vocabulary import KINDS, MASS_STRESSORS, STRESSOR_UNITS, UNKNOWN_ORIGIN

NODE_KINDS: frozenset[str] = frozenset(KINDS)

Method = Literal["auto", "lu", "propagation"]

_CONVERGENCE_RTOL = 1e-9
#: Smallest accepted 1 - (spectral radius of a loop): closer to one, more than 8 digits are lost.
MIN_LOOP_MARGIN = 1e-8


class NonConvergentNetworkError(InputError):
    """The system (I - A) x = y has no finite, non-negative solution: a loop's gain reaches one."""


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """The network as matrices plus the tables that name their rows and columns.

    Arrays are read-only so that a compiled network can be shared between solvers,
    scenarios and Monte Carlo draws without one silently changing another.
    """

    nodes: tuple[str, ...]
    index: Mapping[str, int]
    kind: np.ndarray
    name: np.ndarray
    country: np.ndarray
    unit: np.ndarray
    mine_id: np.ndarray
    commodity: np.ndarray
    stressors: tuple[str, ...]
    A: sp.csc_matrix
    B: sp.csr_matrix
    levels: tuple[np.ndarray, ...] | None
    """Node indices grouped by distance from the final consumers; None when cyclic."""

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def is_acyclic(self) -> bool:
        """Whether topological propagation is available."""
        return self.levels is not None

    @property
    def vehicles(self) -> tuple[str, ...]:
        """Ids of the vehicle nodes, in node order."""
        return tuple(self.nodes[i] for i in np.flatnonzero(self.kind == "vehicle"))

    def indices_of_kind(self, kind: str) -> np.ndarray:
        """Indices of all nodes of one kind."""
        return np.flatnonzero(self.kind == kind)

    def stressor_unit(self, stressor: str) -> str:
        """Unit of one stressor row of B."""
        return STRESSOR_UNITS[stressor]

    def mass_rows(self) -> np.ndarray:
        """Indices of the rows of B that count towards TMR."""
        return np.array([i for i, s in enumerate(self.stressors) if s in MASS_STRESSORS], dtype=int)

    def demand(self, fleet: Mapping[str, float] | pd.Series) -> np.ndarray:
        """Demand vector y for vehicle counts keyed by vehicle id.

        Unknown ids and negative or non-finite counts are input errors: a typo in a
        fleet file must not silently drop a vehicle type from the result.
        """
        items = fleet.items()
        vehicles = set(self.vehicles)
        y = np.zeros(self.n)
        for vehicle, count in items:
            if vehicle not in vehicles:
                raise InputError(
                    f"unknown vehicle {vehicle!r}; the network has: {', '.join(self.vehicles)}",
                    column="vehicle",
                )
            value = float(count)
            if not math.isfinite(value) or value < 0:
                raise InputError(
                    f"vehicle count for {vehicle!r} must be finite and >= 0, got {count!r}",
                    column="count",
                )
            y[self.index[vehicle]] += value
        return y

    def with_values(self, A: sp.spmatrix | None = None, B: sp.spmatrix | None = None) -> CompiledNetwork:
        """A copy with new coefficient values on the same nodes (for scenarios and sampling).

        Topological levels are kept only when the new A has no edge outside the old
        structure; otherwise they are recomputed from the new sparsity pattern.
        """
        new_A = self.A if A is None else _frozen_sparse(sp.csc_matrix(A, dtype=float))
        new_B = self.B if B is None else _frozen_sparse(sp.csr_matrix(B, dtype=float))
        if new_A.shape != (self.n, self.n) or new_B.shape != (len(self.stressors), self.n):
            raise ValueError("new A or B does not match the compiled network's shape")
        levels = self.levels if A is None else _levels(new_A)
        return dataclasses.replace(self, A=new_A, B=new_B, levels=levels)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _frozen_sparse(m: sp.csc_matrix | sp.csr_matrix) -> sp.csc_matrix | sp.csr_matrix:
    """Canonical (duplicates summed, explicit zeros dropped) and read-only, so compiled
    matrices can be shared between solvers, scenarios and Monte Carlo without copies."""
    m.sum_duplicates()
    m.eliminate_zeros()
    for part in (m.data, m.indices, m.indptr):
        part.setflags(write=False)
    return m


def _text(attrs: Mapping[str, Any], key: str, default: str = "") -> str:
    value = attrs.get(key)
    return default if value is None else str(value)


def compile_network(G: nx.DiGraph) -> CompiledNetwork:
    """Compile a supply-chain DiGraph (see docs/CONTRACTS.md) to matrices.

    Checks what the algebra depends on (known node kinds and stressors, finite
    non-negative amounts) and names the node or edge at fault.
    """
    if G.number_of_nodes() == 0:
        raise InputError("the supply-chain network is empty: it has no nodes to solve")
    nodes = tuple(str(n) for n in G.nodes)
    if len(set(nodes)) != len(nodes):
        raise InputError("node ids must be unique once converted to text")
    index = {node: i for i, node in enumerate(nodes)}

    columns: dict[str, list[str]] = {k: [] for k in ("kind", "name", "country", "unit", "mine_id", "commodity")}
    stressor_entries: list[tuple[str, int, float]] = []
    for node, attrs in G.nodes(data=True):
        kind = _text(attrs, "kind")
        if kind not in NODE_KINDS:
            raise InputError(f"node {node!r} has kind {kind!r}; expected one of {sorted(NODE_KINDS)}", column="kind")
        columns["kind"].append(kind)
        columns["name"].append(_text(attrs, "name", str(node)))
        columns["country"].append(_text(attrs, "country", UNKNOWN_ORIGIN))
        columns["unit"].append(_text(attrs, "unit", "t"))
        columns["mine_id"].append(_text(attrs, "mine_id"))
        columns["commodity"].append(_text(attrs, "commodity"))
        for stressor, amount in (attrs.get("stressors") or {}).items():
            if stressor not in STRESSOR_UNITS:
                raise InputError(
                    f"node {node!r} has unknown stressor {stressor!r}; expected one of {list(STRESSOR_UNITS)}",
                    column="stressors",
                )
            value = _finite(amount, f"stressor {stressor!r} of node {node!r}")
            if stressor in MASS_STRESSORS and value < 0:
                raise InputError(f"stressor {stressor!r} of node {node!r} is a mass and must be >= 0, got {value}")
            stressor_entries.append((stressor, index[str(node)], value))

    edges = list(G.edges(data="amount"))
    try:
        vals = np.array([amount for _, _, amount in edges], dtype=float)
        valid = bool(np.all(np.isfinite(vals)) and np.all(vals >= 0))
    except (TypeError, ValueError):
        valid = False
    if not valid:  # find the first bad edge and say what is wrong with it
        for supplier, consumer, amount in edges:
            where = f"edge {supplier!r} -> {consumer!r}"
            if amount is None:
                raise InputError(f"{where} has no 'amount'", column="amount")
            if _finite(amount, f"amount on {where}") < 0:
                raise InputError(f"amount on {where} must be >= 0, got {amount}", column="amount")
    rows = [index[str(supplier)] for supplier, _, _ in edges]
    cols = [index[str(consumer)] for _, consumer, _ in edges]
    n = len(nodes)
    A = _frozen_sparse(sp.csc_matrix((vals, (rows, cols)), shape=(n, n), dtype=float))

    stressors = tuple(s for s in STRESSOR_UNITS if any(e[0] == s for e in stressor_entries))
    s_index = {s: i for i, s in enumerate(stressors)}
    B = _frozen_sparse(
        sp.csr_matrix(
            (
                [e[2] for e in stressor_entries],
                ([s_index[e[0]] for e in stressor_entries], [e[1] for e in stressor_entries]),
            ),
            shape=(len(stressors), n),
            dtype=float,
        )
    )
    return CompiledNetwork(
        nodes=nodes,
        index=MappingProxyType(index),
        **{k: _frozen(np.array(v, dtype=object)) for k, v in columns.items()},
        stressors=stressors,
        A=A,
        B=B,
        levels=_levels(A),
    )


def _finite(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{what} must be finite, got {value!r}")
    return number


def _levels(A: sp.csc_matrix) -> tuple[np.ndarray, ...] | None:
    """Group nodes so that every consumer of a node sits in an earlier group.

    x_i = y_i + sum_j A[i, j] x_j needs the x of i's consumers first; level 0 holds
    nodes nobody consumes. Returns None when a cycle (self-loops included) exists.
    """
    n = A.shape[0]
    if np.any(A.diagonal() != 0):
        return None
    csr = A.tocsr()
    out_degree = np.diff(csr.indptr)  # number of consumers of each node
    consumers_left = out_degree.copy()
    suppliers = A  # column j lists the suppliers of j
    level = np.full(n, -1)
    frontier = np.flatnonzero(consumers_left == 0)
    depth = 0
    groups: list[np.ndarray] = []
    done = 0
    while frontier.size:
        level[frontier] = depth
        groups.append(_frozen(frontier.copy()))
        done += frontier.size
        sup = suppliers[:, frontier]
        touched = sup.indices
        np.subtract.at(consumers_left, touched, 1)
        candidates = np.unique(touched)
        frontier = candidates[consumers_left[candidates] == 0]
        depth += 1
    if done != n:
        return None
    return tuple(groups)


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
    col_blocks: tuple[sp.csr_matrix, ...]

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
        levels = _levels(M)
    if method == "propagation" and levels is None:
        raise ValueError("topological propagation needs an acyclic network; this one has a loop")
    chosen: Literal["lu", "propagation"] = "propagation" if method == "propagation" else "lu"
    if method == "auto" and levels is not None:
        chosen = "propagation"
    if chosen == "propagation":
        assert levels is not None
        csr = M.tocsr()
        # x[level l] depends on x of levels < l; w[level l] on w of levels > l.
        row_blocks = tuple(csr[idx] for idx in levels[1:])
        csc_t = M.T.tocsr()
        col_blocks = tuple(csc_t[idx] for idx in levels[:-1])
        return Solver(M=M, method="propagation", lu=None, levels=levels, row_blocks=row_blocks, col_blocks=col_blocks)
    system = (sp.identity(n, format="csc") - M).tocsc()
    try:
        lu = spla.splu(system)
    except RuntimeError as exc:  # SuperLU: "Factor is exactly singular"
        raise _loop_error(M, labels, f"(I - A) is singular ({exc})") from None
    solver = Solver(M=M, method="lu", lu=lu, levels=levels, row_blocks=(), col_blocks=())
    _check_convergence(solver, labels)
    _check_conditioning(M, labels)
    return solver


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
