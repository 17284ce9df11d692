"""Attribute every flow to vehicle, country, mine, material, first-tier component and stage.

All splits come from matrices, never from enumerating paths. Walks from a vehicle up
its supply chain are partitioned twice, exactly:

* by their first step: into a first-tier component c (activity L[:, c] A[c, v] f_v),
  or into anything else, the vehicle's own assembly included (component "(none)");
* by the first material node they cross, k. With N the diagonal indicator of
  non-material nodes and F = (I - A N)^-1, the activity that first reaches k is
  (F d)[k] and the activity it causes at node j is L[j, k] (F d)[k]; walks that cross
  no material give N F d (material "(none)").

So the flow of stressor s at node j for vehicle v, component c, material k is
B[s, j] L[j, k] (F d_{v,c})[k]. This joint array factorises: W_s = B[s] L[:, materials]
summed over the nodes of each place (country, mine, stage) depends only on the
network and is prepared once; the fleet enters only through the small factor F D.
`split()` multiplies the factors out for the labels asked for, so a marginal (say,
hidden flows by country and vehicle) never materialises the joint table, and the
full table is just the split by every label. Every split sums to the total B L y.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from hfcommon.errors import InputError
from hfcommon.vocabulary import FLOW_LABEL_COLUMNS
from tracer.engine import CompiledNetwork, Method, Solver, make_solver, solver_for

NONE_LABEL = "(none)"
"""Material or component label of flows that pass no material node / no first-tier component."""

_PLACE_FIELDS: tuple[str, ...] = ("country", "mine", "stage")


@dataclass(frozen=True, eq=False)
class AttributionPlan:
    """Everything about a network that does not depend on the fleet, computed once.

    Holds both factorisations (of I - A and of the material cut I - A N) and the
    stressor-weighted upstream inverse of every material, aggregated by place, so that
    attributing another fleet (a scenario, a Monte Carlo draw of the fleet) costs one
    small multi-column solve. Rows of the stacked matrices are (stressor, place)
    pairs, row = stressor * n_places + place.
    """

    compiled: CompiledNetwork
    solver: Solver
    cut_solver: Solver
    downstream: np.ndarray
    """Nodes that walks from vehicles reach before crossing a material (vehicles,
    components, materials, ...), sorted. Rows of F D outside them are zero for vehicle
    demand, so the cut system stays small however large the mining side grows."""
    materials: np.ndarray
    """Node indices of the material nodes; factor rows k follow this order."""
    is_material: np.ndarray
    place: np.ndarray
    """Place code of every node; a place is a distinct (country, mine, stage) triple."""
    place_codes: Mapping[str, np.ndarray]
    """For each place field, the category code of every place."""
    via_material: sp.csr_matrix
    """(stressor, place) x materials: sum over the place's nodes j of B[s, j] L[j, k]."""
    direct: sp.csr_matrix
    """(stressor, place) x nodes: B[s, j] at non-material node j."""
    dtypes: Mapping[str, pd.CategoricalDtype]
    """Categories of every label column and of `unit`."""
    split_cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Fleet-independent parts of `split`, filled on first use: per combination of place
    fields, the place grouping and the grouped stressor multipliers; the vehicle and
    component node indices and the unit code of every stressor."""

    @property
    def n_places(self) -> int:
        """Number of distinct (country, mine, stage) places."""
        return len(self.place_codes["country"])


@dataclass(frozen=True, eq=False)
class Attribution:
    """The flows of one fleet in factorised form; `split` and `table` multiply them out.

    Column p of the factors is one (vehicle, first-tier component) pair; component -1
    stands for "(none)".
    """

    plan: AttributionPlan
    demand: np.ndarray
    pair_vehicle: np.ndarray
    pair_component: np.ndarray
    first_material: sp.csr_matrix
    """materials x pairs: activity that first reaches material k, (F D)[k, p]."""
    no_material: sp.csr_matrix
    """nodes x pairs: activity at non-material nodes on walks that cross no material."""
    pair_cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    """Per combination of pair fields (vehicle, component), the pair grouping and both
    factors summed over each group: six splits need three such combinations, not six."""

    def split(self, by: Sequence[str]) -> pd.DataFrame:
        """Totals by any subset of the labels, e.g. ("country",); see `split`."""
        return split(self, by)

    def table(self) -> pd.DataFrame:
        """The full long table: one row per distinct combination of all labels."""
        return split(self, FLOW_LABEL_COLUMNS)


def prepare(compiled: CompiledNetwork, method: Method = "auto", solver: Solver | None = None) -> AttributionPlan:
    """Factorise the network and its material cut and precompute fleet-independent parts."""
    solver = solver or solver_for(compiled, method)
    vehicles = compiled.indices_of_kind("vehicle")
    if vehicles.size == 0:
        raise InputError("the network has no vehicle nodes: nothing to attribute flows to")
    is_material = compiled.kind == "material"
    materials = np.flatnonzero(is_material)
    cut = sp.csc_matrix(compiled.A @ sp.diags((~is_material).astype(float)))
    downstream = _reached_before_materials(cut, vehicles)
    cut_solver = make_solver(cut[downstream][:, downstream], method, tuple(compiled.nodes[i] for i in downstream))

    n, K, S = compiled.n, materials.size, len(compiled.stressors)
    columns = {"country": compiled.country, "mine": compiled.mine_id, "stage": compiled.kind}
    field_codes = {f: pd.factorize(columns[f]) for f in _PLACE_FIELDS}
    key = np.ravel_multi_index([field_codes[f][0] for f in _PLACE_FIELDS], [len(field_codes[f][1]) for f in _PLACE_FIELDS])
    _, first, place = np.unique(key, return_index=True, return_inverse=True)
    place = place.astype(np.int64)
    n_places = first.size
    place_codes = {f: field_codes[f][0][first] for f in _PLACE_FIELDS}
    dtypes = {f: pd.CategoricalDtype(list(field_codes[f][1])) for f in _PLACE_FIELDS}
    nodes = np.array(compiled.nodes, dtype=object)
    dtypes["vehicle"] = pd.CategoricalDtype(list(nodes[vehicles]))
    dtypes["component"] = pd.CategoricalDtype([*nodes[compiled.indices_of_kind("component")], NONE_LABEL])
    dtypes["material"] = pd.CategoricalDtype([*nodes[materials], NONE_LABEL])
    dtypes["stressor"] = pd.CategoricalDtype(list(compiled.stressors))
    dtypes["unit"] = pd.CategoricalDtype(list(dict.fromkeys(compiled.stressor_unit(s) for s in compiled.stressors)))

    unit_cols = sp.csc_matrix((np.ones(K), (materials, np.arange(K))), shape=(n, K))
    L_mat = sp.csr_matrix(solver.solve(unit_cols)) if K else sp.csr_matrix((n, 0))
    B = compiled.B.tocoo()
    stacked = sp.csr_matrix((B.data, (B.row * n_places + place[B.col], B.col)), shape=(S * n_places, n))
    return AttributionPlan(
        compiled=compiled,
        solver=solver,
        cut_solver=cut_solver,
        downstream=downstream,
        materials=materials,
        is_material=is_material,
        place=place,
        place_codes=MappingProxyType(place_codes),
        via_material=sp.csr_matrix(stacked @ L_mat),
        direct=sp.csr_matrix(stacked @ sp.diags((~is_material).astype(float))),
        dtypes=MappingProxyType(dtypes),
    )


def _reached_before_materials(cut: sp.csc_matrix, vehicles: np.ndarray) -> np.ndarray:
    """Nodes on walks from any vehicle that have not yet passed a material node, sorted."""
    suppliers_of = cut.T.tocsr()  # row j: suppliers of j (empty for material j)
    seen = np.zeros(cut.shape[0], dtype=bool)
    frontier = np.unique(vehicles)
    while frontier.size:
        seen[frontier] = True
        frontier = np.unique(suppliers_of[frontier].indices)
        frontier = frontier[~seen[frontier]]
    return np.flatnonzero(seen)


def _entry_demands(plan: AttributionPlan, y: np.ndarray) -> tuple[sp.csc_matrix, np.ndarray, np.ndarray]:
    """Split each vehicle's demand by its first step: one column per (vehicle, first-tier component).

    The column for (v, "(none)") holds v's non-component direct inputs; the vehicle's
    own activity f_v (the walk of length zero) is added after the solve, since walks
    that start at v itself would pass through its components again.
    """
    A = plan.compiled.A
    is_component = plan.compiled.kind == "component"
    rows: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    pair_vehicle: list[int] = []
    pair_component: list[int] = []
    for v in np.flatnonzero(y):
        suppliers = A.indices[A.indptr[v] : A.indptr[v + 1]]
        amounts = A.data[A.indptr[v] : A.indptr[v + 1]] * y[v]
        comp = is_component[suppliers]
        first = len(pair_vehicle)
        pair_vehicle.extend([int(v)] * (1 + int(comp.sum())))
        pair_component.extend([-1, *suppliers[comp].tolist()])
        rows += [suppliers[~comp], suppliers[comp]]
        vals += [amounts[~comp], amounts[comp]]
        cols += [np.full(int((~comp).sum()), first), first + 1 + np.arange(int(comp.sum()))]
    shape = (plan.compiled.n, len(pair_vehicle))
    if not pair_vehicle:
        return sp.csc_matrix(shape)[plan.downstream], np.zeros(0, np.int64), np.zeros(0, np.int64)
    D = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)
    return D[plan.downstream], np.array(pair_vehicle, dtype=np.int64), np.array(pair_component, dtype=np.int64)


def attribute_demand(plan: AttributionPlan, y: np.ndarray) -> Attribution:
    """Attribute the flows caused by demand y (vehicle counts on vehicle nodes)."""
    D, pair_vehicle, pair_component = _entry_demands(plan, y)
    n, P = plan.compiled.n, D.shape[1]
    FD_down = plan.cut_solver.solve(D) if P else np.zeros((plan.downstream.size, 0))
    own = np.flatnonzero(pair_component == -1)
    FD_down[np.searchsorted(plan.downstream, pair_vehicle[own]), own] += y[pair_vehicle[own]]
    rows, cols = np.nonzero(FD_down)
    nodes = plan.downstream[rows]
    material = plan.is_material[nodes]
    k_of = np.full(n, -1, dtype=np.int64)
    k_of[plan.materials] = np.arange(plan.materials.size)
    values = FD_down[rows, cols]
    return Attribution(
        plan=plan,
        demand=y,
        pair_vehicle=pair_vehicle,
        pair_component=pair_component,
        first_material=sp.csr_matrix(
            (values[material], (k_of[nodes[material]], cols[material])), shape=(plan.materials.size, P)
        ),
        no_material=sp.csr_matrix((values[~material], (nodes[~material], cols[~material])), shape=(n, P)),
    )


def attribute(
    compiled: CompiledNetwork,
    fleet: Mapping[str, float] | pd.Series,
    plan: AttributionPlan | None = None,
) -> pd.DataFrame:
    """The full long flow table for a fleet (vehicle id -> count); values are fleet totals."""
    plan = plan or prepare(compiled)
    return attribute_demand(plan, compiled.demand(fleet)).table()


def _group(codes: list[np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Group items by equal code tuples: (group of each item, first item of each group)."""
    if not codes:
        return np.zeros(size, dtype=np.int64), np.zeros(min(size, 1), dtype=np.int64)
    key = np.ravel_multi_index(codes, [int(c.max()) + 1 if c.size else 1 for c in codes])
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    return group.astype(np.int64), first


