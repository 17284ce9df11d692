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
from hfcommon.vocabulary import HIDDEN_STRESSORS, MASS_STRESSORS, STRESSOR_UNITS
from tracer.attribution import NONE_LABEL
from tracer.engine import CompiledNetwork
from tracer.uncertainty.distributions import DTYPE
from tracer.uncertainty.propagation import Propagation

SPLITS: tuple[str, ...] = ("total", "country", "stage", "mine", "material", "component")
DERIVED: Mapping[str, tuple[str, ...]] = {"hidden": HIDDEN_STRESSORS, "tmr": MASS_STRESSORS}
FLEET = "fleet"


@dataclass(frozen=True, eq=False)
class Components:
    """The supply-side pass that splits each vehicle by first-tier component."""

    supply: Propagation
    k: int
    """Number of split stressors (slots)."""
    entry: np.ndarray
    """Extended-stressor entries injected at down nodes, with their node and stressor slot."""
    entry_node: np.ndarray
    entry_k: np.ndarray
    q: np.ndarray
    """Rows of Q (a material's upstream total per stressor) injected at material nodes."""
    q_node: np.ndarray
    q_k: np.ndarray
    edge: np.ndarray
    """A positions of the edges first-tier input -> vehicle, and the input's down node."""
    edge_node: np.ndarray
    own: np.ndarray
    """Extended-stressor entries of the vehicles themselves (assembly)."""
    weights: tuple[sp.csr_matrix, ...]
    """Per column: (labels x K) x (edges x K) weights."""
    own_weights: tuple[sp.csr_matrix, ...]
    rows: np.ndarray
    """Indicator row of each (label, stressor slot), flattened label-major."""


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
    comb_qr: np.ndarray
    comb_edge: np.ndarray
    comb_collect: sp.csr_matrix
    """Q (row, material) += A[root, material] * Qr (row, root)."""
    own_entry: np.ndarray
    own_collect: sp.csr_matrix
    """Q (row, material) += the material node's own flows."""
    q_material: np.ndarray
    q_collect: sp.csr_matrix
    """(indicator rows hit x Q rows) ones: sums material-weighted Q rows into indicators."""
    q_target: np.ndarray
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
        flows = ext[self.down_entry][:, None, :] * X[self.down_node]
        out[self.down_target] += (self.down_collect @ flows.reshape(len(self.down_entry), C * S)).reshape(-1, C, S)

        Z = self.up.run(a, np.repeat(self.up_inject[:, None, None], S, axis=2))[:, 0, :]
        Qr = np.asarray(self.up_collect @ (ext[self.up_entry] * Z[self.up_node]), dtype=DTYPE)
        Q = np.asarray(
            self.comb_collect @ (a[self.comb_edge] * Qr[self.comb_qr]) + self.own_collect @ ext[self.own_entry],
            dtype=DTYPE,
        )
        if Q.shape[0]:
            scaled = Q[:, None, :] * X[self.q_material]
            out[self.q_target] += (self.q_collect @ scaled.reshape(Q.shape[0], -1)).reshape(-1, C, S)

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
        own = ext[comp.own]
        for c in range(len(self.columns)):
            part = comp.weights[c] @ through + comp.own_weights[c] @ own
            out[comp.rows, c, :] += np.asarray(part, dtype=DTYPE)


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
    kind = compiled.kind
    is_mat = kind == "material"
    supplier = A.indices.astype(np.int64)
    consumer = np.repeat(np.arange(n), np.diff(A.indptr))
    edge = np.arange(A.nnz)
    vehicles = tuple(compiled.vehicles if vehicles is None else vehicles)
    for v in vehicles:
        if v not in compiled.index or kind[compiled.index[v]] != "vehicle":
            raise InputError(f"{v!r} is not a vehicle node of the network", column="vehicle")
    demand = np.zeros((len(vehicles) + (fleet is not None), n))
    for c, v in enumerate(vehicles):
        demand[c, compiled.index[v]] = 1.0
    if fleet is not None:
        demand[-1] = compiled.demand(fleet)
    columns = (*vehicles, *((FLEET,) if fleet is not None else ()))

    ext_names, ext_k, ext_j, derive = _extend(compiled)
    split_k = [ext_names.index(s) for s in split_stressors if s in ext_names]
    mine_k = {ext_names.index(s) for s in mine_stressors if s in ext_names}
    rows = _RowIndex(ext_names, set(split_k), splits, mine_k)

    # down pass over the nodes reached without crossing a material
    down_nodes = _reach(A, np.flatnonzero(demand.any(axis=0)), stop=is_mat)
    local = np.full(n, -1)
    local[down_nodes] = np.arange(down_nodes.size)
    in_down = (local[consumer] >= 0) & ~is_mat[consumer]
    down = Propagation.build(
        down_nodes.size, edge[in_down], local[consumer[in_down]], local[supplier[in_down]], compiled.nodes
    )
    down_inject = np.ascontiguousarray(demand[:, down_nodes].T, dtype=DTYPE)
    down_entry = np.flatnonzero((local[ext_j] >= 0) & ~is_mat[ext_j])
    r_idx, e_idx = [], []
    for pos, e in enumerate(down_entry):
        for r in rows.node_rows(compiled, int(ext_k[e]), int(ext_j[e]), NONE_LABEL):
            r_idx.append(r)
            e_idx.append(pos)

    # up pass: the supply chain of each direct supplier ("root") of a material, per
    # unit of the root, computed once however many materials share the root
    materials = down_nodes[is_mat[down_nodes]]
    mat_pos = np.full(n, -1)
    mat_pos[materials] = np.arange(materials.size)
    feeds = np.flatnonzero(mat_pos[consumer] >= 0)  # edges root -> material
    roots = np.unique(supplier[feeds])
    root_pos = np.full(n, -1)
    root_pos[roots] = np.arange(roots.size)
    up_src, up_tgt, up_val, up_inject_pos = [], [], [], []
    up_entry, up_node, up_root = [], [], []
    offset = 0
    for ri, s_node in enumerate(roots):
        chain = _reach(A, np.array([s_node]), stop=np.zeros(n, dtype=bool))
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
    cat = _concat_int
    up = Propagation.build(offset, cat(up_val), cat(up_src), cat(up_tgt), compiled.nodes)
    up_inject = np.zeros(offset, dtype=DTYPE)
    up_inject[cat(up_inject_pos)] = 1.0
    up_entry_a, up_node_a, up_root_a = cat(up_entry), cat(up_node), cat(up_root)

    # Qr[(row, root)]: a root's flows per unit, by node-local row (material label added later)
    r_pairs: dict[tuple[int, int], int] = {}
    r_cells: list[tuple[int, int]] = []
    for pos, (e, ri) in enumerate(zip(up_entry_a, up_root_a, strict=True)):
        for r in rows.node_rows(compiled, int(ext_k[e]), int(ext_j[e]), material=None):
            r_cells.append((r_pairs.setdefault((r, int(ri)), len(r_pairs)), pos))
    up_collect = _ones(r_cells, (len(r_pairs), up_entry_a.size))

    # Q[(row, material)] = material's own flows + sum over roots of A[root, m] * Qr[(row, root)]
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
    comb_q = renumber[np.array([c[0] for c in comb], dtype=np.int64)] if comb else _empty()
    comb_collect = _ones(list(zip(comb_q.tolist(), range(len(comb)))), (len(ordered), len(comb)))
    own_collect = _ones([(int(renumber[q]), pos) for q, pos in own_cells], (len(ordered), own_entry.size))
    q_row = np.array([r for r, _ in ordered], dtype=np.int64)
    q_material = local[materials[np.array([mi for _, mi in ordered], dtype=np.int64)]] if ordered else _empty()
    q_target, q_hit = np.unique(q_row, return_inverse=True)
    q_collect = sp.csr_matrix(
        (np.ones(q_row.size, dtype=DTYPE), (q_hit, np.arange(q_row.size))), shape=(q_target.size, q_row.size)
    )

    components = None
    if "component" in splits and split_k:
        components = _components(
            compiled, rows, demand, columns, local, down_nodes, materials, q_of, split_k, ext_k, ext_j,
            supplier, consumer, edge, is_mat,
        )

    down_target, down_hit = np.unique(np.array(r_idx, dtype=np.int64), return_inverse=True)
    down_collect = sp.csr_matrix(
        (np.ones(len(r_idx), dtype=DTYPE), (down_hit, e_idx)), shape=(down_target.size, down_entry.size)
    )
    return BatchModel(
        columns=columns,
        rows=rows.table(),
        derive=derive,
        down=down,
        down_inject=down_inject,
        down_entry=down_entry,
        down_node=local[ext_j[down_entry]],
        down_collect=down_collect,
        down_target=down_target,
        up=up,
        up_inject=up_inject,
        up_entry=up_entry_a,
        up_node=up_node_a,
        up_collect=up_collect,
        comb_qr=np.array([c[1] for c in comb], dtype=np.int64),
        comb_edge=np.array([c[2] for c in comb], dtype=np.int64),
        comb_collect=comb_collect,
        own_entry=own_entry,
        own_collect=own_collect,
        q_material=q_material,
        q_collect=q_collect,
        q_target=q_target,
        components=components,
    )


