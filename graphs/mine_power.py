"""Electricity of mining and concentrating: each site's rate per t ore (or concentrate) on its grid.

Why apart from graphs.mines: the rate a site draws is chosen by rules of its own (the
site's country first, a direct-shipping rate for ore shipped as mined, none at brine
sites) that read the parameters, not the site table.
"""

from __future__ import annotations

import networkx as nx

from graphs.mines import SiteOutput
from graphs.model import add_flow
from graphs.parameters import Parameters
from graphs.tables import Row
from hfcommon.errors import InputError

#: Parameter name prefix of mine-site electricity, kWh per t ore, by commodity.
POWER_PREFIX = "mine_power_kwh_per_t_ore_"
#: Suffix of the rate of a commodity's direct-shipping sites (ore crushed and screened, nothing rejected).
DIRECT_SHIPPING_SUFFIX = "_direct_shipping"
#: Parameter name prefix of a country's rate per t of concentrate, `<prefix><commodity>_<ISO3>`
#: (standards that state energy per t of product, e.g. China's GB 45549-2025 for graphite).
CONCENTRATE_POWER_PREFIX = "mine_power_kwh_per_t_concentrate_"
#: Parameter name prefix of a country's brine-site rate, `<prefix><commodity>_<ISO3>`, kWh per t of
#: basis: the salar plant that makes the shipped product (lithium carbonate) from evaporated brine.
BRINE_POWER_PREFIX = "mine_power_kwh_per_t_brine_"
#: Every prefix of a site rate in kWh (each needs the kWh-to-GJ factor).
RATE_PREFIXES = (POWER_PREFIX, CONCENTRATE_POWER_PREFIX, BRINE_POWER_PREFIX)


def add_mine_power(G: nx.DiGraph, params: Parameters, outputs: list[SiteOutput]) -> None:
    """Electricity of mining and concentrating, drawn by each site's beneficiation node.

    kWh per t ore comes from `mine_power_kwh_per_t_ore_<commodity>` (no parameter, no
    edge: a stated gap), or from a rate of the site's country (`_power_parameter`);
    a direct-shipping site (its ore shipped as mined, nothing
    rejected) takes `..._<commodity>_direct_shipping` where that exists, because crushing
    and screening draw far less than grinding and separating. Brine sites mill no ore:
    they draw only their country's `mine_power_kwh_per_t_brine_<commodity>_<ISO3>` (the
    salar plant, kWh per t of basis), else none. The site's own ore per tonne turns the rate
    into GJ per t of basis.
    The grid is the producing country's where the network models it, else the world
    average (`energy:grid:WLD`).
    """
    if any(name.startswith(RATE_PREFIXES) for name in params) and "kwh_gj" not in params:
        raise InputError("mine-site electricity needs the parameter 'kwh_gj' (GJ per kWh)")
    for site in outputs:
        name = _power_parameter(params, site)
        if name is None:
            continue
        rate = params[name]
        grid = f"energy:grid:{site.country}" if f"energy:grid:{site.country}" in G else "energy:grid:WLD"
        per_t, label = ((1.0, "per t of basis") if name.startswith(BRINE_POWER_PREFIX)
                        else (site.concentrate_per_t, "concentrate per t") if name.startswith(CONCENTRATE_POWER_PREFIX)
                        else (site.ore_t / site.metal_t, "ore_t / metal_t"))
        factor = per_t * params.value("kwh_gj")
        # a derived rate (a standard's energy x a declared share) carries its inputs' range
        spread = rate.uncertainty or params.uncertainty_of(name, Row("parameters.csv", 0, {"parameter": name}),
                                                           "parameter")
        scaled = spread.scaled(factor) if spread else None
        add_flow(G, grid, site.node, rate.value * factor,
                 f"mine and concentrator electricity: {rate.describe()} x {label} "
                 f"{per_t:.6g} x 0.0036 GJ/kWh; grid {grid}", scaled)


def _power_parameter(params: Parameters, site: SiteOutput) -> str | None:
    """The parameter of a site's electricity rate, or None (no rate for its commodity or brine country).

    A rate of the site's own country comes first (per t concentrate, then per t ore,
    `..._<commodity>_<ISO3>`), then the direct-shipping and the commodity rate per t ore.
    """
    if site.mine_type == "brine":
        own = f"{BRINE_POWER_PREFIX}{site.commodity}_{site.country}"
        return own if own in params else None
    for prefix in (CONCENTRATE_POWER_PREFIX, POWER_PREFIX):
        if (own := f"{prefix}{site.commodity}_{site.country}") in params:
            return own
    name = f"{POWER_PREFIX}{site.commodity}"
    if site.direct_shipping and f"{name}{DIRECT_SHIPPING_SUFFIX}" in params:
        return f"{name}{DIRECT_SHIPPING_SUFFIX}"
    return name if name in params else None