def _join(left: sp.coo_matrix, right: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All (row of left, shared k, column of right, left * right) with left[., k] and right[k, .] non-zero.

    Memory is linear in the output.
    """
    counts = np.diff(right.indptr)[left.col]
    total = int(counts.sum())
    left_pos = np.repeat(np.arange(left.nnz), counts)
    offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    right_pos = right.indptr[left.col][left_pos] + offset
    return left.row[left_pos], left.col[left_pos], right.indices[right_pos], left.data[left_pos] * right.data[right_pos]


def _place_grouping(plan: AttributionPlan, place_fields: tuple[str, ...]) -> tuple[np.ndarray, int, sp.csr_matrix, Any]:
    """For one combination of place fields (cached in the plan): the first place of each
    group, the number of groups, and via_material and direct summed over each group's places."""
    key = ("places", place_fields)
    if key not in plan.split_cache:
        n_places, S = plan.n_places, len(plan.compiled.stressors)
        place_group, place_first = _group([plan.place_codes[f] for f in place_fields], n_places)
        n_groups = place_first.size
        G = sp.csr_matrix(
            (np.ones(S * n_places), ((np.arange(S)[:, None] * n_groups + place_group).ravel(), np.arange(S * n_places))),
            shape=(S * n_groups, S * n_places),
        )
        plan.split_cache[key] = (place_first, n_groups, sp.csr_matrix(G @ plan.via_material), G @ plan.direct)
    return plan.split_cache[key]


def _label_indices(plan: AttributionPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vehicle and component node indices, and the unit code of every stressor (cached in the plan)."""
    if "labels" not in plan.split_cache:
        units = plan.dtypes["unit"].categories
        plan.split_cache["labels"] = (
            plan.compiled.indices_of_kind("vehicle"),
            plan.compiled.indices_of_kind("component"),
            np.array([units.get_loc(plan.compiled.stressor_unit(s)) for s in plan.compiled.stressors]),
        )
    return plan.split_cache["labels"]


def _pair_grouping(
    attribution: Attribution, pair_fields: tuple[str, ...]
) -> tuple[dict[str, np.ndarray], np.ndarray, sp.csr_matrix, sp.csr_matrix]:
    """For one combination of pair fields (cached in the attribution): the vehicle and
    component code of every pair, the first pair of each group, and first_material and
    no_material summed over each group's pairs."""
    if pair_fields not in attribution.pair_cache:
        plan = attribution.plan
        vehicles, components, _ = _label_indices(plan)
        component_code = np.where(
            attribution.pair_component < 0,
            len(plan.dtypes["component"].categories) - 1,
            np.searchsorted(components, attribution.pair_component),
        )
        pair_codes = {"vehicle": np.searchsorted(vehicles, attribution.pair_vehicle), "component": component_code}
        n_pairs = attribution.pair_vehicle.size
        pair_group, pair_first = _group([pair_codes[f] for f in pair_fields], n_pairs)
        H = sp.csr_matrix((np.ones(n_pairs), (np.arange(n_pairs), pair_group)), shape=(n_pairs, pair_first.size))
        attribution.pair_cache[pair_fields] = (
            pair_codes, pair_first, sp.csr_matrix(attribution.first_material @ H), attribution.no_material @ H
        )
    return attribution.pair_cache[pair_fields]


def split(attribution: Attribution, by: Sequence[str]) -> pd.DataFrame:
    """Totals of every stressor by the chosen labels (a subset of vehicle, country, mine,
    material, component, stage; stressor and unit are always kept).

    Label columns are categorical; rows with a zero total are left out. The joint over
    materials is formed only when "material" is asked for; otherwise the factors are
    multiplied out as sparse matrices.
    """
    unknown = set(by) - set(FLOW_LABEL_COLUMNS)
    if unknown:
        raise ValueError(f"cannot split by {sorted(unknown)}; choose from {list(FLOW_LABEL_COLUMNS)}")
    plan = attribution.plan
    K = plan.materials.size
    place_fields = [f for f in _PLACE_FIELDS if f in by]
    place_first, n_groups, W, grouped_direct = _place_grouping(plan, tuple(place_fields))
    pair_fields = [f for f in ("vehicle", "component") if f in by]
    pair_codes, pair_first, F, no_material = _pair_grouping(attribution, tuple(pair_fields))
    unit_of = _label_indices(plan)[2]
    direct = sp.csr_matrix(grouped_direct @ no_material)
    if "material" in by:
        Wc, Dc = W.tocoo(), direct.tocoo()
        row, material, pair, value = _join(Wc, F)
        row = np.concatenate([row, Dc.row])
        material = np.concatenate([material, np.full(Dc.nnz, K)])
        pair = np.concatenate([pair, Dc.col])
        value = np.concatenate([value, Dc.data])
    else:
        joint = sp.csr_matrix(W @ F + direct).tocoo()
        row, pair, value = joint.row, joint.col, joint.data
        material = np.full(row.size, K)
    keep = value != 0
    row, material, pair, value = row[keep], material[keep], pair[keep], value[keep]
    stressor, group = np.divmod(row.astype(np.int64), n_groups)
    codes = {f: plan.place_codes[f][place_first][group] for f in place_fields}
    codes |= {f: pair_codes[f][pair_first][pair] for f in pair_fields}
    codes |= {"material": material, "stressor": stressor}
    columns: dict[str, Any] = {
        f: pd.Categorical.from_codes(codes[f], dtype=plan.dtypes[f]) for f in FLOW_LABEL_COLUMNS if f in by or f == "stressor"
    }
    columns["value"] = value
    columns["unit"] = pd.Categorical.from_codes(unit_of[stressor] if stressor.size else stressor, dtype=plan.dtypes["unit"])
    return pd.DataFrame(columns)
