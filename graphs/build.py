"""Assemble the default network: mines -> markets -> chain -> materials -> components -> vehicles.

Why one entry point with file overrides: the tracer's questions are "what if my own
mine database / bill of materials / sourcing shares?", so each bundled table can be
swapped for a user's file of the same layout without touching code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pandas as pd

from graphs.carbon import add_feedstock_coal, add_manufacturing_energy, add_process_co2
from graphs.chain import add_chain, add_tables
from graphs.energy import add_coal_mines, add_coal_own_use, add_grids
from graphs.fuels import add_fuel_use
from graphs.mine_power import add_mine_power
from graphs.mines import (
    Origin,
    add_country_markets,
    add_mines,
    add_supply_markets,
    read_sourcing,
)
from graphs.parameters import Parameter, Parameters, load_parameters
from graphs.products import add_products
from graphs.supply_mix import supply_brine_share, supply_concentrate
from hfcommon.vocabulary import DEFAULT_HOME, SUPPLY_ROUTES
from mine_db import commodities

BASE_YEAR = 2019


def commodity_parameters() -> dict[str, Parameter]:
    """`conc_grade_<code>` and `basis_content_<code>` from mine_db's commodity registry.

    The chain must use the same concentrate grade as mine_db used for the tailings,
    or the mass of a concentrate would be counted twice or not at all.
    """
    params: dict[str, Parameter] = {}
    for code, c in commodities.COMMODITIES.items():
        for name, sourced, unit in (
            (f"conc_grade_{code}", c.concentrate_grade, f"{c.graded_substance} mass fraction of concentrate"),
            (f"basis_content_{code}", c.basis_content, f"{c.graded_substance} mass fraction of the basis"),
        ):
            params[name] = Parameter(name, sourced.value, unit, "sourced", f"mine_db.commodities: {sourced.source}",
                                     repr(sourced.value))
    return params


def concentrate_parameters(G: nx.DiGraph) -> dict[str, Parameter]:
    """`concentrate_per_t_<code>` and `brine_share_<code>` of China's supply.

    Derived from the mine layer just built, so the smelters' residues account for
    exactly the concentrate mass that mine_db did not count as tailings, and the
    lithium converters skip the brine carbonate that the salars already made.
    """
    params: dict[str, Parameter] = {}
    for code, c in commodities.COMMODITIES.items():
        found = supply_concentrate(G, code)
        name = f"concentrate_per_t_{code}"
        if found is None:
            value = c.basis_content.value / c.concentrate_grade.value
            source = f"no traced sites: basis content / concentrate grade (mine_db.commodities: {c.concentrate_grade.source})"
        else:
            value, sites = found
            source = (f"mean of concentrate_t / metal_t of {sites} sites (mine_db), weighted by their share of "
                      f"China's supply")
        params[name] = Parameter(name, value, f"t concentrate per {c.unit}", "derived", source, repr(value))
        brine = f"brine_share_{code}"
        share = supply_brine_share(G, code)
        params[brine] = Parameter(brine, share, f"share of China's {c.unit} supply", "derived",
                                  "share of China's supply from sites of mine_type brine (mine_db), weighted "
                                  "by their share of the supply market", repr(share))
    return params


def route_parameters(sourcing: Mapping[str, list[Origin]]) -> dict[str, Parameter]:
    """`route_share_<code>_<route>` for every declared route (hfcommon.vocabulary.SUPPLY_ROUTES):
    the share of China's supply of a commodity whose sourcing rows name that route, 0 if none.

    Why from the sourcing rows: a plant's route-specific energy (nickel's laterite
    smelting) then follows the origins' shares instead of a second, hand-kept share.
    """
    params: dict[str, Parameter] = {}
    for code, routes in SUPPLY_ROUTES.items():
        origins = sourcing.get(code, [])
        total = math.fsum(o.amount for o in origins)
        for route in routes:
            listed = [o for o in origins if o.route == route]
            value = math.fsum(o.amount for o in listed) / total if total > 0 else 0.0
            name = f"route_share_{code}_{route}"
            names = ", ".join(o.origin for o in listed) or "none"
            source = f"share of China's {code} supply from the sourcing rows with route {route} ({names}; sourcing.csv)"
            params[name] = Parameter(name, value, f"share of China's {code} supply", "derived", source, repr(value))
    return params


def default_parameters(
    parameters: str | Path | None = None,
    assumptions: str | Path | None = None,
    overrides: Mapping[str, float] | None = None,
) -> Parameters:
    """The parameter registry the default network is built from."""
    return load_parameters(parameters, assumptions, extra=commodity_parameters(), overrides=overrides)


def load_mines(mines: pd.DataFrame | str | Path | None) -> tuple[pd.DataFrame, str]:
    """The mine table: mine_db's bundled default, a user's file, or a DataFrame as given."""
    import mine_db

    if mines is None:
        return mine_db.load_default(), "mine_db default database"
    if isinstance(mines, pd.DataFrame):
        return mines, "mine table"
    return mine_db.load(mines), str(mines)


def build_default_network(
    mines: pd.DataFrame | str | Path | None = None,
    *,
    bom: str | Path | None = None,
    vehicle_components: str | Path | None = None,
    sourcing: str | Path | None = None,
    parameters: str | Path | None = None,
    assumptions: str | Path | None = None,
    overrides: Mapping[str, float] | None = None,
) -> nx.DiGraph:
    """China's 2019 passenger-car supply chain as a `networkx.DiGraph` (docs/CONTRACTS.md).

    `mines`: None for mine_db.load_default(), a path mine_db can read, or a canonical
    DataFrame. `bom`, `vehicle_components`, `sourcing`, `parameters`, `assumptions`:
    paths replacing the bundled tables of the same layout. `overrides`: parameter
    values by name (e.g. {"cn_coal_share": 0.3}). The graph is not validated here;
    call `graphs.validate(G)`.
    """
    params = default_parameters(parameters, assumptions, overrides)
    table, label = load_mines(mines)
    notes: list[str] = []
    G = nx.DiGraph(
        name="China 2019 passenger-car supply chain",
        base_year=BASE_YEAR,
        home=DEFAULT_HOME,
        mine_source=label,
        notes=notes,
        assumptions={p.name: {"value": p.value, "unit": p.unit, "reason": p.reason} for p in params.assumptions()},
    )
    outputs = add_mines(G, table, label)
    production = add_country_markets(G, outputs)
    origins = read_sourcing(params, sourcing)
    add_supply_markets(G, origins, production, notes)
    params = params.extended({**concentrate_parameters(G), **route_parameters(origins)})
    add_chain(G, params)
    add_tables(G, params, "closure")  # non-metal upstream, zinc coating: feed the chain's materials
    add_tables(G, params, "fuel")  # oil and gas supply: gas- and oil-fired power burns at its nodes
    add_coal_mines(G, params)
    add_grids(G, params)
    add_tables(G, params, "steel")  # BOF, EAF, DRI routes (graphs.steel): draw on the grids
    add_tables(G, params, "secondary")  # scrap routes of Cu and Al (graphs.secondary)
    add_tables(G, params, "smelter")  # the Al smelters' captive power (graphs.aluminium)
    add_mine_power(G, params, outputs)
    add_fuel_use(G, params)
    add_coal_own_use(G, params, DEFAULT_HOME)  # China's coal mines' own energy, no loop through the grid
    add_feedstock_coal(G, DEFAULT_HOME)  # coal-to-olefins' coal whose carbon stays in the polymer
    add_tables(G, params, "polymer")  # plastics and rubber from China's crude and gas (issue 19 item 3)
    add_products(G, params, bom=bom, vehicle_components=vehicle_components)
    add_process_co2(G, params)
    add_manufacturing_energy(G, params)
    return G
