"""A carmaker's own supply chain: a supplier file that overrides the national sourcing.

Why a file and not a scenario: a purchasing team has its suppliers in a spreadsheet,
one row per (material, supplier country, route or named mine, share of purchases),
not levers with sources. Each material's rows become the levers the scenarios already
have (tracer.scenarios): origin-country shares of a mined commodity (`[[sourcing]]`),
the EAF share of steel (`[steel_route]`), the hydro share of aluminium smelting
(`[aluminium_power]`); rows naming a mine set the mix of that country's mines. A row
naming a first-tier component (tracer.suppliers.components) buys the finished part from
that country: its manufacturing moves there, its materials keep their sourcing. The
shares of a material or component must sum to one: a file that does not is an error,
not a rescale.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import networkx as nx

from graphs.tables import Row, read_rows
from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from hfcommon.vocabulary import COMMODITY_CODES, DEFAULT_HOME
from tracer.api import RunResult
from tracer.scenarios.edits import set_amount
from tracer.scenarios.levers import aluminium_power, sourcing, steel_route
from tracer.scenarios.schema import MATERIAL_COMMODITY, SHARE_TOLERANCE
from tracer.scenarios.spec import AluminiumPower, Sourcing, SteelRoute
from tracer.suppliers.components import PREFIX as COMPONENT_PREFIX
from tracer.suppliers.components import buy_components, component_node, unknown_item
from tracer.suppliers.plants import buy_aluminium, buy_steel

COLUMNS: tuple[str, ...] = ("material", "country", "supplier", "share")
#: Routes a supplier row may name, per material, and the route the lever's share is of.
#: (aluminium: "mix" is the smelters' 2019 power mix, "hydro" non-coal power.)
ROUTES: dict[str, tuple[str, ...]] = {"steel": ("BOF", "EAF", "DRI"), "aluminium": ("mix", "hydro")}
#: Names a row may buy as a material; any other name must be a component of the network.
_MATERIALS: frozenset[str] = frozenset({*ROUTES, *MATERIAL_COMMODITY, *COMMODITY_CODES})


@dataclass(frozen=True)
class SupplierRow:
    """One purchase: `share` of `material` (or component id) from `country`, through `supplier`
    (route, mine, plant or "")."""

    material: str
    country: str
    supplier: str
    share: float
    row: Row = field(repr=False, compare=False)


@dataclass(frozen=True)
class Suppliers:
    """A validated supplier file: rows grouped by material or component (each one's shares sum to 1)."""

    file: str
    by_material: Mapping[str, tuple[SupplierRow, ...]]

    def apply(self, G: nx.DiGraph) -> nx.DiGraph:
        """A copy of `G` with every material and component bought as the file says.

        Materials first, then components: a component made abroad keeps drawing on the
        (possibly re-sourced) national materials.
        """
        H = G
        source = f"supplier file {self.file}"
        components: dict[str, tuple[SupplierRow, ...]] = {}
        for material, rows in self.by_material.items():
            if material in ROUTES:
                H = _route(H, material, rows, source)
            elif material in _MATERIALS:
                H = _origins(H, _commodity(material), rows, source)
            elif component_node(G, material) is None:
                raise unknown_item(G, rows[0].row, material, _MATERIALS)
            else:
                components[material] = rows
        if components:
            H = buy_components(H, components, source)
        return H.copy() if H is G else H


def read_suppliers(path: str | Path) -> Suppliers:
    """Read and check a supplier file (columns material, country, supplier, share).

    A `material` that is no material is taken for a component id, checked against the
    network in `Suppliers.apply` (the components are the network's, not a fixed list).
    """
    rows = read_rows(path, COLUMNS[:2] + COLUMNS[3:], require_source=False)
    if not rows:
        raise InputError("the supplier file has no rows", file=str(path))
    grouped: dict[str, list[SupplierRow]] = defaultdict(list)
    for row in rows:
        material = row.text("material")
        material = material if material in _MATERIALS else material.removeprefix(COMPONENT_PREFIX)
        share = row.number("share")
        if share > 1:
            raise row.error("share", f"{share} is above 1")
        supplier = row.text("supplier", required=False)
        if material in ROUTES and supplier not in ROUTES[material]:
            raise row.error("supplier", f"{material} is bought by route: one of {', '.join(ROUTES[material])}")
        grouped[material].append(SupplierRow(material, to_iso3(row.text("country"), file=row.file, row=row.row,
                                                                column="country"), supplier, share, row))
    for material, found in grouped.items():
        total = math.fsum(r.share for r in found)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            last = found[-1].row
            raise last.error("share", f"the shares of {material} sum to {total:g}, not 1 "
                                      f"(rows {', '.join(str(r.row.row) for r in found)})")
    return Suppliers(str(path), MappingProxyType({m: tuple(r) for m, r in grouped.items()}))


def _commodity(material: str) -> str:
    return MATERIAL_COMMODITY.get(material, material)


def _route(G: nx.DiGraph, material: str, rows: tuple[SupplierRow, ...], source: str) -> nx.DiGraph:
    """Steel or aluminium by route: China's through the procurement levers, other countries' plants
    copied there (tracer.suppliers.plants)."""
    if any(r.country != DEFAULT_HOME for r in rows):
        buy = buy_steel if material == "steel" else buy_aluminium
        return buy(G, rows, DEFAULT_HOME, source)

    def share(route: str) -> float:
        return math.fsum(r.share for r in rows if r.supplier == route)

    if material == "steel":
        return steel_route(G, SteelRoute(share("EAF"), None, source, dri_share=share("DRI")))
    return aluminium_power(G, AluminiumPower(share("hydro"), source))


def _origins(G: nx.DiGraph, commodity: str, rows: tuple[SupplierRow, ...], source: str) -> nx.DiGraph:
    """Country shares through the sourcing lever; named mines set their country's mine mix."""
    shares: dict[str, float] = defaultdict(float)
    for r in rows:
        shares[r.country] += r.share
    try:
        H = sourcing(G, Sourcing(commodity, None, MappingProxyType(dict(shares)), source))
    except InputError as exc:
        raise InputError(exc.message, file=rows[0].row.file, row=rows[0].row.row, column="country") from None
    by_country: dict[str, list[SupplierRow]] = defaultdict(list)
    for r in rows:
        by_country[r.country].append(r)
    for country, found in by_country.items():
        named = [r for r in found if r.supplier]
        if named and len(named) < len(found):
            unnamed = next(r for r in found if not r.supplier)
            raise unnamed.row.error("supplier", f"name a mine on every {commodity} row from {country}, or on none")
        if named:
            _mine_mix(G, H, commodity, country, named, source)
    return H


def _mine_mix(G: nx.DiGraph, H: nx.DiGraph, commodity: str, country: str, named: list[SupplierRow],
              source: str) -> None:
    """The country's market takes only the named mines, in proportion to their rows' shares."""
    market = f"market:{commodity}:{country}"
    plants = {u: G.nodes[u] for u in G.predecessors(market)} if market in G else {}
    total = math.fsum(r.share for r in named)
    chosen: dict[str, float] = defaultdict(float)
    for r in named:
        match = [u for u, d in plants.items()
                 if r.supplier in (d.get("mine_id"), u) or str(d.get("name", "")).lower() == r.supplier.lower()]
        if not match:
            raise r.row.error("supplier", f"no {commodity} mine {r.supplier!r} supplies {market!r}")
        chosen[match[0]] += r.share / total if total > 0 else 0.0
    for u in plants:
        set_amount(H, u, market, chosen.get(u, 0.0), source)


def compare_with_national(national: RunResult, own: RunResult) -> dict[str, Any]:
    """Per vehicle: hidden flows and CO2e of the carmaker's supply chain beside the national average."""
    rows = []
    for vehicle in own.summary["per_vehicle_hidden_t"]:
        rows.append({
            "vehicle": vehicle,
            "national_hidden_t": national.summary["per_vehicle_hidden_t"][vehicle],
            "suppliers_hidden_t": own.summary["per_vehicle_hidden_t"][vehicle],
            "national_co2_t": national.summary["per_vehicle_co2_t"][vehicle],
            "suppliers_co2_t": own.summary["per_vehicle_co2_t"][vehicle],
        })
    return {"per_vehicle": rows, "national_hidden_t": national.summary["hidden_t"],
            "suppliers_hidden_t": own.summary["hidden_t"], "national_co2_t": national.summary["co2_t"],
            "suppliers_co2_t": own.summary["co2_t"]}
