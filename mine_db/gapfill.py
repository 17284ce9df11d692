"""Fill missing grade, recovery, strip ratio and concentrate grade, level by level.

Why a ladder with sample sizes: a hidden-flow estimate is only as good as the
coefficient behind it, and an average of one or two mines is that mine's value, not a
country's. Every filled value says where it came from (`*_fill`), how many mines it
rests on (`*_fill_n`), its spread (`*_fill_sigma`, sd of log values) and which rows
share it (`*_fill_group`: rows sharing a fill share one unknown, drawn together in the
Monte Carlo):

1. `mine`: the row's own value. A missing strip ratio is also the mine's own when it
   follows from its reported waste and ore: (overburden_t + waste_rock_t) / ore_t.
2. `national`: a published national statistic for the country and commodity
   (`data/sources/country_values_2019.csv`, each with its source and range); a row
   stating a `mine_type` holds for that mining method only (`surface` or `underground`,
   as `mining_method` groups them) and comes before the row for all methods.
3. `country`: the production-weighted mean of the `mine`-level values of the same kind
   of mine in the country, where at least `MIN_SAMPLE` mines report one.
4. `pooled`: where the country has 1 to `MIN_SAMPLE - 1` such mines, their mean shrunk
   toward the global mean of the kind as if the global sample added `MIN_SAMPLE` mines
   (n_c m_c + K m_g) / (n_c + K): a thin country sample moves the value, but does not
   set it alone.
5. `global`: the same mean over all countries, where at least `MIN_SAMPLE` mines report.
6. `default`: the sourced default of the commodity, method and deposit type
   (`mine_db.commodities`, `data/default_coefficients.csv`), whose published range
   gives its spread (`*_fill_sigma`) and whose sample size its `*_fill_n`. A commodity
   default read at 1 to `MIN_SAMPLE - 1` mines is pooled with the wider sample, the
   all-commodity default of its variable and method where that rests on at least
   `MIN_SAMPLE` mines (surface strip ratio A31, concentrator recovery A39), by the
   shrinkage of level 4: (n v + K v_all) / (n + K), on n + n_all mines, with the wider
   sample's spread; its group label ends in `|pooled`. Flagged
   `definition` instead where the default holds by the product's definition (bauxite's
   grade 1: the ore is the product; no stripping at brine operations; recovery 1 where a
   document reads the ore as shipped as mined, `process` `direct_shipping`), so a reader
   and `tracer db coverage` do not count it as a gap. A definition is no estimate: it
   comes before levels 2-5 (a row that is its own product takes no concentrator's mean).

A mine's kind is its commodity, mining method (`surface`: open_pit, mixed;
`underground`; `brine`) and, where the row states one, its deposit type (`deposit_type`:
porphyry or sediment-hosted copper, laterite or sulphide nickel, ...): an underground
copper mine's grade (~1.7 % Cu) and strip ratio (development waste) are not those of an
open pit, a Copperbelt pit's not a porphyry's. A row of known deposit type first looks at
mines of its own type (levels 3-5); where they are too few it falls back to all mines of
its commodity and method (levels 3-5 again, the group label says which), then to the
default of its deposit type. For recovery the kind also holds the row's process route
(`process`): a row stated `leach` (SX-EW cathode from heap, dump or tank leaching) draws
only on leach rows and the leach default (FINEPRINT's cathode recoveries, far below a
concentrator's), every other row only on rows not stated leach: a leach row given a
flotation recovery would be given too little ore, and leach mines would pull a
concentrator's average down. A row stated `direct_shipping` (iron ore or bauxite sold as
mined, read so in a document) and an iron-ore row stated `concentrator` (magnetite, taconite
or itabirite ground and separated, read so) are likewise routes of their own, and so is an
iron-ore row stated `dry_and_wet` (part sold as mined, part wet-concentrated, both shares
read: its own recovery weighs recovery 1 and the concentrators' default by them, worked in
its note): rows of these routes draw only on their own route. A row that states no route
first draws on rows that state no route (levels 3-5); where those are too few (iron ore: one,
Fortescue's), it is a draw from the mines of its commodity and method whose route or recovery
is read (`_across_routes`: each one's own recovery, else its route's default, 1 for a direct
shipper, the concentrators' default for a concentrator), by levels 3-5 again over that
population (group label ending `|any_route`); only where fewer than `MIN_SAMPLE` are read does
it keep the default (iron ore A32). A bauxite row of unread route keeps its default (A33) whatever the
number read (`fill_kinds.UNREAD_KEEPS_DEFAULT` says why); a row read `washed` (bauxite washed free of clay, a
read mass yield) draws on washed rows and the washed default. A row that
states no route, and a `mixed` one (concentrate and cathode, split in no column:
Centinela's and Zijinshan's notes put two thirds of their copper in concentrate), are taken
with the concentrators, as every row was before.
Concentrate grade is the mine's own or the default (no averaging: too few mines report
it). Groups whose weights are all zero fall back to the plain mean.

`fill_gaps(..., own_values=False)` answers "how much do the site data move the result?":
every row takes the fill it would take had it not reported its own grade, recovery or
strip ratio (levels 2-6, its own value left out of the averages it would draw on), while
rows without own values, and the averages they take, stay exactly as they are.

What makes rows one kind (mining-method class, recovery route) is `mine_db.fill_kinds`; the
national statistics table is read and checked by `mine_db.national_fills`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mine_db import commodities
from mine_db.fill_kinds import (
    ANY_ROUTE,
    CONCENTRATOR,
    FILLED,
    METHOD_OF_TYPE,
    READ_DEFAULTS,
    SOLD_OR_CONCENTRATED,
    UNREAD_KEEPS_DEFAULT,
    recovery_route,
)
from mine_db.national_fills import national_candidate, read_national
from mine_db.schema import STRIP_RATIO_BOUNDS


def _defaults(out: pd.DataFrame, method: pd.Series, var: str) -> pd.DataFrame:
    """Each row's default: value, sample size, spread of its published range, and the row it comes from.

    A commodity default read at 1 to `MIN_SAMPLE - 1` mines is pooled with the wider sample (`_pooled`).
    """
    records = []
    routes = recovery_route(out)
    for code, how, deposit, route in zip(out["commodity"], method, out["deposit_type"], routes, strict=True):
        row = commodities.default(code, how, deposit if isinstance(deposit, str) else None, var, route)
        level = "definition" if row.quality == "definition" else "default"
        label = f"{var}|{level}|{row.commodity}|{row.method or '*'}|{row.deposit_type or '*'}"
        label += f"|{row.process}" if row.process else ""
        value, n, sigma = row.value, row.n, row.sigma
        wider = _wider(row, how, var, route)
        if wider is not None:
            value, n, sigma = _pooled(row, wider)
            label += "|pooled"
        records.append((value, np.nan if n is None else n, np.nan if sigma is None else sigma, label, level))
    frame = pd.DataFrame.from_records(records, columns=["mean", "n", "sigma", "label", "level"], index=out.index)
    return frame.astype({"mean": float, "n": float, "sigma": float})


def _wider(row: commodities.Coefficient, method: str, var: str, route: str) -> commodities.Coefficient | None:
    """The all-commodity default a thin commodity default is pooled with, where one rests on enough mines."""
    thin = row.commodity != commodities.ANY_COMMODITY and row.n is not None and row.n < MIN_SAMPLE
    if not thin or row.quality == "definition" or var not in FILLED:
        return None
    wider = commodities.wider_default(method, var, route)
    return wider if wider is not None and wider.n is not None and wider.n >= MIN_SAMPLE else None


def _pooled(row: commodities.Coefficient, wider: commodities.Coefficient) -> tuple[float, int, float | None]:
    """A thin default shrunk toward its wider sample as if that added `MIN_SAMPLE` mines (as `pooled` does for
    a thin country): (n v + K v_wide) / (n + K), resting on n + n_wide mines, with the wider sample's spread."""
    n, k = row.n, MIN_SAMPLE
    value = (n * row.value + k * wider.value) / (n + k)
    return value, n + wider.n, wider.sigma if wider.sigma is not None else row.sigma


