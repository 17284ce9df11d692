"""Country grids and coal mining beyond China, South Africa and the world average (issue 19).

Why a table per country and not rows in the chain tables: a grid is the same five
nodes everywhere (coal-, gas- and oil-fired power, non-fossil power, their mix),
differing only in the shares and where the coal is mined. `grids.csv` gives one row per
country (2019 mix: coal, gas and oil shares of generation) and `coal_mines.csv` one row
per coal-mining country with its overburden, washery rejects and rock hoisted apart per tonne; the coal
plant's coal rate, the heating value and the CO2 of burning coal are the world-average
parameters of the chain tables. Gas- and oil-fired plants burn the country's gas and
fuel oil at graphs.fuels' burning nodes (their CO2, mass burnt and extraction upstream)
at the EIA 2019 average heat rates. Non-fossil power (nuclear, hydro, wind, solar,
bioenergy) carries no CO2 or hidden flows. Sites in a country with a grid take it
(graphs.mine_power.add_mine_power); others take the world grid.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from graphs.chain import Coefficient, coefficient
from graphs.fuels import burning_node
from graphs.model import add_flow, add_node
from graphs.parameters import Parameter, Parameters
from graphs.tables import Row, bundled, read_rows
from hfcommon.countries import to_iso3
from hfcommon.vocabulary import ELECTRICITY, HIDDEN_STRESSORS, UNKNOWN_ORIGIN

COAL_RATE = "wld_coal_per_gje"
#: The one hidden flow every coal_mines.csv row must give; the other HIDDEN_STRESSORS are optional columns.
COAL_HIDDEN_REQUIRED = HIDDEN_STRESSORS[0]
HEATING_VALUE = "foreign_coal_gj_per_t"


def _country(row: Row, column: str) -> str:
    text = row.text(column)
    return UNKNOWN_ORIGIN if text == UNKNOWN_ORIGIN else to_iso3(text, file=row.file, row=row.row, column=column)


def add_coal_mines(G: nx.DiGraph, params: Parameters, path: str | Path | None = None) -> None:
    """`energy:coal:<ISO3>` (carrier coal) with overburden, washery rejects (tailings), rock hoisted
    apart from the coal (waste_rock), heating value and CO2 per t."""
    optional = tuple(s for s in HIDDEN_STRESSORS if s != COAL_HIDDEN_REQUIRED)
    for row in read_rows(path or bundled("coal_mines.csv"), ("country", "name", COAL_HIDDEN_REQUIRED),
                         optional=optional):
        country = _country(row, "country")
        hidden = {COAL_HIDDEN_REQUIRED: coefficient(params, row, COAL_HIDDEN_REQUIRED)}
        for stressor in optional:  # a user's table may give overburden only
            if row.text(stressor, required=False):
                hidden[stressor] = coefficient(params, row, stressor)
        heating = params[HEATING_VALUE]
        co2 = params.value("coal_co2_t_per_gj") * heating.value
        try:
            add_node(
                G, f"energy:coal:{country}", kind="energy", name=row.text("name"), country=country, unit="t",
                stressors={**{s: c.value for s, c in hidden.items()}, "energy": heating.value, "co2": co2},
                stressor_sources={
                    **{s: c.source for s, c in hidden.items()},
                    "energy": f"primary energy: heating value of raw coal [{heating.describe()}]",
                    "co2": "CO2 when the coal is burnt: coal_co2_t_per_gj x foreign_coal_gj_per_t",
                },
                stressor_uncertainty={s: c.uncertainty for s, c in hidden.items() if c.uncertainty},
                carrier="coal", source=row.text("source"),
            )
        except ValueError as exc:
            raise row.error("country", str(exc)) from None


#: Fossil-fired power besides coal: name (grids.csv column `<name>_share`) -> (fuel burnt, graphs.fuels; heat-rate parameter).
FOSSIL_POWER: dict[str, tuple[str, str]] = {
    "gas": ("gas", "gas_power_gj_per_gje"),
    "oil": ("fuel_oil", "oil_power_gj_per_gje"),
}


def add_grids(G: nx.DiGraph, params: Parameters, path: str | Path | None = None) -> None:
    """Per row: the grid mix of one country from coal, gas, oil and other (non-fossil) power.

    China, South Africa and the world have their grid, coal plant and other-power nodes in
    the chain tables (their own coal rates); their rows here add only the shares. The fuel
    supply (graphs.fuels' tables) must be in G: gas and oil plants burn at its burning nodes.
    """
    rate = params[COAL_RATE]
    seen: dict[str, int] = {}
    for row in read_rows(path or bundled("grids.csv"), ("country", "coal_share", "coal_mined_in"),
                         optional=tuple(f"{name}_share" for name in FOSSIL_POWER)):
        country = _country(row, "country")
        if country in seen:  # a second row would add its shares to the first's grid
            raise row.error("country", f"{country} is listed twice (first on row {seen[country]})")
        seen[country] = row.row
        shares = {"coal": coefficient(params, row, "coal_share")}
        for name in FOSSIL_POWER:
            if row.text(f"{name}_share", required=False):  # empty: not read, left in other power
                shares[name] = coefficient(params, row, f"{name}_share")
        fossil = sum(s.value for s in shares.values())
        if fossil > 1 + 1e-9:
            raise row.error("coal_share", f"coal, gas and oil shares sum to {fossil:g}, above 1")
        coal = f"energy:coal:{_country(row, 'coal_mined_in')}"
        if coal not in G:
            raise row.error("coal_mined_in", f"no coal-mining node {coal!r} (coal_mines.csv or chain_nodes.csv)")
        grid = f"energy:grid:{country}"
        try:
            unread = [name for name in FOSSIL_POWER if name not in shares]
            if grid not in G:  # the chain tables' grids (CHN, ZAF, WLD) have their nodes already
                add_node(G, grid, kind="energy", name=f"Electricity, {country} grid mix (2019)", country=country,
                         unit="GJ", carrier=ELECTRICITY, source=row.text("source"))
                _other_power(G, country, params.value("other_power_co2"), unread)
                if shares["coal"].value > 0:
                    _coal_power(G, country, rate, coal)
            other = _other_share(params, row, shares, fossil, unread)
            add_flow(G, f"energy:other_power:{country}", grid, other.value, other.source, other.uncertainty)
            for name, share in shares.items():
                if share.value > 0:
                    if name != "coal":
                        _fuel_power(G, params, country, name)
                    add_flow(G, f"energy:{name}_power:{country}", grid, share.value,
                             f"{name} share of generation: {share.source}", share.uncertainty)
        except ValueError as exc:
            raise row.error("country", str(exc)) from None


def _other_share(params: Parameters, row: Row, shares: dict[str, Coefficient], fossil: float,
                 unread: list[str]) -> Coefficient:
    """1 - the fossil shares, as a formula: its range follows theirs (e.g. cn_coal_share's)."""
    formula = "1 - " + " - ".join(f"({row.text(f'{name}_share')})" for name in shares)
    note = f" ({' and '.join(unread)} not read: in this share)" if unread else ""
    source = f"non-fossil share of generation: 1 - coal - gas - oil{note}; {row.text('source')}"
    if fossil >= 1:  # all fossil (rounding): nothing left, no negative zero
        return Coefficient(0.0, source, None)
    return coefficient(params, Row(row.file, row.row, {"amount": formula, "source": source}), "amount")


def _other_power(G: nx.DiGraph, country: str, co2: float, unread: list[str]) -> None:
    kind = "Non-coal" if unread else "Non-fossil"  # an unread gas or oil share stays in it
    add_node(
        G, f"energy:other_power:{country}", kind="energy", name=f"{kind} electricity, {country}", country=country,
        unit="GJ", carrier=ELECTRICITY,
        stressors={"energy": 1.0, "co2": co2},
        stressor_sources={
            "energy": "primary energy of non-combustion electricity, physical energy content method (1 GJ per GJ)",
            "co2": "other_power_co2 (hfcommon/data/assumptions.csv): non-fossil generation carries no CO2 or hidden flows here",
        },
        source="nuclear, hydro, wind, solar, bioenergy and geothermal; no hidden flows traced",
    )


def _coal_power(G: nx.DiGraph, country: str, rate: Parameter, coal: str) -> None:
    source = f"coal burnt per GJ of electricity [{rate.describe()}]"
    add_node(
        G, f"energy:coal_power:{country}", kind="energy", name=f"Coal-fired electricity, {country}", country=country,
        unit="GJ", carrier=ELECTRICITY,
        stressors={"process_residue": rate.value}, stressor_sources={"process_residue": f"mass of the coal burnt: {source}"},
        source=f"coal-fired generation burning coal from {coal}",
    )
    add_flow(G, coal, f"energy:coal_power:{country}", rate.value, source, rate.uncertainty)


def _fuel_power(G: nx.DiGraph, params: Parameters, country: str, name: str) -> None:
    """`energy:<name>_power:<country>`: burns the country's gas or fuel oil at a heat rate per GJ."""
    fuel, rate_name = FOSSIL_POWER[name]
    rate = params[rate_name]
    node = f"energy:{name}_power:{country}"
    add_node(G, node, kind="energy", name=f"{name.capitalize()}-fired electricity, {country}", country=country,
             unit="GJ", carrier=ELECTRICITY, stressors={}, source=f"{name}-fired generation burning {fuel} in {country}")
    add_flow(G, burning_node(G, fuel, country), node, rate.value,
             f"{fuel} burnt per GJ of electricity [{rate.describe()}]", rate.uncertainty)


#: Twin of China's coal-mining node: the coal its mines burn themselves (GB 29445-2025).
OWN_USE_COAL = "energy:coal_own_use"
#: Coal-mine energy per t raw coal (parameters.csv): electricity in kWh, boiler coal in GJ.
COAL_MINE_KWH, COAL_MINE_COAL_GJ = "cn_coal_mine_kwh_per_t", "cn_coal_mine_coal_gj_per_t"


def add_coal_own_use(G: nx.DiGraph, params: Parameters, country: str) -> None:
    """China's coal mines' own electricity and boiler coal, without a loop through the grid.

    Why a twin: a coal mine drawing on the grid (whose coal-fired power draws on the mine)
    makes the default network cyclic, and the engine's propagation needs it acyclic. The
    mine instead takes the coal behind its electricity (the grid's coal share x the plant
    coal rate) and its boiler coal, in GJ, from `energy:coal_own_use:<country>`: per GJ, the
    mine's stressors per tonne over the heating value (so that coal carries the same hidden
    flows and CO2) plus the burnt mass as process residue, and no inputs (the loop cut after
    one round: its own use, about 1 % of a tonne, is not grossed up again); the non-coal
    electricity comes from `energy:other_power:<country>`. No-op without the coal-mine parameters.
    """
    if COAL_MINE_KWH not in params:
        return
    mine, twin = f"energy:coal:{country}", f"{OWN_USE_COAL}:{country}"
    attrs, per_gj = G.nodes[mine], 1 / params.value("raw_coal_gj_per_t")
    stressors = {name: value * per_gj for name, value in attrs["stressors"].items()}
    spreads = {name: d.scaled(per_gj) for name, d in (attrs.get("stressor_uncertainty") or {}).items() if d}
    stressors["process_residue"] = stressors.get("process_residue", 0.0) + per_gj
    sources = {**attrs.get("stressor_sources", {}), "process_residue": "mass of the coal burnt (1 / raw_coal_gj_per_t)"}
    add_node(G, twin, **{**attrs, "unit": "GJ", "stressors": stressors, "stressor_sources": sources,
                         "stressor_uncertainty": spreads,
                         "name": f"{attrs['name']}, burnt by the coal mines themselves (per GJ)",
                         "source": f"{attrs.get('source', '')}; own-use twin of {mine} per GJ (GB 29445-2025)"})
    label = "graphs/energy.py (add_coal_own_use)"
    coal = Row(label, 0, {"amount": f"{COAL_MINE_KWH} * kwh_gj * cn_coal_share * cn_coal_per_gje * raw_coal_gj_per_t"
                                    f" + {COAL_MINE_COAL_GJ}",
                          "source": "coal burnt for China's coal mines' own electricity (grid coal share x plant "
                                    "coal rate) and boilers, GJ per t raw coal (GB 29445-2025)"})
    other = Row(label, 0, {"amount": f"{COAL_MINE_KWH} * kwh_gj * (1 - cn_coal_share)",
                           "source": "non-coal electricity of China's coal mines per t raw coal (GB 29445-2025)"})
    for supplier, row in ((twin, coal), (f"energy:other_power:{country}", other)):
        value = coefficient(params, row, "amount")
        add_flow(G, supplier, mine, value.value, value.source, value.uncertainty)
