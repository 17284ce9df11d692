"""The wiring of the batch model (tracer.uncertainty.batch): indicator rows, the
first-tier component pass, the extended stressors and sparse helpers.

Split from batch.py so that each module stays readable; `batch.build` is the entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from hfcommon.vocabulary import HIDDEN_STRESSORS, MASS_STRESSORS, STRESSOR_UNITS
from tracer.attribution import NONE_LABEL
from tracer.engine import CompiledNetwork
from tracer.uncertainty.distributions import DTYPE
from tracer.uncertainty.propagation import Propagation

DERIVED: Mapping[str, tuple[str, ...]] = {"hidden": HIDDEN_STRESSORS, "tmr": MASS_STRESSORS}


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
    weights: sp.csr_matrix
    """(columns x labels x K) x (edges x K) weights: each column's block of rows stacked."""
    own_weights: sp.csr_matrix
    rows: np.ndarray
    """Indicator row of each (label, stressor slot), flattened label-major."""



class RowIndex:
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


def component_pass(
    compiled: CompiledNetwork,
    rows: RowIndex,
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
        weights=sp.vstack(weights, format="csr"),
        own_weights=sp.vstack(own_weights, format="csr"),
        rows=comp_rows,
    )


def extend(compiled: CompiledNetwork) -> tuple[list[str], np.ndarray, np.ndarray, sp.csr_matrix]:
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


def reach(A: sp.csc_matrix, seeds: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Seeds and every node reached by walking to suppliers, not walking past `stop` nodes."""
    seen = np.zeros(A.shape[0], dtype=bool)
    seen[seeds] = True
    frontier = np.asarray(seeds, dtype=np.int64)
    while frontier.size:
        walk = frontier[~stop[frontier]]
        found = np.concatenate([A.indices[A.indptr[j] : A.indptr[j + 1]] for j in walk]) if walk.size else empty()
        found = np.unique(found[~seen[found]])
        seen[found] = True
        frontier = found
    return np.flatnonzero(seen)


def ones(cells: list[tuple[int, int]], shape: tuple[int, int]) -> sp.csr_matrix:
    """A sparse matrix of ones at (row, column) cells (a fixed-order summing operator)."""
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    return sp.csr_matrix((np.ones(len(cells), dtype=DTYPE), (rows, cols)), shape=shape)


def concat_int(parts: list[np.ndarray] | list[int]) -> np.ndarray:
    if not parts:
        return empty()
    return np.concatenate([np.atleast_1d(np.asarray(p, dtype=np.int64)) for p in parts])


def empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)