#: Mines of the same kind a country or global average must rest on.
MIN_SAMPLE = 5


def _group_stats(values: pd.Series, weights: pd.Series, keys: list[pd.Series]) -> pd.DataFrame:
    """Per key: metal-weighted mean (plain mean where weights sum to 0), count, sd of log values.

    The sums behind the mean (`w`, `vw`, `v`) are kept so a row's own value can be left out.
    """
    frame = pd.DataFrame({"v": values, "w": weights.fillna(0.0), **{f"k{i}": k for i, k in enumerate(keys)}})
    frame = frame[frame["v"].notna()]
    frame["vw"] = frame["v"] * frame["w"]
    frame["log"] = np.log(frame["v"].where(frame["v"] > 0))
    grouped = frame.groupby([f"k{i}" for i in range(len(keys))], sort=False)
    sums = grouped[["w", "vw", "v"]].sum()
    mean = (sums["vw"] / sums["w"]).where(sums["w"] > 0, grouped["v"].mean())
    return pd.DataFrame({"mean": mean, "n": grouped["v"].size(), "sigma": grouped["log"].std()}).join(sums)


def _left_out(stats: pd.DataFrame, own: pd.Series, weight: pd.Series) -> pd.DataFrame:
    """Each row's group statistics without the row's own value (rows without one: unchanged).

    The spread is the group's (one value less barely moves a log sd, and it only widens draws).
    """
    has = own.notna() & stats["n"].notna()
    w = weight.fillna(0.0).where(has, 0.0)
    sums = pd.DataFrame({"w": stats["w"] - w, "vw": stats["vw"] - (own * w).where(has, 0.0),
                         "v": stats["v"] - own.where(has, 0.0)})
    n = stats["n"] - has.astype(float)
    mean = (sums["vw"] / sums["w"]).where(sums["w"] > 0, sums["v"] / n.where(n > 0))
    out = stats.assign(mean=mean, n=n)
    return out.where(~has | (n > 0))


