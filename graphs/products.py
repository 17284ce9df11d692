"""Components, traction-battery packs and vehicles from the bill-of-materials tables.

Why packs are generated: a traction battery is its chemistry's kg per kWh (BatPaC)
times a pack size, for six chemistries and two pack sizes (BEV, PHEV). Writing the
twelve packs out by hand would hide that arithmetic; here it is done once, and the
pack mass the metal rows leave uncovered becomes `battery_other`, so every pack
weighs what BatPaC says it weighs.

Uncertainty follows the arithmetic, always in the unit of the edge it sits on:
a bill-of-materials distribution in kg per unit is scaled by 1/1000 to t per unit;
a battery row's kg-per-kWh distribution is scaled by kWh / 1000 onto its material ->
pack edge (the pack size taken at its nominal value); the rest of the pack
(`battery_other`) carries the relative range of the pack's kg per kWh. The pack size's own
uncertainty lives on the pack -> vehicle edge, as the relative spread of the size
(kWh / nominal kWh) times the edge's units: one draw then moves every material of
the pack together, as a bigger or smaller pack does, instead of drawing the size
again for each material. Where the units are themselves uncertain (the chemistry
shares of the BEV and PHEV mix), the two ranges are combined corner by corner into a
triangular(low x low, nominal, high x high), the same first-order rule as
`graphs.parameters.Parameters.uncertainty_of`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import networkx as nx

from graphs.chain import coefficient
from graphs.model import Distribution, add_flow, add_node
from graphs.parameters import Parameters
from graphs.tables import Row, bundled, read_rows
from hfcommon.vocabulary import DEFAULT_HOME, VEHICLE_IDS

PRODUCER = DEFAULT_HOME
#: Pack applications and the parameter holding their pack size (kWh per vehicle).
PACK_SIZES: dict[str, str] = {"BEV": "bev_pack_kwh", "PHEV": "phev_pack_kwh"}
VEHICLE_NAMES: dict[str, str] = {
    "ICEV": "Internal-combustion car",
    "HEV": "Hybrid electric car",
    "PHEV": "Plug-in hybrid car (2019 chemistry mix)",
    "BEV": "Battery electric car (2019 chemistry mix)",
    "BEV-NMC111": "Battery electric car, NMC111",
    "BEV-NMC532": "Battery electric car, NMC532",
    "BEV-NMC622": "Battery electric car, NMC622",
    "BEV-NMC811": "Battery electric car, NMC811",
    "BEV-NCA": "Battery electric car, NCA",
    "BEV-LFP": "Battery electric car, LFP",
    "FCV": "Fuel-cell car",
}


def component_id(component: str) -> str:
    """Node id of a component."""
    return f"component:{component}"


def material_id(material: str) -> str:
    """Node id of a material."""
    return f"material:{material}"


def add_products(
    G: nx.DiGraph,
    params: Parameters,
    *,
    components: str | Path | None = None,
    bom: str | Path | None = None,
    battery: str | Path | None = None,
    packs: str | Path | None = None,
    vehicle_components: str | Path | None = None,
) -> None:
    """Add component nodes (with their material inputs), battery packs and vehicles."""
    for row in read_rows(components or bundled("components.csv"), ("component", "name", "group")):
        _add_component(G, row, row.text("component"), row.text("name"), row.text("group"), row.text("source"))
    for row in read_rows(bom or bundled("bom.csv"), ("component", "material", "kg_per_unit")):
        c = coefficient(params, row, "kg_per_unit")
        _flow(G, row, "material", material_id(row.text("material")), component_id(row.text("component")),
              c.value / 1000, f"{c.source} (kg / 1000 = t per unit)",
              c.uncertainty.scaled(1 / 1000) if c.uncertainty else None)
    _add_packs(G, params, battery, packs)
    _add_vehicles(G, params, vehicle_components)


def _add_component(G: nx.DiGraph, row: Row, component: str, name: str, group: str, source: str) -> None:
    try:
        add_node(G, component_id(component), kind="component", name=name, country=PRODUCER, unit="unit",
                 group=group, source=source)
    except ValueError as exc:
        raise row.error("component", str(exc)) from None


def _flow(G: nx.DiGraph, row: Row, column: str, supplier: str, consumer: str, amount: float, source: str,
          uncertainty: Distribution | None = None) -> None:
    try:
        add_flow(G, supplier, consumer, amount, source, uncertainty)
    except ValueError as exc:
        raise row.error(column, str(exc)) from None


def _add_packs(G: nx.DiGraph, params: Parameters, battery: str | Path | None, packs: str | Path | None) -> None:
    """One pack component per (application, chemistry): kg/kWh x kWh per pack."""
    per_kwh: dict[str, list[tuple[Row, str, float, str, Distribution | None]]] = defaultdict(list)
    for row in read_rows(battery or bundled("battery.csv"), ("chemistry", "material", "kg_per_kwh")):
        c = coefficient(params, row, "kg_per_kwh")
        per_kwh[row.text("chemistry")].append((row, row.text("material"), c.value, c.source, c.uncertainty))
    for row in read_rows(packs or bundled("battery_packs.csv"), ("chemistry", "pack_kg_per_kwh")):
        chemistry = row.text("chemistry")
        if chemistry not in per_kwh:
            raise row.error("chemistry", f"no materials for {chemistry!r} in the battery table")
        pack = coefficient(params, row, "pack_kg_per_kwh")
        covered = math.fsum(kg for _, _, kg, _, _ in per_kwh[chemistry])
        if covered > pack.value:
            raise row.error("pack_kg_per_kwh", f"{pack.value} kg/kWh is less than the {covered:.4g} kg/kWh "
                                               f"of listed materials")
        for use, size_name in PACK_SIZES.items():
            if size_name not in params:
                raise row.error("chemistry", f"pack sizes need the parameter {size_name!r} (kWh per {use} pack)")
            kwh = params[size_name]
            component = f"traction_battery_{use}_{chemistry}"
            _add_component(G, row, component, f"Traction battery, {chemistry}, {kwh.value:.3g} kWh ({use})",
                           "traction_battery", f"{chemistry} pack of {kwh.describe()}")
            G.nodes[component_id(component)].update(kwh=kwh.value, chemistry=chemistry, application=use)
            for mrow, material, kg, source, spread in per_kwh[chemistry]:
                _flow(G, mrow, "material", material_id(material), component_id(component), kg * kwh.value / 1000,
                      f"{source} x {size_name} (kg/kWh x kWh / 1000)",
                      spread.scaled(kwh.value / 1000) if spread is not None and kwh.value > 0 else None)
            rest = (pack.value - covered) * kwh.value / 1000
            _flow(G, row, "pack_kg_per_kwh", material_id("battery_other"), component_id(component), rest,
                  f"pack mass not covered by the metal rows: ({pack.source}) minus {covered:.6g} kg/kWh, "
                  f"x {size_name}",
                  pack.uncertainty.scaled(rest / pack.value) if pack.uncertainty is not None and rest > 0 else None)


def _add_vehicles(G: nx.DiGraph, params: Parameters, vehicle_components: str | Path | None) -> None:
    """Vehicle nodes (ids fixed by the contract) and their first-tier components."""
    rows = read_rows(vehicle_components or bundled("vehicle_components.csv"), ("vehicle", "component", "units"))
    for row in rows:
        if row.text("vehicle") not in VEHICLE_IDS:
            raise row.error("vehicle", f"unknown vehicle {row.text('vehicle')!r}; expected one of "
                                       f"{', '.join(VEHICLE_IDS)}")
    for vehicle in VEHICLE_IDS:
        add_node(G, vehicle, kind="vehicle", name=VEHICLE_NAMES[vehicle], country=PRODUCER, unit="vehicle")
    for row in rows:
        c = coefficient(params, row, "units")
        uncertainty = c.uncertainty
        pack = G.nodes.get(component_id(row.text("component")), {})
        size_name = PACK_SIZES.get(str(pack.get("application")))
        if pack.get("kind") == "component" and pack.get("chemistry") and size_name in params and c.value > 0:
            uncertainty = pack_units_uncertainty(c.value, c.uncertainty,
                                                 params.uncertainty_of(size_name, row, "units"),
                                                 params[size_name].value)
        _flow(G, row, "component", component_id(row.text("component")), row.text("vehicle"), c.value, c.source,
              uncertainty)


def pack_units_uncertainty(units: float, units_dist: Distribution | None, kwh_dist: Distribution | None,
                           kwh: float) -> Distribution | None:
    """Uncertainty of packs per vehicle x (pack size / nominal pack size), in packs per vehicle.

    The pack -> vehicle edge keeps its nominal amount (`units`); its distribution adds
    the pack size's relative spread. With only one of the two uncertain, that one is
    scaled (`Distribution.scaled`); with both, their uniform or triangular ranges are
    multiplied corner by corner into triangular(low, units, high). A normal or
    lognormal pack size cannot be combined that way and is left on the units alone.
    """
    if kwh_dist is None or not kwh > 0:
        return units_dist
    size = kwh_dist.scaled(1 / kwh)
    if units_dist is None:
        return size.scaled(units)
    if size.kind not in ("uniform", "triangular") or units_dist.kind not in ("uniform", "triangular"):
        return units_dist
    low = units_dist.params[0] * size.params[0]
    high = units_dist.params[-1] * size.params[-1]
    return Distribution("triangular", (min(low, units), units, max(high, units)))
