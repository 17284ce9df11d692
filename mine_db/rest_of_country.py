"""Rest of each producing country: national 2019 production minus its named mines, and the reconciliation.

Part of `mine_db.default` (whose docstring says why the table is built this way). `reconcile`
compares each (commodity, country)'s named mines with the national figure and says what
becomes of the difference; `rest_rows` turns a positive difference into one row (one per mining
method where `REST_METHOD_SPLIT` declares the shares) located at a representative point of the
country, with its mining method and the national source; `split_metal_by_ore` gives the parts of a
split declared by ore their metal once the gap-fill has given them their grades and recoveries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
import pycountry
from pydantic import BaseModel, field_validator

from hfcommon.countries import USER_ASSIGNED_CODES
from hfcommon.errors import RequiredText
from hfcommon.vocabulary import CHINA
from mine_db import commodities

#: The year of the default table's production figures.
BASE_YEAR = 2019

#: Tolerance for "named mines equal the national figure" (relative).
MATCH_TOLERANCE = 0.01

_E8 = "domain file E_mining_coefficients.md, table E8"

#: Mining method of rest-of-country rows, with why. Gap filling groups by method, so
#: this decides whether a country's unnamed output gets open-pit or underground ratios.
REST_MINE_TYPE: dict[str, tuple[str, str]] = {
    "copper": ("open_pit", f"96 % of copper ore with a known method is open pit ({_E8})"),
    "iron_ore": ("open_pit", f"98 % of iron ore with a known method is open pit ({_E8})"),
    "bauxite": ("open_pit", f"92 % of bauxite with a known method is open pit ({_E8})"),
    "lead": ("mixed", f"zinc-lead ore: 22 % open pit, 16 % both, 62 % underground ({_E8}); 'mixed' as a compromise"),
    "nickel": ("mixed", f"laterites are open cut, sulphides mostly underground ({_E8}); 'mixed' as a compromise"),
    "cobalt": ("open_pit", ("modelling assumption: most cobalt is a by-product of open-pit Cu-Co (DR Congo) and "
               f"Ni laterite mines ({_E8})")),
    "pgm": ("underground", ("Anglo American Platinum: all own-managed PGM mines are underground except "
            f"Mogalakwena ({_E8})")),
    "manganese": ("open_pit", "modelling assumption: most manganese ore is strip-mined (no public share found)"),
    "graphite": ("open_pit", "modelling assumption: flake graphite is mined in open pits (no public share found)"),
    "rare_earths": ("open_pit", "modelling assumption: REE ores and ion-adsorption clays are surface-mined"),
}

_NATIONAL_LITHIUM_TYPE = {"brine": "brine", "hard rock": "open_pit", "mixed": "mixed"}

#: Mining methods a rest row can be split into (a brine operation has no ore to share).
SplitMethod = Literal["open_pit", "mixed", "underground"]
#: What a split's shares divide: the ore mined, or the rest row's metal.
SplitBasis = Literal["ore", "metal"]
#: How far declared shares may sum from 1 (shares read to a tenth of a percent: A40's sum to 0.999).
SHARE_TOLERANCE = 0.005


class MethodSplit(BaseModel, frozen=True):
    """A rest row as one row per mining method: each method's share, what the shares divide, where they were read.

    Why `basis`: a share read of the ore (FINEPRINT's zinc mines, the China Mining Association's
    mining) is not a share of the metal where the methods' grades differ. `ore`: each part's metal
    is set after the gap-fill so that its ore, metal / (grade x recovery) at its own fills, is its
    share of the rest's ore (`split_metal_by_ore`); `metal`: each part's metal is its share.
    Shares are normalised to sum to 1.
    """

    shares: tuple[tuple[SplitMethod, float], ...]
    basis: SplitBasis
    where: RequiredText

    @field_validator("shares")
    @classmethod
    def _one_share_per_method(cls, shares: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
        methods = [method for method, _ in shares]
        if len(methods) < 2 or len(set(methods)) != len(methods):
            raise ValueError("a split names at least two mining methods, each once")
        if not all(0 < share < 1 for _, share in shares):
            raise ValueError("every share lies strictly between 0 and 1")
        total = sum(share for _, share in shares)
        if abs(total - 1) > SHARE_TOLERANCE:
            raise ValueError(f"the shares sum to {total:g}, not 1 (within {SHARE_TOLERANCE:g})")
        return shares

    def normalised(self) -> dict[str, float]:
        """Each method's share, over the shares' sum."""
        total = sum(share for _, share in self.shares)
        return {method: share / total for method, share in self.shares}


#: Declared splits, keyed by commodity (every country's rest) or by (country, commodity), which comes first.
MethodSplits = Mapping[str | tuple[str, str], MethodSplit]

#: Rest-of-country output that is one row per mining method, by each method's share of the
#: ore. Why: one row of one method takes that method's strip ratio (and grade) on all its ore.
#: Zinc: most zinc-lead ore is mined underground; the shares are of FINEPRINT's coverage
#: (17 classified zinc-primary mines, 2017-2019), transferred to every country's rest:
#: assumption A40. Lead needs no split: where it is a co-product of zinc it has no ore of its
#: own (byproducts_2019.csv) and takes its share of every zinc row of its country. China's
#: copper: the global open-pit share (REST_MINE_TYPE) is not China's, where underground mines
#: carry a large part; the one share read is of the mining of China's copper and other
#: non-ferrous and precious-metal mines together, transferred to copper: assumption A41.
REST_METHOD_SPLIT: MethodSplits = {
    "zinc": MethodSplit(
        shares=(("open_pit", 0.218), ("mixed", 0.161), ("underground", 0.620)), basis="ore",
        where=f"FINEPRINT's zinc-primary ore by mining method ({_E8}); assumption A40"),
    (CHINA, "copper"): MethodSplit(
        shares=(("open_pit", 0.58), ("underground", 0.42)), basis="ore",
        where=("the China Mining Association's 2018 figure, as quoted by chinabaogao.com (Jan 2022): underground "
               "mining 'about 42 %' of the mining of China's copper and other non-ferrous and rare/precious-metal "
               "mines, transferred to copper; assumption A41")),
}


def _split_of(country: str, commodity: str, method_split: MethodSplits) -> MethodSplit | None:
    """The split of a rest row: the country's own entry before the commodity's; None where there is none."""
    return method_split.get((country, commodity), method_split.get(commodity))


def _method_parts(country: str, commodity: str, mine_type: str, why: str,
                  method_split: MethodSplits = REST_METHOD_SPLIT) -> tuple[list[tuple[str, str, float]], str]:
    """A rest row's parts, (id suffix, mining method, share of the rest's metal before `split_metal_by_ore`),
    and why: one part of `mine_type`, or one per method of its split (`_split_of`)."""
    split = _split_of(country, commodity, method_split)
    if split is None:
        return [("", mine_type, 1.0)], why
    shares = ", ".join(f"{method.replace('_', ' ')} {share * 100:.1f} %" for method, share in split.shares)
    return ([(f"-{method.replace('_', '-')}", method, share) for method, share in split.normalised().items()],
            f"one row per method by {split.where}: {shares} of the {split.basis}")


def ore_split_metal(metal_t: float, ore_shares: np.ndarray, grade: np.ndarray, recovery: np.ndarray) -> np.ndarray:
    """Each method's metal whose ore, metal / (grade x recovery), is its share of the ore; they sum to `metal_t`.

    With y_i = g_i r_i the metal won per tonne of each method's ore, the rest's ore is
    O = metal_t / sum(s_i y_i) and method i's metal s_i y_i O.
    """
    per_ore = np.asarray(grade, dtype=float) * np.asarray(recovery, dtype=float)
    if not (np.isfinite(per_ore) & (per_ore > 0)).all():
        raise ValueError("an ore split needs every part's grade and recovery (positive)")
    weights = np.asarray(ore_shares, dtype=float) * per_ore
    return metal_t * weights / weights.sum()


def split_metal_by_ore(filled: pd.DataFrame, method_split: MethodSplits = REST_METHOD_SPLIT) -> pd.DataFrame:
    """`filled` (a gap-filled table) with the metal of each ore-basis split's rows set by `ore_split_metal`.

    Why after the gap-fill, in one step: each part needs the grade and recovery the fill gives its
    method, and those do not depend on the parts' metal. A rest row reports no grade, recovery or
    strip ratio of its own, so its metal weighs none of the averages the fill draws on; setting
    it after the fill is the fixed point an iteration of split and fill would reach after one pass
    (tested: filling the split table again changes nothing).
    """
    out = filled.copy()
    rest = out[out["resolution"] == "rest_of_country"]
    for (country, commodity), rows in rest.groupby(["country", "commodity"], sort=False):
        split = _split_of(country, commodity, method_split)
        if split is None or split.basis != "ore":
            continue
        shares = rows["mine_type"].map(split.normalised())
        if shares.isna().any() or len(rows) != len(split.shares):
            raise ValueError(f"the rest rows of {country} {commodity} are not the parts of its split "
                             f"({', '.join(rows['mine_type'])} against {', '.join(split.normalised())})")
        metal = ore_split_metal(rows["metal_t"].sum(), shares.to_numpy(), rows["grade"], rows["recovery"])
        out.loc[rows.index, "metal_t"] = metal
        out.loc[rows.index, "source"] = rows["source"] + [
            f" Its metal: {part / metal.sum() * 100:.1f} % of the rest's, so that its ore at its grade and "
            f"recovery is {share * 100:.1f} % of the rest's ore." for part, share in zip(metal, shares, strict=True)]
    return out


def _reason(named: pd.DataFrame, flag: str) -> str:
    """Why named mines exceed a national figure, from what the rows say about themselves."""
    reasons = []
    other_years = named.loc[named["year"] != BASE_YEAR]
    if len(other_years):
        reasons.append(
            "named mines report other years than 2019 ("
            + ", ".join(f"{r.name} {r.year}" for r in other_years.itertuples()) + ")"
        )
    derived = named.loc[named["metal_method"].str.startswith("derived")]
    if len(derived):
        reasons.append("some mine values are derived with assumptions (" + ", ".join(derived["name"]) + ")")
    if "e" in flag.split(","):
        reasons.append("the national figure is an estimate (USGS flag e)")
    reasons.append("company and national statistics count production on different bases (fiscal year, "
                   "product versus content, 100 % versus attributable)")
    return "; ".join(reasons)


def reconcile(named: pd.DataFrame, national: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rest-of-country production and the reconciliation table for every (commodity, country).

    Returns (`rest`, `table`): `rest` has commodity, country, rest_t; `table` one row per
    pair with national_t, named_t, rest_t, status and reason. Statuses: `rest_of_country`
    (national minus named > 0), `named_equal_national` (named within 1 %, no rest),
    `named_exceed_national` (kept as sourced, not rescaled), `no_national_figure`
    (withheld or unlisted nationally; named mines kept).
    """
    sums = named.groupby(["commodity", "country"])["metal_t"].sum().rename("named_t")
    counts = named.groupby(["commodity", "country"]).size().rename("named_mines")
    table = national.set_index(["commodity", "iso3"]).rename_axis(["commodity", "country"])
    table = table.join(sums, how="outer").join(counts, how="left")
    table["named_t"] = table["named_t"].fillna(0.0)
    table["named_mines"] = table["named_mines"].fillna(0).astype(int)
    table = table.reset_index()
    rest, status, reason = [], [], []
    for row in table.itertuples():
        if pd.isna(row.national_t):
            rest.append(0.0)
            status.append("no_national_figure")
            reason.append("the 2019 national table has no figure for this country (withheld, W, or not listed); "
                          "named mines are kept as sourced")
        elif row.named_t <= row.national_t * (1 - MATCH_TOLERANCE) or row.named_t == 0:
            rest.append(row.national_t - row.named_t)
            status.append("rest_of_country")
            reason.append(None)
        elif row.named_t <= row.national_t * (1 + MATCH_TOLERANCE):
            rest.append(0.0)
            status.append("named_equal_national")
            reason.append("named mines match the national figure within 1 %")
        else:
            rest.append(0.0)
            status.append("named_exceed_national")
            mines = named[(named["commodity"] == row.commodity) & (named["country"] == row.country)]
            reason.append(_reason(mines, str(row.flag or "")))
    table["rest_t"] = rest
    table["status"] = status
    table["reason"] = reason
    table["flag"] = table["flag"].where(table["flag"].fillna("") != "", None)
    table["difference_t"] = table["named_t"] + table["rest_t"] - table["national_t"]
    table["difference_pct"] = 100 * table["difference_t"] / table["national_t"]
    keep = table["status"] == "rest_of_country"
    remainders = table.loc[keep, ["commodity", "country", "rest_t"]].reset_index(drop=True)
    columns = ["commodity", "country", "national_t", "named_t", "named_mines", "rest_t", "difference_t",
               "difference_pct", "status", "reason", "flag", "source_id"]
    return remainders, table[columns]