class _RowIndex:
    """Assigns indicator rows (split, group, extended stressor) as they are first named."""

    def __init__(self, ext_names: list[str], split_k: set[int], splits: Sequence[str], mine_k: set[int]) -> None:
        self.ext_names = ext_names
        self.split_k = split_k
        self.mine_k = mine_k
        self.splits = tuple(splits)
        self.index: dict[tuple[str, str, int], int] = {}
        self.keys: list[tuple[str, str, int]] = []
        for k in range(len(ext_names)):
            self.row("total", "total", k)

    @property
    def count(self) -> int:
        return len(self.index)

    def row(self, split: str, group: str, k: int) -> int:
        key = (split, group, k)
        if key not in self.index:
            self.index[key] = len(self.keys)
            self.keys.append(key)
        return self.index[key]

    def node_rows(self, compiled: CompiledNetwork, k: int, j: int, material: str | None) -> list[int]:
        """Rows a flow of extended stressor k at node j (reached via `material`) adds to.

        With material None the material row is left out (`with_material` adds it later).
        """
        out = [self.row("total", "total", k)]
        if k not in self.split_k:
            return out
        labels = {
            "country": str(compiled.country[j]),
            "stage": str(compiled.kind[j]),
            "mine": str(compiled.mine_id[j]) or NONE_LABEL,
        }
        if material is not None:
            labels["material"] = material
        out.extend(
            self.row(s, labels[s], k) for s in self.splits if s in labels and (s != "mine" or k in self.mine_k)
        )
        return out

    def with_material(self, r: int, material: str) -> list[int]:
        """Row r itself, plus the material row of the same stressor when r is a total row."""
        split, _, k = self.keys[r]
        if split == "total" and k in self.split_k and "material" in self.splits:
            return [r, self.row("material", material, k)]
        return [r]

    def table(self) -> pd.DataFrame:
        keys = self.keys
        stressor = [self.ext_names[k] for _, _, k in keys]
        return pd.DataFrame(
            {
                "split": [s for s, _, _ in keys],
                "group": [g for _, g, _ in keys],
                "stressor": stressor,
                "unit": [STRESSOR_UNITS.get(s, "t") for s in stressor],
            }
        )