def _own_strip_ratio(df: pd.DataFrame) -> pd.Series:
    """Strip ratio from the mine's own reported waste and ore where it gave no ratio.

    Tonnages an earlier derivation or allocation produced (`*_basis` `derived` or `allocated`)
    are not reports.
    """
    not_reported = ["derived", "allocated"]
    waste_reported = ~df["waste_basis"].isin(not_reported)
    overburden = df["overburden_t"].where(waste_reported)
    waste_rock = df["waste_rock_t"].where(waste_reported)
    ore = df["ore_t"].where(~df["ore_basis"].isin(not_reported))
    reported = overburden.notna() | waste_rock.notna()
    usable = reported & (ore > 0)
    derived = ((overburden.fillna(0.0) + waste_rock.fillna(0.0)) / ore).where(usable)
    return df["strip_ratio"].fillna(derived)


def _lookup(stats: pd.DataFrame, keys: list[pd.Series]) -> pd.DataFrame:
    """The group statistics of each row's key (NaN where the group is empty)."""
    index = pd.MultiIndex.from_arrays(keys) if len(keys) > 1 else pd.Index(keys[0])
    if stats.empty:
        return pd.DataFrame(np.nan, index=keys[0].index, columns=["mean", "n", "sigma", "w", "vw", "v"])
    found = stats.reindex(index)
    found.index = keys[0].index
    return found


def _ladder(own: pd.Series, weight: pd.Series, kind: list[pd.Series], country: pd.Series,
            rows: pd.Series, leave_out: bool = False) -> list[tuple[str, pd.DataFrame]]:
    """Country, pooled and global candidates of one kind of mine, for the rows where `rows` holds.

    `leave_out`: each row's own value is left out of the averages it is offered.
    """
    in_kind = own.where(kind[-1].notna())
    country_stats = _lookup(_group_stats(in_kind, weight, [*kind, country]), [*kind, country])
    world = _lookup(_group_stats(in_kind, weight, kind), kind)
    if leave_out:
        country_stats, world = _left_out(country_stats, in_kind, weight), _left_out(world, in_kind, weight)
    world = world.where(world["n"] >= MIN_SAMPLE)
    thin = (country_stats["n"] >= 1) & (country_stats["n"] < MIN_SAMPLE)
    pooled = pd.DataFrame({
        "mean": (country_stats["n"] * country_stats["mean"] + MIN_SAMPLE * world["mean"])
        / (country_stats["n"] + MIN_SAMPLE),
        "n": country_stats["n"] + world["n"],
        "sigma": world["sigma"],
    }).where(thin)
    return [
        ("country", country_stats.where((country_stats["n"] >= MIN_SAMPLE) & rows)),
        ("pooled", pooled.where(rows)),
        ("global", world.where(rows)),
    ]


def _across_routes(out: pd.DataFrame, method: pd.Series, default: pd.DataFrame,
                   leave_out: bool) -> list[tuple[str, pd.DataFrame]]:
    """Country, pooled and global recovery of rows whose route nobody read, drawn from the mines of their
    commodity and method whose recovery or route is read: each one's own recovery, else its read route's
    default (1 for a direct shipper, the concentrators' default); offered to rows of unread route only.

    Leach rows stay out: a row of unread route is taken as ore sold or concentrated.
    """
    route = recovery_route(out)
    unread = (route == CONCENTRATOR) & ~out["commodity"].isin(UNREAD_KEEPS_DEFAULT)
    value = out["recovery"].fillna(default["mean"].where(route.isin(READ_DEFAULTS)))
    value = value.where(unread | route.isin(SOLD_OR_CONCENTRATED))
    return _ladder(value, out["metal_t"], [out["commodity"], method], out["country"], unread, leave_out)


def _sample_values(out: pd.DataFrame, var: str) -> pd.Series:
    """The rows' own values as other rows' fills see them: a strip ratio read only as a bound (upper or
    lower) serves its own row (its best reading) but would bias a sample it joined, so it joins none."""
    if var != "strip_ratio":
        return out[var]
    return out[var].where(~out["strip_ratio_basis"].isin(STRIP_RATIO_BOUNDS))


