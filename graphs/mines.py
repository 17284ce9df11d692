"""Mine sites -> mine and beneficiation nodes, country markets and China's supply markets.

Why this layer keeps one node pair per site: the hidden flows are properties of a
site (its strip ratio, grade and recovery), and attributing them to a mine needs the
mine in the graph. Each site's beneficiation node turns its ore into the commodity's
basis (t Cu in concentrate, t bauxite, ...); country markets mix a country's sites by
production; China's supply market mixes countries by its 2019 sourcing shares.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd
import pycountry

from graphs.model import Distribution, add_flow, add_node
from graphs.parameters import Parameters
from graphs.tables import Row, bundled, read_rows
from hfcommon.errors import InputError, did_you_mean
from hfcommon.vocabulary import DEFAULT_HOME, SUPPLY_ROUTES, UNKNOWN_ORIGIN
from mine_db import commodities

POOL = "other"
#: Columns of the canonical mine table (docs/CONTRACTS.md, mine_db -> graphs) used here.
MINE_COLUMNS: tuple[str, ...] = (
    "mine_id",
    "name",
    "country",
    "commodity",
    "mine_type",
    "resolution",
    "metal_t",
    "ore_t",
    "grade",
    "recovery",
    "strip_ratio",
    "overburden_t",
    "waste_rock_t",
    "tailings_t",
    "source",
)
_FLOW_COLUMNS = ("metal_t", "ore_t", "overburden_t", "waste_rock_t", "tailings_t")
_SITE_ATTRS = ("grade", "recovery", "strip_ratio")
#: Where each site value came from (mine_db.gapfill): level, spread and the rows sharing it.
FILL_ATTRS: tuple[str, ...] = tuple(
    f"{var}_fill{suffix}" for var in _SITE_ATTRS for suffix in ("", "_n", "_sigma", "_group")
)
_OPTIONAL_ATTRS = ("latitude", "longitude", "year", *FILL_ATTRS)


@dataclass(frozen=True)
class SiteOutput:
    """What one site contributes to its country market."""

    commodity: str
    country: str
    node: str
    metal_t: float
    ore_t: float
    concentrate_per_t: float
    mine_type: str

    @property
    def direct_shipping(self) -> bool:
        """Whether the site ships its ore as mined: concentrate tonnes equal ore tonnes, no tailings."""
        return math.isclose(self.concentrate_per_t * self.metal_t, self.ore_t, rel_tol=1e-9)


def supply_market(commodity: str) -> str:
    """Node id of China's supply market of a commodity (what the chain draws on)."""
    return f"market:{commodity}:supply-{DEFAULT_HOME}"


def country_market(commodity: str, country: str) -> str:
    """Node id of a producing country's market (`other` for the pool of the rest)."""
    return f"market:{commodity}:{country}"


