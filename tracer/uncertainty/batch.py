"""Every indicator and split of a network, evaluated for a whole batch of draws at once.

Why a batched re-statement of `tracer.attribution` rather than calling it per draw:
per draw the attribution factorises and solves; here the same algebra runs on value
matrices (nnz x samples) along a fixed sparsity pattern, so a chunk of a thousand
draws costs about a thousand multiply-adds per edge and nothing per draw in Python.

The decomposition is the engine's (see tracer.attribution): walks from a vehicle are
cut at the first material node they reach.

* Down pass: activities of the nodes reached from the vehicles without crossing a
  material (components, assembly, their energy), one column per vehicle (plus the
  fleet): x = y + A N x, N masking material columns.
* Up pass: for each direct supplier r of a material (a market, a refinery), the
  activity its supply chain needs per unit of r, z_r = L e_r, on an expanded graph
  of (node, supplier) pairs. A supplier shared by several materials is traced once,
  and chains of different suppliers are mostly disjoint, so this costs about one
  pass over the upstream edges instead of one per vehicle. A material's flows per
  unit are its own plus A[r, m] times each supplier's, by indicator row.
* Flows: b_j x_j at down nodes (material "(none)"), b_j z_m[j] x_m upstream;
  grouped by country, stage (node kind), mine and material.
* Components: intensities (stressor per unit) of down nodes, supply side, seeded
  with the materials' upstream totals; a vehicle's first-tier component c carries
  A[c, v] times c's intensity; assembly and non-component inputs go to "(none)".

Indicators are per one vehicle of each type (column = vehicle id) and, when a fleet
is given, for the whole fleet (column "fleet"). Totals cover every stressor plus
`hidden` and `tmr`; the splits cover the stressors in `split_stressors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from hfcommon.errors import InputError
from tracer.attribution import NONE_LABEL
from tracer.engine import CompiledNetwork
from tracer.uncertainty import kernels
from tracer.uncertainty.batch_wiring import (
    Components,
    RowIndex,
    component_pass,
    concat_int,
    empty,
    extend,
    ones,
    reach,
)
from tracer.uncertainty.distributions import DTYPE
from tracer.uncertainty.propagation import Propagation

SPLITS: tuple[str, ...] = ("total", "country", "stage", "mine", "material", "component")
FLEET = "fleet"


@dataclass(frozen=True, eq=False)
class BatchModel:
    """A compiled network prepared for batched evaluation: built once, used for every chunk."""

    columns: tuple[str, ...]
    rows: pd.DataFrame
    """split, group, stressor, unit of each indicator row (the column axis is separate)."""
    derive: sp.csr_matrix
    """B values -> extended-stressor entry values (B rows plus hidden and tmr)."""
    down: Propagation
    down_inject: np.ndarray
    down_entry: np.ndarray
    down_node: np.ndarray
    down_collect: sp.csr_matrix
    """(indicator rows hit x down entries) ones."""
    down_target: np.ndarray
    up: Propagation
    up_inject: np.ndarray
    up_entry: np.ndarray
    up_node: np.ndarray
    up_collect: sp.csr_matrix
    """Qr = up_collect @ (root flows per unit): (row, root) cells."""
    material_sums: MaterialSums
    """How Q (each material's flows per unit, by indicator row) is summed and spread into indicators."""
    components: Components | None

    @property
    def n_rows(self) -> int:
        """Number of indicator rows (before the column axis)."""
        return len(self.rows)

    def evaluate(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Indicators (rows, columns, S) for A values (nnz(A), S) and B values (nnz(B), S)."""
        S = a.shape[1]
        C = len(self.columns)
        ext = np.asarray(self.derive @ b, dtype=DTYPE)
        out = np.zeros((self.n_rows, C, S), dtype=DTYPE)

        X = self.down.run(a, np.repeat(self.down_inject[:, :, None], S, axis=2))
        Z = self.up.run(a, np.repeat(self.up_inject[:, None, None], S, axis=2))[:, 0, :]
        Qr = _summed_products(self.up_collect, ext, self.up_entry, Z, self.up_node)
        m = self.material_sums
        Q = _summed_products(m.comb_collect, a, m.comb_edge, Qr, m.comb_qr) + m.own_collect @ ext[m.own_entry]
        if Q.shape[0]:  # first into `out` (each row once), so these are assigned, not added
            kernels.material_sums(X, Q, m.q_material, m.q_starts, m.q_target, out)

        flows = ext[self.down_entry][:, None, :] * X[self.down_node]
        out[self.down_target] += (self.down_collect @ flows.reshape(len(self.down_entry), C * S)).reshape(-1, C, S)

        if self.components is not None:
            self._add_components(a, ext, X.shape[0], Q, out)
        return out

    def _add_components(self, a: np.ndarray, ext: np.ndarray, n_down: int, Q: np.ndarray, out: np.ndarray) -> None:
        comp = self.components
        assert comp is not None
        S = a.shape[1]
        K = comp.k
        inject = np.zeros((n_down, K, S), dtype=DTYPE)
        inject[comp.entry_node, comp.entry_k] += ext[comp.entry]
        inject[comp.q_node, comp.q_k] += Q[comp.q]
        M = comp.supply.run(a, inject)
        through = (a[comp.edge][:, None, :] * M[comp.edge_node]).reshape(comp.edge.size * K, S)
        part = np.asarray(comp.weights @ through + comp.own_weights @ ext[comp.own], dtype=DTYPE)
        out[comp.rows] += part.reshape(len(self.columns), comp.rows.size, S).transpose(1, 0, 2)


def _summed_products(
    M: sp.csr_matrix, left: np.ndarray, left_row: np.ndarray, right: np.ndarray, right_row: np.ndarray
) -> np.ndarray:
    """M @ (left[left_row] * right[right_row]), compiled (the numbers of the numpy expression)."""
    return kernels.summed_products(M.indptr, M.indices, M.data, left, left_row, right, right_row)


def build(
    compiled: CompiledNetwork,
    fleet: Mapping[str, float] | pd.Series | None = None,
    vehicles: Sequence[str] | None = None,
    split_stressors: Sequence[str] = ("hidden", "tmr"),
    splits: Sequence[str] = SPLITS,
    mine_stressors: Sequence[str] = ("hidden",),
) -> BatchModel:
    """Prepare `compiled` for batched evaluation.

    `vehicles` (default: every vehicle node) get a column each, per one vehicle;
    `fleet` (vehicle id -> count) adds the column "fleet". The mine split, whose
    groups number in the hundreds, is kept to `mine_stressors` (hidden flows are what
    a mine moves; its TMR differs only by residues booked elsewhere).
    """
    unknown = [s for s in splits if s not in SPLITS]
    if unknown:
        raise InputError(f"unknown split(s) {unknown}; choose from {', '.join(SPLITS)}")
    n = compiled.n
    A = compiled.A
    is_mat = compiled.kind == "material"
    supplier = A.indices.astype(np.int64)
    consumer = np.repeat(np.arange(n), np.diff(A.indptr))
    edge = np.arange(A.nnz)
    demand, columns = _demand(compiled, fleet, vehicles)

    ext_names, ext_k, ext_j, derive = extend(compiled)
    split_k = [ext_names.index(s) for s in split_stressors if s in ext_names]
    mine_k = {ext_names.index(s) for s in mine_stressors if s in ext_names}
    rows = RowIndex(ext_names, set(split_k), splits, mine_k)

    # down pass over the nodes reached without crossing a material
    down_nodes, local, down, down_entry, down_collect, down_target = _down_pass(
        compiled, rows, demand, is_mat, consumer, supplier, edge, ext_k, ext_j
    )

    # up pass: the supply chain of each direct supplier ("root") of a material, per
    # unit of the root, computed once however many materials share the root
    materials = down_nodes[is_mat[down_nodes]]
    mat_pos = np.full(n, -1)
    mat_pos[materials] = np.arange(materials.size)
    feeds = np.flatnonzero(mat_pos[consumer] >= 0)  # edges root -> material
    roots = np.unique(supplier[feeds])
    root_pos = np.full(n, -1)
    root_pos[roots] = np.arange(roots.size)
    up, up_inject, up_entry_a, up_node_a, up_collect, r_pairs = _up_pass(
        compiled, rows, roots, consumer, supplier, edge, ext_k, ext_j
    )

    q = _material_sums(compiled, rows, materials, mat_pos, root_pos, feeds, consumer, supplier, r_pairs,
                       ext_k, ext_j, local)  # fmt: skip

    components = None
    if "component" in splits and split_k:
        components = component_pass(
            compiled, rows, demand, columns, local, down_nodes, materials, q.q_of, split_k, ext_k, ext_j,
            supplier, consumer, edge, is_mat,
        )

    return BatchModel(
        columns=columns,
        rows=rows.table(),
        derive=derive,
        down=down,
        down_inject=np.ascontiguousarray(demand[:, down_nodes].T, dtype=DTYPE),
        down_entry=down_entry,
        down_node=local[ext_j[down_entry]],
        down_collect=down_collect,
        down_target=down_target,
        up=up,
        up_inject=up_inject,
        up_entry=up_entry_a,
        up_node=up_node_a,
        up_collect=up_collect,
        material_sums=q,
        components=components,
    )


def _demand(
    compiled: CompiledNetwork, fleet: Mapping[str, float] | pd.Series | None, vehicles: Sequence[str] | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """One demand row per vehicle (one unit) and, given a fleet, one for the fleet; the column names."""
    vehicles = tuple(compiled.vehicles if vehicles is None else vehicles)
    for v in vehicles:
        if v not in compiled.index or compiled.kind[compiled.index[v]] != "vehicle":
            raise InputError(f"{v!r} is not a vehicle node of the network", column="--vehicle")
    demand = np.zeros((len(vehicles) + (fleet is not None), compiled.n))
    for c, v in enumerate(vehicles):
        demand[c, compiled.index[v]] = 1.0
    if fleet is not None:
        demand[-1] = compiled.demand(fleet)
    return demand, (*vehicles, *((FLEET,) if fleet is not None else ()))


def _up_pass(
    compiled: CompiledNetwork, rows: RowIndex, roots: np.ndarray, consumer: np.ndarray, supplier: np.ndarray,
    edge: np.ndarray, ext_k: np.ndarray, ext_j: np.ndarray,
) -> tuple[Propagation, np.ndarray, np.ndarray, np.ndarray, sp.csr_matrix, dict[tuple[int, int], int]]:  # fmt: skip
    """The expanded graph of (node, root) pairs: each root's supply chain, per unit of the root.

    Also how its entries collect into Qr[(row, root)], a root's flows per unit by
    node-local row (the material label is added later); `r_pairs` numbers those rows.
    """
    n, A = compiled.n, compiled.A
    up_src, up_tgt, up_val, up_inject_pos = [], [], [], []
    up_entry, up_node, up_root = [], [], []
    offset = 0
    for ri, s_node in enumerate(roots):
        chain = reach(A, np.array([s_node]), stop=np.zeros(n, dtype=bool))
        loc = np.full(n, -1)
        loc[chain] = offset + np.arange(chain.size)
        inside = loc[consumer] >= 0
        up_src.append(loc[consumer[inside]])
        up_tgt.append(loc[supplier[inside]])
        up_val.append(edge[inside])
        up_inject_pos.append(loc[s_node])
        entries = np.flatnonzero(loc[ext_j] >= 0)
        up_entry.append(entries)
        up_node.append(loc[ext_j[entries]])
        up_root.append(np.full(entries.size, ri))
        offset += chain.size
    cat = concat_int
    up = Propagation.build(offset, cat(up_val), cat(up_src), cat(up_tgt), compiled.nodes)
    up_inject = np.zeros(offset, dtype=DTYPE)
    up_inject[cat(up_inject_pos)] = 1.0
    up_entry_a, up_node_a, up_root_a = cat(up_entry), cat(up_node), cat(up_root)
    r_pairs: dict[tuple[int, int], int] = {}
    r_cells: list[tuple[int, int]] = []
    for pos, (e, ri) in enumerate(zip(up_entry_a, up_root_a, strict=True)):
        for r in rows.node_rows(compiled, int(ext_k[e]), int(ext_j[e]), material=None):
            r_cells.append((r_pairs.setdefault((r, int(ri)), len(r_pairs)), pos))
    up_collect = ones(r_cells, (len(r_pairs), up_entry_a.size))
    return up, up_inject, up_entry_a, up_node_a, up_collect, r_pairs


def _down_pass(
    compiled: CompiledNetwork, rows: RowIndex, demand: np.ndarray, is_mat: np.ndarray, consumer: np.ndarray,
    supplier: np.ndarray, edge: np.ndarray, ext_k: np.ndarray, ext_j: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, Propagation, np.ndarray, sp.csr_matrix, np.ndarray]:  # fmt: skip
    """The nodes the vehicles reach without crossing a material, their propagation and row collection."""
    down_nodes = reach(compiled.A, np.flatnonzero(demand.any(axis=0)), stop=is_mat)
    local = np.full(compiled.n, -1)
    local[down_nodes] = np.arange(down_nodes.size)
    in_down = (local[consumer] >= 0) & ~is_mat[consumer]
    down = Propagation.build(
        down_nodes.size, edge[in_down], local[consumer[in_down]], local[supplier[in_down]], compiled.nodes
    )
    down_entry = np.flatnonzero((local[ext_j] >= 0) & ~is_mat[ext_j])
    r_idx, e_idx = [], []
    for pos, e in enumerate(down_entry):
        for r in rows.node_rows(compiled, int(ext_k[e]), int(ext_j[e]), NONE_LABEL):
            r_idx.append(r)
            e_idx.append(pos)
    down_target, down_hit = np.unique(np.array(r_idx, dtype=np.int64), return_inverse=True)
    down_collect = sp.csr_matrix(
        (np.ones(len(r_idx), dtype=DTYPE), (down_hit, e_idx)), shape=(down_target.size, down_entry.size)
    )
    return down_nodes, local, down, down_entry, down_collect, down_target


@dataclass(frozen=True, eq=False)
class MaterialSums:
    """How Q (a material's flows per unit, by indicator row) is summed from Qr and its own flows.

    Q (row, material) = comb_collect @ (A[comb_edge] * Qr[comb_qr]) + own_collect @ ext[own_entry];
    the material-weighted Q rows are then summed into the indicator rows q_target.
    """

    q_of: dict[tuple[int, int], int]
    comb_qr: np.ndarray
    comb_edge: np.ndarray
    comb_collect: sp.csr_matrix
    own_entry: np.ndarray
    own_collect: sp.csr_matrix
    q_material: np.ndarray
    q_starts: np.ndarray
    """Q rows q_starts[k] to q_starts[k + 1] (their materials weighted by activity) sum into ..."""
    q_target: np.ndarray
    """... indicator row q_target[k]."""


def _material_sums(
    compiled: CompiledNetwork, rows: RowIndex, materials: np.ndarray, mat_pos: np.ndarray, root_pos: np.ndarray,
    feeds: np.ndarray, consumer: np.ndarray, supplier: np.ndarray, r_pairs: dict[tuple[int, int], int],
    ext_k: np.ndarray, ext_j: np.ndarray, local: np.ndarray,
) -> MaterialSums:  # fmt: skip
    """Q[(row, material)] = material's own flows + sum over roots of A[root, m] * Qr[(row, root)]."""
    material_label = [str(compiled.nodes[m]) for m in materials]
    by_root: dict[int, list[tuple[int, int]]] = {}
    for (r, ri), qr in r_pairs.items():
        by_root.setdefault(ri, []).append((r, qr))
    pairs: dict[tuple[int, int], int] = {}
    comb: list[tuple[int, int, int]] = []  # (Q pair, Qr row, edge root -> material)
    for e in feeds:
        mi, ri = int(mat_pos[consumer[e]]), int(root_pos[supplier[e]])
        for r, qr in by_root.get(ri, []):
            for target in rows.with_material(r, material_label[mi]):
                comb.append((pairs.setdefault((target, mi), len(pairs)), qr, int(e)))
    own_entry = np.flatnonzero(mat_pos[ext_j] >= 0)
    own_cells: list[tuple[int, int]] = []
    for pos, e in enumerate(own_entry):
        mi = int(mat_pos[ext_j[e]])
        for r in rows.node_rows(compiled, int(ext_k[e]), int(ext_j[e]), material_label[mi]):
            own_cells.append((pairs.setdefault((r, mi), len(pairs)), pos))
    # order Q by (row, material) so that the sums into each row run in a fixed order
    ordered = sorted(pairs)
    q_of = {p: i for i, p in enumerate(ordered)}
    renumber = np.array([q_of[p] for p in pairs], dtype=np.int64)
    comb_q = renumber[np.array([c[0] for c in comb], dtype=np.int64)] if comb else empty()
    comb_collect = ones(list(zip(comb_q.tolist(), range(len(comb)))), (len(ordered), len(comb)))
    own_collect = ones([(int(renumber[q]), pos) for q, pos in own_cells], (len(ordered), own_entry.size))
    q_row = np.array([r for r, _ in ordered], dtype=np.int64)
    q_material = local[materials[np.array([mi for _, mi in ordered], dtype=np.int64)]] if ordered else empty()
    q_target, q_count = np.unique(q_row, return_counts=True)
    q_starts = np.concatenate([[0], np.cumsum(q_count)]).astype(np.int64)
    return MaterialSums(
        q_of=q_of, comb_qr=np.array([c[1] for c in comb], dtype=np.int64),
        comb_edge=np.array([c[2] for c in comb], dtype=np.int64), comb_collect=comb_collect, own_entry=own_entry,
        own_collect=own_collect, q_material=q_material, q_starts=q_starts, q_target=q_target,
    )
