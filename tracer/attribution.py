"""Attribute every flow to vehicle, country, mine, material, first-tier component and stage.

All splits come from matrices in one pass, never from enumerating paths. Walks from a
vehicle up its supply chain are partitioned twice, exactly:

* by their first step: into a first-tier component c (activity L[:, c] A[c, v] f_v),
  or into anything else, the vehicle's own assembly included (component "(none)");
* by the first material node they cross, k. With N the diagonal indicator of
  non-material nodes and F = (I - A N)^-1, the activity that first reaches k is
  (F d)[k] and the activity it causes at node j is L[j, k] (F d)[k]; walks that cross
  no material give N F d (material "(none)").

So the flow of stressor s at node j for vehicle v, component c, material k is
B[s, j] L[j, k] (F d_{v,c})[k]. Summing any split returns the total B L y; the tests
hold the engine to that. `stage` is the kind of node j, `mine` its mine_id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from tracer.engine import CompiledNetwork, Method, Solver, make_solver, solver_for

NONE_LABEL = "(none)"
"""Material or component label of flows that pass no material node / no first-tier component."""

FLOW_COLUMNS: tuple[str, ...] = (
    "vehicle",
    "country",
    "mine",
    "material",
    "component",
    "stage",
    "stressor",
    "value",
    "unit",
)


@dataclass(frozen=True, eq=False)
class AttributionPlan:
    """Everything about a network that does not depend on the fleet, computed once.

    Holds both factorisations (of I - A and of the material cut I - A N) and the
    stressor-weighted upstream inverse of each material, so that attributing another
    fleet (a scenario, a Monte Carlo draw of the fleet) costs one multi-column solve.
    """

    compiled: CompiledNetwork
    solver: Solver
    cut_solver: Solver
    materials: np.ndarray
    """Node indices of the material nodes (code k = position here; k = K is "(none)")."""
    is_material: np.ndarray
    mat_s: np.ndarray
    mat_j: np.ndarray
    mat_k: np.ndarray
    mat_w: np.ndarray
    """Non-zeros of B[s, j] L[j, k] over material nodes k, sorted by k."""
    none_s: np.ndarray
    none_j: np.ndarray
    none_b: np.ndarray
    """Non-zeros of B[s, j] at non-material nodes j, sorted by j."""
    place: np.ndarray
    """Code of each node's (country, mine, stage) triple."""
    places: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, eq=False)
class FlowArrays:
    """The attribution as parallel integer-coded arrays (the fast, table-free form).

    vehicle and component are node indices (component -1 = "(none)"); material is a
    position in `plan.materials` (K = "(none)"); place indexes `plan.places`.
    """

    vehicle: np.ndarray
    component: np.ndarray
    material: np.ndarray
    place: np.ndarray
    stressor: np.ndarray
    value: np.ndarray


def prepare(compiled: CompiledNetwork, method: Method = "auto", solver: Solver | None = None) -> AttributionPlan:
    """Factorise the network and its material cut and precompute fleet-independent parts."""
    solver = solver or solver_for(compiled, method)
    is_material = compiled.kind == "material"
    materials = np.flatnonzero(is_material)
    cut = compiled.A @ sp.diags((~is_material).astype(float))
    cut_solver = make_solver(cut, method, compiled.nodes)

    K = materials.size
    unit_cols = sp.csc_matrix((np.ones(K), (materials, np.arange(K))), shape=(compiled.n, K))
    L_mat = solver.solve(unit_cols) if K else np.zeros((compiled.n, 0))
    B = compiled.B.tocsr()
    s_parts, j_parts, k_parts, w_parts = [], [], [], []
    for s in range(B.shape[0]):
        row = B.getrow(s)
        js, bs = row.indices, row.data
        weighted = L_mat[js] * bs[:, None]
        jj, kk = np.nonzero(weighted)
        s_parts.append(np.full(jj.size, s))
        j_parts.append(js[jj])
        k_parts.append(kk)
        w_parts.append(weighted[jj, kk])
    mat_s, mat_j, mat_k, mat_w = (np.concatenate(p) if p else np.zeros(0) for p in (s_parts, j_parts, k_parts, w_parts))
    order = np.argsort(mat_k, kind="stable")

    coo = B.tocoo()
    keep = ~is_material[coo.col]
    none_order = np.argsort(coo.col[keep], kind="stable")

    triples = list(zip(compiled.country, compiled.mine_id, compiled.kind, strict=True))
    places = tuple(dict.fromkeys(triples))
    place_code = {p: i for i, p in enumerate(places)}
    return AttributionPlan(
        compiled=compiled,
        solver=solver,
        cut_solver=cut_solver,
        materials=materials,
        is_material=is_material,
        mat_s=mat_s[order].astype(np.int64),
        mat_j=mat_j[order].astype(np.int64),
        mat_k=mat_k[order].astype(np.int64),
        mat_w=mat_w[order],
        none_s=coo.row[keep][none_order].astype(np.int64),
        none_j=coo.col[keep][none_order].astype(np.int64),
        none_b=coo.data[keep][none_order],
        place=np.array([place_code[t] for t in triples], dtype=np.int64),
        places=places,
    )