def add_mines(G: nx.DiGraph, mines: pd.DataFrame, label: str = "mine table") -> list[SiteOutput]:
    """Add a mine and a beneficiation node per producing site; skip sites with no output.

    Per tonne of ore the mine carries overburden_t / ore_t and waste_rock_t / ore_t;
    per tonne of basis content the beneficiation carries tailings_t / metal_t and
    draws ore_t / metal_t tonnes of ore.
    """
    missing = [c for c in MINE_COLUMNS if c not in mines.columns]
    if missing:
        raise InputError(f"mine table lacks column(s) {', '.join(missing)}", file=label, row=1)
    outputs: list[SiteOutput] = []
    for index, site in enumerate(mines.to_dict("records")):
        row = index + 2
        values = {c: _number(site[c], label, row, c) for c in _FLOW_COLUMNS}
        if values["metal_t"] == 0:
            continue
        if values["ore_t"] <= 0:
            raise InputError("ore_t must be positive where metal_t is", file=label, row=row, column="ore_t")
        mine_id = str(site["mine_id"])
        code = str(site["commodity"])
        commodity = commodities.get(code)
        country = str(site["country"])
        source = str(site["source"])
        mine, plant = f"mine:{mine_id}", f"beneficiation:{mine_id}"
        extra = {k: _scalar(site[k]) for k in _OPTIONAL_ATTRS if k in site and _scalar(site[k]) is not None}
        attrs = {k: _number(site[k], label, row, k) for k in _SITE_ATTRS}
        concentrate, concentrate_source = _concentrate_per_t(site, values["metal_t"], commodity, label, row)
        common = dict(country=country, commodity=code, mine_id=mine_id, mine_type=str(site["mine_type"]), **attrs,
                      **extra)
        try:
            add_node(
                G,
                mine,
                kind="mine",
                name=str(site["name"]),
                unit="t",
                stressors={
                    "overburden": values["overburden_t"] / values["ore_t"],
                    "waste_rock": values["waste_rock_t"] / values["ore_t"],
                },
                stressor_sources={
                    "overburden": f"overburden_t / ore_t of site {mine_id} (mine_db: {source})",
                    "waste_rock": f"waste_rock_t / ore_t of site {mine_id} (mine_db: {source})",
                },
                resolution=str(site["resolution"]),
                **common,
            )
            add_node(
                G,
                plant,
                kind="beneficiation",
                name=f"{site['name']}: beneficiation",
                unit="t",
                stressors={"tailings": values["tailings_t"] / values["metal_t"]},
                stressor_sources={"tailings": f"tailings_t / metal_t of site {mine_id} (mine_db: {source})"},
                basis=commodity.unit,
                concentrate_per_t=concentrate,
                concentrate_source=concentrate_source,
                **common,
            )
        except ValueError as exc:
            raise InputError(str(exc), file=label, row=row, column="mine_id") from None
        add_flow(
            G,
            mine,
            plant,
            values["ore_t"] / values["metal_t"],
            f"ore_t / metal_t of site {mine_id}: t ore per {commodity.unit} (mine_db: {source})",
        )
        outputs.append(SiteOutput(code, country, plant, values["metal_t"], values["ore_t"], concentrate,
                                  str(site["mine_type"])))
    return outputs


def add_country_markets(G: nx.DiGraph, outputs: list[SiteOutput]) -> dict[str, dict[str, float]]:
    """One market per (commodity, country) mixing its sites by production.

    Returns production by commodity and country, which weights the pools.
    """
    groups: dict[tuple[str, str], list[SiteOutput]] = defaultdict(list)
    for out in outputs:
        groups[(out.commodity, out.country)].append(out)
    production: dict[str, dict[str, float]] = defaultdict(dict)
    for (code, country), sites in sorted(groups.items()):
        total = math.fsum(s.metal_t for s in sites)
        unit = commodities.get(code).unit
        market = country_market(code, country)
        add_node(G, market, kind="market", name=f"{commodities.get(code).name}, {country} mines",
                 country=country, unit="t", commodity=code, basis=unit)
        for site in sites:
            add_flow(G, site.node, market, site.metal_t / total,
                     f"site share of {country}'s {unit} production: metal_t / country total (mine_db)")
        production[code][country] = total
    return production


@dataclass(frozen=True)
class Origin:
    """One sourcing row, evaluated: origin and its amount in the commodity's basis."""

    commodity: str
    origin: str
    amount: float
    source: str
    row: Row | None
    uncertainty: Distribution | None = None
    """Of `amount` (the commodity's basis), from the row's `uncertainty` cell (in the row's
    `unit`, scaled by its content factor) or else from the uncertain parameters in
    amount x content_factor (`Parameters.uncertainty_of`)."""
    route: str = ""
    """The processing route the origin's supply takes (optional `route` cell, e.g. nickel
    `laterite`): `route_share_<commodity>_<route>` parameters weigh plant energy by it."""


