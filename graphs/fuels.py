"""Oil, gas and coal: where crude and gas are extracted, and the diesel, fuel oil, gas and coal
that mines, refineries and smelters burn (issues 12 and 19).

Why two parts: the supply is the same few nodes whatever burns it (crude and gas
extraction by producing country, China's crude and gas markets by origin, and one burning
node per fuel in China and in the world pool, copied into each country that burns it),
written in the chain tables' layout
(`fuel_nodes.csv`, `fuel_inputs.csv`, `fuel_stressors.csv`); the use is one row per family
of consumers (`fuel_use.csv`), because the same rate applies to every open pit. Diesel at a
mine is per tonne of rock moved, so its overburden and waste rock drive its fuel and CO2.

A consumer takes GJ from a burning node, which (like a coal-fired plant) carries the mass it
burns as process residue and the CO2 of burning it (coal: its CO2 stays at the coal-mining
node, `energy:coal:<ISO3>`, as for every other use of coal). The consumers' own mass balances are
untouched, and switching the `fuels` element off in `tracer reconcile` leaves TMR closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graphs.carbon import matching_nodes
from graphs.chain import Coefficient, coefficient
from graphs.model import add_flow, add_node
from graphs.parameters import Parameters
from graphs.tables import Row, bundled, read_rows
from hfcommon.countries import to_iso3
from hfcommon.vocabulary import DEFAULT_HOME, UNKNOWN_ORIGIN
from mine_db.commodities import COMMODITIES
from mine_db.schema import MINE_TYPES

#: Fuels a consumer can burn; each has a burning node `<prefix>:CHN`, `:WLD` and one per country burning it.
FUELS: tuple[str, ...] = ("coal", "diesel", "fuel_oil", "gas")
#: Burning-node id prefix of a fuel whose id is not `energy:<fuel>` (that id is coal mining's).
BURNING_PREFIX: dict[str, str] = {"coal": "energy:coal_heat"}
#: Fuels mined in the burning country where the network has that country's supply node
#: (`<node>:<ISO3>`, coal_mines.csv), instead of the world pool's.
LOCAL_SUPPLY: dict[str, str] = {"coal": "energy:coal"}
#: `output`: GJ per unit of the consumer; `moved`: GJ per t of rock moved at a mine.
BASES: tuple[str, ...] = ("output", "moved")
#: Carriers of the extraction nodes: where oil and gas leave the ground (1 t per t).
EXTRACTION_CARRIERS: tuple[str, ...] = ("crude_oil", "natural_gas")
#: Mine-node stressors that are rock moved besides the ore itself (t per t ore).
MOVED_STRESSORS: tuple[str, ...] = ("overburden", "waste_rock")
#: Edge attribute set to "moved" on a fuel edge whose amount is its rate x the mine's rock moved per t ore,
#: so that a draw of the mine's stripping moves its fuel too (tracer.uncertainty.moved).
BASIS_ATTR = "basis"


def burning_node(G: nx.DiGraph, fuel: str, country: str) -> str:
    """The node a consumer in `country` burns `fuel` at, added on first use.

    China burns its own supply (`<prefix>:CHN`). Elsewhere the fuel comes from the world
    pool, but is burnt in the consumer's country: `<prefix>:<ISO3>` is a copy of the
    world-pool node located there, so its CO2 is booked where it is emitted. Coal is the
    exception to the pool: a country with its own coal-mining node burns its own coal
    (as its grid does, assumption coal_burnt_where_mined).
    """
    prefix = BURNING_PREFIX.get(fuel, f"energy:{fuel}")
    if country in (DEFAULT_HOME, UNKNOWN_ORIGIN, ""):
        return f"{prefix}:{country or UNKNOWN_ORIGIN}"
    node, pool = f"{prefix}:{country}", f"{prefix}:{UNKNOWN_ORIGIN}"
    if node not in G:
        attrs = G.nodes[pool]
        name = f"{attrs['name'].split(',')[0]}, {country} (per GJ, {_origin(G, fuel, country)})"
        add_node(G, node, **{**attrs, "country": country, "name": name,
                             "source": f"{attrs.get('source', '')}; burnt in {country}"})
        for supplier, _, edge in G.in_edges(pool, data=True):
            add_flow(G, _local(G, fuel, supplier, country), node, edge["amount"], edge["source"],
                     edge["uncertainty"])
    return node


def _local(G: nx.DiGraph, fuel: str, supplier: str, country: str) -> str:
    """The burning country's own supply node of a LOCAL_SUPPLY fuel where the network has it."""
    base = LOCAL_SUPPLY.get(fuel)
    own = f"{base}:{country}"
    return own if base and supplier == f"{base}:{UNKNOWN_ORIGIN}" and own in G else supplier