def _components(
    compiled: CompiledNetwork,
    rows: _RowIndex,
    demand: np.ndarray,
    columns: tuple[str, ...],
    local: np.ndarray,
    down_nodes: np.ndarray,
    materials: np.ndarray,
    q_of: Mapping[tuple[int, int], int],
    split_k: list[int],
    ext_k: np.ndarray,
    ext_j: np.ndarray,
    supplier: np.ndarray,
    consumer: np.ndarray,
    edge: np.ndarray,
    is_mat: np.ndarray,
) -> Components:
    """Wire the supply-side pass and the first-tier component weights."""
    kind = compiled.kind
    K = len(split_k)
    slot = {k: i for i, k in enumerate(split_k)}
    is_vehicle = kind == "vehicle"
    inside = (local[consumer] >= 0) & ~is_mat[consumer] & ~is_vehicle[consumer]
    supply = Propagation.build(
        down_nodes.size, edge[inside], local[supplier[inside]], local[consumer[inside]], compiled.nodes
    )
    entry = np.flatnonzero((local[ext_j] >= 0) & ~is_mat[ext_j] & ~is_vehicle[ext_j] & np.isin(ext_k, split_k))
    q, q_node, q_k = [], [], []
    for mi, m in enumerate(materials):
        for k in split_k:
            hit = q_of.get((rows.row("total", "total", k), mi))
            if hit is not None:
                q.append(hit)
                q_node.append(local[m])
                q_k.append(slot[k])
    into_vehicle = np.flatnonzero((local[consumer] >= 0) & is_vehicle[consumer])
    labels = [str(compiled.nodes[c]) if kind[c] == "component" else NONE_LABEL for c in supplier[into_vehicle]]
    names = sorted(set(labels) | {NONE_LABEL})
    label_of = {name: i for i, name in enumerate(names)}
    own = np.flatnonzero(is_vehicle[ext_j] & (local[ext_j] >= 0) & np.isin(ext_k, split_k))
    weights, own_weights = [], []
    for c in range(len(columns)):
        w = demand[c]
        r, col, val = [], [], []
        for pos, (e_pos, lab) in enumerate(zip(into_vehicle, labels, strict=True)):
            weight = w[consumer[e_pos]]
            if weight:
                for i in range(K):
                    r.append(label_of[lab] * K + i)
                    col.append(pos * K + i)
                    val.append(weight)
        weights.append(sp.csr_matrix((val, (r, col)), shape=(len(names) * K, into_vehicle.size * K), dtype=DTYPE))
        weight_own = w[ext_j[own]]
        own_weights.append(
            sp.csr_matrix(
                (weight_own, ([label_of[NONE_LABEL] * K + slot[int(k)] for k in ext_k[own]], np.arange(own.size))),
                shape=(len(names) * K, own.size),
                dtype=DTYPE,
            )
        )
    comp_rows = np.array([rows.row("component", name, k) for name in names for k in split_k], dtype=np.int64)
    return Components(
        supply=supply,
        k=K,
        entry=entry,
        entry_node=local[ext_j[entry]],
        entry_k=np.array([slot[int(k)] for k in ext_k[entry]], dtype=np.int64),
        q=np.array(q, dtype=np.int64),
        q_node=np.array(q_node, dtype=np.int64),
        q_k=np.array(q_k, dtype=np.int64),
        edge=edge[into_vehicle],
        edge_node=local[supplier[into_vehicle]],
        own=own,
        weights=tuple(weights),
        own_weights=tuple(own_weights),
        rows=comp_rows,
    )