def read_sourcing(params: Parameters, path: str | Path | None = None) -> dict[str, list[Origin]]:
    """China's supply shares by commodity and origin (bundled sourcing.csv by default)."""
    by_commodity: dict[str, list[Origin]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for row in read_rows(path or bundled("sourcing.csv"), ("commodity", "origin", "amount", "content_factor"),
                         optional=("route",)):
        code = row.text("commodity")
        if code not in commodities.COMMODITIES:
            raise row.error("commodity", f"unknown commodity {code!r}; expected one of {', '.join(commodities.CODES)}")
        origin = row.text("origin")
        if origin != POOL and pycountry.countries.get(alpha_3=origin) is None:
            raise row.error("origin", f"{origin!r} is not an ISO 3166 alpha-3 code or '{POOL}'")
        if (code, origin) in seen:
            raise row.error("origin", f"{code} from {origin} is listed twice")
        seen.add((code, origin))
        amount = params.evaluate(row.text("amount"), row, "amount")
        factor = params.evaluate(row.text("content_factor"), row, "content_factor")
        value = amount.value * factor.value
        if value < 0:
            raise row.error("amount", f"amount x content_factor is negative ({value})")
        cited = "; ".join(t for t in (params.cite(factor, row.text("content_factor")),) if t)
        source = row.text("source") + (f" [content factor {cited}]" if cited else "")
        declared = row.distribution("uncertainty")
        if declared is not None:
            uncertainty = declared.scaled(factor.value) if factor.value > 0 else None
        else:
            formula = f"({row.text('amount')}) * ({row.text('content_factor')})"
            uncertainty = params.uncertainty_of(formula, row, "amount")
        route = row.text("route", required=False)
        known = SUPPLY_ROUTES.get(code, ())
        if route and route not in known:
            expected = f"one of {', '.join(known)}" if known else "empty: no routes are declared for it"
            raise row.error("route", f"unknown route {route!r} for {code}; expected {expected}{did_you_mean(route, known)}")
        by_commodity[code].append(Origin(code, origin, value, source, row, uncertainty if value > 0 else None, route))
    return by_commodity


def add_supply_markets(
    G: nx.DiGraph,
    sourcing: Mapping[str, list[Origin]],
    production: Mapping[str, Mapping[str, float]],
    notes: list[str],
) -> None:
    """China's supply market per commodity, fed by country markets in sourcing shares.

    An origin with no sites in the mine table hands its share to the pool of unlisted
    producers (or, with no pool, to the other origins) and the move is noted; a
    commodity with no sites at all becomes a boundary market (nothing traced).
    """
    for code in commodities.CODES:
        produced = dict(production.get(code, {}))
        origins = list(sourcing.get(code, ()))
        if not origins:
            origins = [Origin(code, POOL, 1.0, "no sourcing rows: all producing countries by production", None)]
            notes.append(f"{code}: no sourcing rows; China's supply is the world pool by production")
        commodity = commodities.get(code)
        market = supply_market(code)
        listed = {o.origin for o in origins if o.origin != POOL}
        pool_members = {c: t for c, t in produced.items() if c not in listed}
        if not produced:
            add_node(G, market, kind="market", name=f"{commodity.name} supplied to China", country=DEFAULT_HOME,
                     unit="t", commodity=code, basis=commodity.unit, boundary=True)
            notes.append(f"{code}: no producing sites in the mine table; supply market left untraced")
            continue
        weights: dict[str, float] = defaultdict(float)
        sources: dict[str, list[str]] = defaultdict(list)
        ranges: dict[str, list[tuple[float, Distribution | None]]] = defaultdict(list)
        for o in origins:
            target = o.origin if (o.origin == POOL or o.origin in produced) else POOL
            if target != o.origin:
                notes.append(f"{code}: origin {o.origin} has no sites in the mine table; its share goes to the pool")
            weights[target] += o.amount
            ranges[target].append((o.amount, o.uncertainty))
            sources[target].append(o.source if target == o.origin else f"{o.origin} share moved here: {o.source}")
        if weights.get(POOL, 0.0) > 0 and not pool_members:
            moved = weights.pop(POOL)
            sources.pop(POOL, None)
            notes.append(f"{code}: pool share {moved:.4g} has no unlisted producers; spread over the listed origins")
        total = math.fsum(weights.values())
        if total <= 0:
            raise InputError(f"sourcing of {code} sums to zero")
        add_node(G, market, kind="market", name=f"{commodity.name} supplied to China", country=DEFAULT_HOME,
                 unit="t", commodity=code, basis=commodity.unit)
        if POOL in weights:
            _add_pool(G, code, pool_members)
        for origin, weight in sorted(weights.items()):
            spread = _summed(ranges[origin], weight) if len(weights) > 1 and weight > 0 else None
            add_flow(G, country_market(code, origin), market, weight / total,
                     f"share of China's 2019 {commodity.unit} supply: " + " | ".join(sources[origin]),
                     spread.scaled(1 / total) if spread is not None else None)


def _summed(parts: list[tuple[float, Distribution | None]], total: float) -> Distribution | None:
    """Uncertainty of a sum of sourcing amounts (origins moved into one target).

    One uncertain part keeps its distribution. Several are added end to end, each
    part without a bounded (uniform/triangular) range counting as its value: a
    triangular(sum of lows, total, sum of highs), as if the parts moved together
    (wide, not narrow). A lone input of a market carries none: its share is 1, and
    the uncertainty engine rescales a market's inputs to their declared total anyway.
    """
    uncertain = [d for _, d in parts if d is not None]
    if not uncertain:
        return None
    if len(parts) == 1:
        return uncertain[0]
    low = high = 0.0
    for amount, dist in parts:
        bounded = dist is not None and dist.kind in ("uniform", "triangular")
        low += dist.params[0] if bounded else amount  # type: ignore[union-attr]
        high += dist.params[-1] if bounded else amount  # type: ignore[union-attr]
    if not low < high:
        return None
    return Distribution("triangular", (min(low, total), total, max(high, total)))


def _add_pool(G: nx.DiGraph, code: str, members: Mapping[str, float]) -> None:
    commodity = commodities.get(code)
    pool = country_market(code, POOL)
    add_node(G, pool, kind="market", name=f"{commodity.name}, other producing countries", country=UNKNOWN_ORIGIN,
             unit="t", commodity=code, basis=commodity.unit)
    total = math.fsum(members.values())
    for country, tonnes in sorted(members.items()):
        add_flow(G, country_market(code, country), pool, tonnes / total,
                 f"{country}'s share of the mine production of countries not listed in the sourcing table (mine_db)")


def _concentrate_per_t(site: Mapping[str, object], metal_t: float, commodity: commodities.Commodity, label: str,
                       row: int) -> tuple[float, str]:
    """Physical tonnes of concentrate (or shipped product) per tonne of the site's basis.

    mine_db counts ore minus concentrate as tailings, so the concentrate's own mass is
    what the smelter or refinery must account for. Brine sites ship no solid
    concentrate (mine_db traces no brine mass): only the contained metal, 1 t per t.
    """
    value = site.get("concentrate_t")
    if value is not None and _scalar(value) is not None:
        tonnes = _number(value, label, row, "concentrate_t")
        if tonnes > 0:
            return tonnes / metal_t, "concentrate_t / metal_t (mine_db)"
    if site.get("mine_type") == "brine":
        return 1.0, "brine site: no solid concentrate, the contained metal only"
    default = commodity.basis_content.value / commodity.concentrate_grade.value
    return default, f"basis content / concentrate grade of {commodity.code} (mine_db.commodities)"


def _number(value: object, label: str, row: int, column: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{value!r} is not a number", file=label, row=row, column=column) from None
    if not math.isfinite(number):
        raise InputError("missing or not finite", file=label, row=row, column=column)
    if number < 0:
        raise InputError(f"{number} is negative", file=label, row=row, column=column)
    return number


def _scalar(value: object) -> str | float | int | None:
    """A plain Python scalar for node attributes (numpy types and NaN removed)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()  # type: ignore[union-attr]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, (str, int, float)) else str(value)