def rest_rows(rest: pd.DataFrame, national: pd.DataFrame,
              method_split: MethodSplits = REST_METHOD_SPLIT) -> pd.DataFrame:
    """Rest-of-country rows: a representative point of the country, the national source.

    `method_split` replaces the declared `REST_METHOD_SPLIT` (same keys and form), so a caller
    can measure another split (`tracer reconcile` takes the range ends of A40 and A41). The parts
    of an ore-basis split carry its shares of the metal until `split_metal_by_ore` sets their metal.
    """
    points = _representative_points()
    info = {(r["commodity"], r["iso3"]): r for r in national.to_dict(orient="records")}
    records = []
    for row in rest.itertuples():
        nat = info[(row.commodity, row.country)]
        mine_type, why = REST_MINE_TYPE.get(row.commodity, ("mixed", "modelling assumption"))
        if row.commodity == "lithium":
            kind = "mixed" if "mixed" in nat["quantity"] else "brine" if "brine" in nat["quantity"] else "hard rock"
            mine_type, why = _NATIONAL_LITHIUM_TYPE[kind], f"deposit type of the USGS product ({nat['quantity']})"
        lat, lon = points.get(row.country, (np.nan, np.nan))
        base_id = f"{row.country.lower()}-rest-{row.commodity}"
        base_name = f"Rest of {_country_name(row.country)} ({commodities.get(row.commodity).name.lower()}"
        parts, why = _method_parts(row.country, row.commodity, mine_type, why, method_split)
        for suffix, part_type, share in parts:
            method = part_type.replace("_", " ")
            records.append(
                {
                    "mine_id": base_id + suffix,
                    "name": f"{base_name}, {method})" if suffix else f"{base_name})",
                    "country": row.country,
                    "latitude": lat,
                    "longitude": lon,
                    "commodity": row.commodity,
                    "mine_type": part_type,
                    "year": BASE_YEAR,
                    "resolution": "rest_of_country",
                    "metal_t": row.rest_t * share,
                    "metal_method": "derived: 2019 national mine production minus the named mines of this country",
                    "source_ids": nat["source_id"],
                    "source": (
                        f"derived: national 2019 production {_tonnes(nat['national_t'])} ({nat['quantity']}) minus "
                        f"named mines; {nat['source']}. Mining method: {why}." + (f" This row: {method}." if suffix else "")
                        + " Location: representative point of the country (Natural Earth 1:110m, public domain), not a "
                        "mine."
                    ),
                }
            )
    return pd.DataFrame.from_records(records)


def _country_name(iso3: str) -> str:
    """A readable country name for row labels (ISO 3166 common name where there is one)."""
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return USER_ASSIGNED_CODES.get(iso3, iso3)
    return getattr(country, "common_name", country.name)


def _tonnes(value: float) -> str:
    """Tonnes for people: thousands separated, small (PGM) figures with their decimals."""
    return f"{value:,.0f} t" if value >= 100 else f"{value:.4g} t"


def _representative_points() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lat, lon) inside the country, from the shipped boundaries (empty if unavailable)."""
    try:
        from hfcommon.boundaries import representative_points
    except ImportError:  # the boundaries module ships separately; rest rows may then lack coordinates
        return {}
    points = representative_points()
    return {r.iso3: (float(r.latitude), float(r.longitude)) for r in points.itertuples()}