def _entry_demands(plan: AttributionPlan, y: np.ndarray) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray]:
    """Split each vehicle's demand by its first step: one column per (vehicle, first-tier component).

    The column for (v, "(none)") holds v's non-component direct inputs; the vehicle's
    own activity f_v (the walk of length zero) is added after the solve, since walks
    that start at v itself would pass through its components again.
    """
    compiled = plan.compiled
    A = compiled.A
    is_component = compiled.kind == "component"
    rows, cols, vals, pair_vehicle, pair_component = [], [], [], [], []
    for v in np.flatnonzero(y):
        f = y[v]
        start, end = A.indptr[v], A.indptr[v + 1]
        suppliers, amounts = A.indices[start:end], A.data[start:end]
        comp = is_component[suppliers]
        col = len(pair_vehicle)
        pair_vehicle.append(v)
        pair_component.append(-1)
        rows.extend(suppliers[~comp])
        vals.extend(amounts[~comp] * f)
        cols.extend([col] * int((~comp).sum()))
        for c, a in zip(suppliers[comp], amounts[comp], strict=True):
            pair_vehicle.append(v)
            pair_component.append(c)
            rows.append(c)
            vals.append(a * f)
            cols.append(len(pair_vehicle) - 1)
    D = sp.csc_matrix((vals, (rows, cols)), shape=(compiled.n, len(pair_vehicle)))
    return D, np.array(pair_vehicle, dtype=np.int64), np.array(pair_component, dtype=np.int64)


def _join(left_key: np.ndarray, right: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair every left entry with every non-zero of `right`'s row `left_key`.

    Returns (left position, right column, right value) of the outer join; left_key
    must be sorted, which keeps memory linear in the output.
    """
    counts = np.diff(right.indptr)[left_key]
    total = int(counts.sum())
    left_pos = np.repeat(np.arange(left_key.size), counts)
    offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    right_pos = right.indptr[left_key][left_pos] + offset
    return left_pos, right.indices[right_pos], right.data[right_pos]


def flow_arrays(plan: AttributionPlan, y: np.ndarray) -> FlowArrays:
    """Attribute the flows caused by demand y (vehicle counts on vehicle nodes)."""
    D, pair_vehicle, pair_component = _entry_demands(plan, y)
    FD = plan.cut_solver.solve(D)
    own = np.flatnonzero(pair_component == -1)
    FD[pair_vehicle[own], own] += y[pair_vehicle[own]]
    K = plan.materials.size

    via_material = sp.csr_matrix(FD[plan.materials]) if K else sp.csr_matrix((0, D.shape[1]))
    left, pair, amount = _join(plan.mat_k, via_material)
    m_val = plan.mat_w[left] * amount

    no_material = sp.csr_matrix(FD * (~plan.is_material)[:, None])
    n_left, n_pair, n_amount = _join(plan.none_j, no_material)
    n_val = plan.none_b[n_left] * n_amount

    pair_all = np.concatenate([pair, n_pair])
    return FlowArrays(
        vehicle=pair_vehicle[pair_all],
        component=pair_component[pair_all],
        material=np.concatenate([plan.mat_k[left], np.full(n_left.size, K, dtype=np.int64)]),
        place=plan.place[np.concatenate([plan.mat_j[left], plan.none_j[n_left]])],
        stressor=np.concatenate([plan.mat_s[left], plan.none_s[n_left]]),
        value=np.concatenate([m_val, n_val]),
    )


def to_table(plan: AttributionPlan, arrays: FlowArrays) -> pd.DataFrame:
    """Aggregate coded flows to the tidy long table, one row per distinct label combination."""
    compiled = plan.compiled
    K = plan.materials.size
    n = compiled.n
    comp = arrays.component + 1  # -1 ("(none)") -> 0
    dims = (n, n + 1, K + 1, len(plan.places), len(compiled.stressors))
    key = np.ravel_multi_index((arrays.vehicle, comp, arrays.material, arrays.place, arrays.stressor), dims)
    unique_key, inverse = np.unique(key, return_inverse=True)
    value = np.bincount(inverse, weights=arrays.value, minlength=unique_key.size)
    vehicle, comp, material, place, stressor = np.unravel_index(unique_key, dims)

    nodes = np.array(compiled.nodes, dtype=object)
    material_names = np.append(nodes[plan.materials], NONE_LABEL)
    component_names = np.append(np.array([NONE_LABEL], dtype=object), nodes)
    places = np.array(plan.places, dtype=object).reshape(-1, 3)
    stressor_names = np.array(compiled.stressors, dtype=object)
    units = np.array([compiled.stressor_unit(s) for s in compiled.stressors], dtype=object)
    table = pd.DataFrame(
        {
            "vehicle": nodes[vehicle],
            "country": places[place, 0],
            "mine": places[place, 1],
            "material": material_names[material],
            "component": component_names[comp],
            "stage": places[place, 2],
            "stressor": stressor_names[stressor],
            "value": value,
            "unit": units[stressor],
        },
        columns=list(FLOW_COLUMNS),
    )
    return table[table["value"] != 0].reset_index(drop=True)


def attribute(
    compiled: CompiledNetwork,
    fleet: Mapping[str, float] | pd.Series,
    plan: AttributionPlan | None = None,
) -> pd.DataFrame:
    """The long flow table for a fleet (vehicle id -> count); values are fleet totals."""
    plan = plan or prepare(compiled)
    return to_table(plan, flow_arrays(plan, compiled.demand(fleet)))