def _origin(G: nx.DiGraph, fuel: str, country: str) -> str:
    if fuel in LOCAL_SUPPLY:
        return f"mined in {country}" if f"{LOCAL_SUPPLY[fuel]}:{country}" in G else f"world-average {fuel}"
    return "refined from the world pool"


def rock_moved_per_t_ore(attrs: dict) -> float:
    """Tonnes of rock a mine moves per tonne of ore: the ore plus its overburden and waste rock."""
    stressors = attrs.get("stressors") or {}
    return 1.0 + sum(stressors.get(s, 0.0) for s in MOVED_STRESSORS)


@dataclass(frozen=True)
class _UseRow:
    """One row of fuel_use.csv, checked: the fuel, the basis and the rate per unit of basis."""

    row: Row
    fuel: str
    basis: str
    rate: Coefficient
    mine_types: frozenset[str] | None
    commodities: frozenset[str] | None
    countries: frozenset[str] | None = None


def add_fuel_use(G: nx.DiGraph, params: Parameters, path: str | Path | None = None) -> None:
    """One edge burning node -> consumer per matched consumer, in GJ per unit of its output."""
    for use in _read_use(params, path):
        for consumer in _consumers(G, use):
            attrs = G.nodes[consumer]
            factor, basis = 1.0, ""
            if use.basis == "moved":
                if attrs.get("kind") != "mine":
                    raise use.row.error("basis", f"'moved' needs a mine node, not {consumer!r}")
                factor = rock_moved_per_t_ore(attrs)
                basis = f" x {factor:.6g} t rock moved per t ore (ore + overburden + waste rock of {consumer})"
            uncertainty = use.rate.uncertainty.scaled(factor) if use.rate.uncertainty and factor > 0 else None
            try:
                add_flow(G, burning_node(G, use.fuel, attrs.get("country", "")), consumer, use.rate.value * factor,
                         use.rate.source + basis, uncertainty,
                         **({BASIS_ATTR: use.basis} if use.basis == "moved" else {}))
            except ValueError as exc:
                raise use.row.error("consumer", str(exc)) from None


def _read_use(params: Parameters, path: str | Path | None) -> list[_UseRow]:
    rows = []
    for row in read_rows(path or bundled("fuel_use.csv"), ("consumer", "fuel", "amount", "basis"),
                         optional=("mine_type", "commodity", "country")):
        fuel, basis = row.text("fuel"), row.text("basis")
        if fuel not in FUELS:
            raise row.error("fuel", f"unknown fuel {fuel!r}; use one of {', '.join(FUELS)}")
        if basis not in BASES:
            raise row.error("basis", f"unknown basis {basis!r}; use one of {', '.join(BASES)}")
        mine_types = _choices(row, "mine_type", MINE_TYPES)
        commodities = _choices(row, "commodity", frozenset(COMMODITIES))
        countries = _countries(row)
        rows.append(_UseRow(row, fuel, basis, coefficient(params, row, "amount"), mine_types, commodities, countries))
    return rows


def _choices(row: Row, column: str, allowed: frozenset[str]) -> frozenset[str] | None:
    """The `a|b` values of an optional filter column, each checked against `allowed`."""
    text = row.text(column, required=False)
    if not text:
        return None
    chosen = frozenset(t.strip() for t in text.split("|"))
    if not chosen <= allowed:
        unknown = ", ".join(sorted(chosen - allowed))
        raise row.error(column, f"unknown {column}(s) {unknown}; use {', '.join(sorted(allowed))}")
    return chosen


def _countries(row: Row) -> frozenset[str] | None:
    """The `a|b` ISO3 codes of the optional `country` filter (a rate of one country's standard)."""
    text = row.text("country", required=False)
    if not text:
        return None
    return frozenset(to_iso3(t.strip(), file=row.file, row=row.row, column="country") for t in text.split("|"))


def _consumers(G: nx.DiGraph, use: _UseRow) -> list[str]:
    """The nodes a row names, narrowed to its mine types, commodities and countries (none left is not an error)."""
    found = matching_nodes(G, use.row, "consumer")
    for attr, allowed in (("mine_type", use.mine_types), ("commodity", use.commodities),
                          ("country", use.countries)):
        if allowed is not None:
            found = [n for n in found if G.nodes[n].get(attr) in allowed]
    return found