def _candidates(out: pd.DataFrame, var: str, method: pd.Series, national: pd.DataFrame,
                default: pd.DataFrame, leave_out: bool = False) -> list[tuple[str, str, pd.DataFrame]]:
    """Each fill level's value, sample size and spread for every row, best level first.

    Returns (level, kind, candidate): `kind` is `type` for the deposit-type ladder, `all`
    for the commodity-and-method one (it labels the shared group). Recovery's kind also
    holds the process route.
    """
    deposit = out["deposit_type"].where(out["deposit_type"].notna() & (out["deposit_type"] != ""))
    typed = deposit.notna()
    every = pd.Series(True, index=out.index)
    kind = [out["commodity"], method, *([recovery_route(out)] if var == "recovery" else [])]
    sample = _sample_values(out, var)
    by_type = _ladder(sample, out["metal_t"], [*kind, deposit], out["country"], typed, leave_out)
    by_method = _ladder(sample, out["metal_t"], kind, out["country"], every, leave_out)
    by_definition = default[["mean", "n", "sigma"]].where(default["level"] == "definition")
    return [
        ("definition", "all", by_definition),
        ("national", "all", national_candidate(national, out, var, method)),
        *[(level, "type", candidate) for level, candidate in by_type],
        *[(level, "all", candidate) for level, candidate in by_method],
        *[(level, ANY_ROUTE, candidate) for level, candidate in
          (_across_routes(out, method, default, leave_out) if var == "recovery" else [])],
        ("default", "all", default[["mean", "n", "sigma"]]),
    ]


def _group_label(out: pd.DataFrame, var: str, level: str, kind: str, method: pd.Series,
                 default: pd.DataFrame) -> pd.Series:
    """Rows with the same label share one filled value."""
    if level in ("default", "definition"):
        return default["label"]
    where = out["country"] if level in ("national", "country", "pooled") else pd.Series("*", index=out.index)
    if kind == ANY_ROUTE:
        return var + "|" + level + "|" + out["commodity"] + "|" + method + "|*|" + where + "|" + ANY_ROUTE
    deposit = out["deposit_type"].fillna("*") if kind == "type" else pd.Series("*", index=out.index)
    route = recovery_route(out)
    route = ("|" + route).where((route != CONCENTRATOR) & (var == "recovery"), "")
    return var + "|" + level + "|" + out["commodity"] + "|" + method + "|" + deposit + "|" + where + route


def fill_gaps(df: pd.DataFrame, national: pd.DataFrame | None = None, own_values: bool = True) -> pd.DataFrame:
    """Fill grade, recovery, strip_ratio (and concentrate_grade) on a validated table.

    A value flagged `mine` (or unflagged) is data; a value an earlier fill put there
    (any other flag: a table this package wrote) is filled again, so edited or added
    mine data propagate when a saved table is reloaded. `national`: the statistics of
    `read_national()` (the bundled table when None). `own_values=False`: a row's own
    grade, recovery and strip ratio are replaced by the fill it would otherwise take.
    """
    national = read_national() if national is None else national
    out = df.copy()
    for var in (*FILLED, "concentrate_grade"):
        filled_before = out[f"{var}_fill"].notna() & (out[f"{var}_fill"] != "mine")
        out[var] = out[var].where(~filled_before)
    out["strip_ratio"] = _own_strip_ratio(out)
    for optional in ("deposit_type", "process", "strip_ratio_basis"):
        if optional not in out.columns:
            out[optional] = None
    method = out["mine_type"].map(METHOD_OF_TYPE)
    for var in FILLED:
        defaults = _defaults(out, method, var)
        values = out[var].copy() if own_values else pd.Series(np.nan, index=out.index)
        flags = pd.Series(np.where(values.notna(), "mine", None), index=out.index, dtype="object")
        n = pd.Series(np.nan, index=out.index)
        sigma = pd.Series(np.nan, index=out.index)
        group = pd.Series("", index=out.index, dtype="object")
        for level, kind, candidate in _candidates(out, var, method, national, defaults, not own_values):
            gap = values.isna() & candidate["mean"].notna()
            values = values.where(~gap, candidate["mean"])
            flags = flags.where(~gap, level)
            n = n.where(~gap, candidate["n"])
            sigma = sigma.where(~gap, candidate["sigma"])
            group = group.where(~gap, _group_label(out, var, level, kind, method, defaults))
        flags = flags.mask(flags == "default", defaults["level"])
        out[var] = values
        out[f"{var}_fill"] = flags.astype("str")
        out[f"{var}_fill_n"] = n
        out[f"{var}_fill_sigma"] = sigma
        out[f"{var}_fill_group"] = group.astype("str")

    present = out["concentrate_grade"].notna()
    defaults = _defaults(out, method, "concentrate_grade")
    out["concentrate_grade_fill"] = defaults["level"].where(~present, "mine").astype("str")
    out["concentrate_grade"] = out["concentrate_grade"].fillna(defaults["mean"])
    return out