def _extend(compiled: CompiledNetwork) -> tuple[list[str], np.ndarray, np.ndarray, sp.csr_matrix]:
    """Entries of B plus derived `hidden` and `tmr` rows, as a linear map of B's values."""
    B = compiled.B
    names = list(compiled.stressors)
    for derived, members in DERIVED.items():
        if any(s in names for s in members):
            names.append(derived)
    b_row = np.repeat(np.arange(B.shape[0]), np.diff(B.indptr))
    b_col = B.indices
    keys: dict[tuple[int, int], int] = {}
    r, c = [], []
    for pos, (row, j) in enumerate(zip(b_row, b_col, strict=True)):
        stressor = compiled.stressors[row]
        targets = [stressor] + [d for d, members in DERIVED.items() if stressor in members]
        for t in targets:
            key = (names.index(t), int(j))
            r.append(keys.setdefault(key, len(keys)))
            c.append(pos)
    ext_k = np.array([k for k, _ in keys], dtype=np.int64)
    ext_j = np.array([j for _, j in keys], dtype=np.int64)
    derive = sp.csr_matrix((np.ones(len(r), dtype=DTYPE), (r, c)), shape=(len(keys), B.nnz))
    return names, ext_k, ext_j, derive


def _reach(A: sp.csc_matrix, seeds: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Seeds and every node reached by walking to suppliers, not walking past `stop` nodes."""
    seen = np.zeros(A.shape[0], dtype=bool)
    seen[seeds] = True
    frontier = np.asarray(seeds, dtype=np.int64)
    while frontier.size:
        walk = frontier[~stop[frontier]]
        found = np.concatenate([A.indices[A.indptr[j] : A.indptr[j + 1]] for j in walk]) if walk.size else _empty()
        found = np.unique(found[~seen[found]])
        seen[found] = True
        frontier = found
    return np.flatnonzero(seen)


def _ones(cells: list[tuple[int, int]], shape: tuple[int, int]) -> sp.csr_matrix:
    """A sparse matrix of ones at (row, column) cells (a fixed-order summing operator)."""
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    return sp.csr_matrix((np.ones(len(cells), dtype=DTYPE), (rows, cols)), shape=shape)


def _concat_int(parts: list[np.ndarray] | list[int]) -> np.ndarray:
    if not parts:
        return _empty()
    return np.concatenate([np.atleast_1d(np.asarray(p, dtype=np.int64)) for p in parts])


def _empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)
