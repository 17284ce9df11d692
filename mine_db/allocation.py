"""Sharing one ore body's ore, waste rock, overburden and tailings among the metals it yields.

Why this module exists. A tonne of rock moved at a polymetallic mine is moved once, however many
metals come out of it. Deriving each product's ore from its own grade ("as if mined alone")
counts the same rock once per product: the DR Congo's copper-cobalt ores were counted as copper
ore *and* as cobalt ore (cobalt at 3,089 t of hidden flows per t Co, from a 0.094 % Co default
grade), Norilsk's ore as nickel, copper and PGM ore. This module counts the ore body once and
shares it.

How it is shared. ISO 14044:2006 (clause 4.3.4.2) asks to avoid allocation, else to partition
by a physical relationship that reflects how the inputs change with the outputs, else by
another relationship such as economic value. A mine's ore cannot be subdivided among its metals,
and no physical relationship tells how much rock a tonne of palladium "causes": the rock is
moved for the revenue of the ore, and a recovered-mass split gives precious by-products almost
nothing. So the default is **economic (value) allocation**, the usual choice for co-produced
metals in LCA databases (ecoinvent's metals inventories, Classen et al. 2009) and in TMR
accounting: a product's share is its production x its 2019 average price over the ore body's
total. `method="mass"` gives the recovered-mass split instead; every allocated row names its
method (`allocation_method`) and share (`allocation_share`).

Two kinds of ore body are shared:

1. **Named co-product groups** (`coproduct_group`, one ore body per mine). The ore is the
   mine's reported ore (`mine_ore_t`), else the ore derived from the group's best-sourced row
   (best grade fill level, then best strip-ratio fill level, then highest value); waste per
   tonne of ore is that reference row's. Each row gets its share of ore and waste; its
   tailings are its ore share minus its own concentrate, so every row keeps its mass balance
   and the group's tailings are the ore minus every product's concentrate.
2. **By-products and co-products of a country's host production** (`data/sources/byproducts_2019.csv`):
   the rest-of-country row of a by-product (cobalt from copper in the DR Congo, from nickel in
   Russia; nickel and cobalt from PGM ores in South Africa; ...) or of a co-product mined from
   the same ore body as the host (`relation` `coproduct`: lead from the zinc-lead ores of ~40
   countries, whose lead and zinc rows were each derived from their own ore) gets no ore of its
   own. The host's rows carry the joint ore body (for lead: the zinc rows, zinc being the larger
   part of the value of the world's zinc-lead ores; the choice is recorded in the table). Its
   production is spread over the country's host rows in proportion to their value (host rows
   whose co-product group already reports that by-product are left out, unless no other host
   row exists), and each host row shares its flows with its slice of by-product by value:
   host row h keeps v_h / (v_h + sum_b v_bh) of its flows, by-product b receives
   v_bh / (v_h + sum_b v_bh), where v_bh = v_b x v_h / (sum of v over b's host rows). Ore and
   stripping waste move between commodities, never created or destroyed (`byproduct_share` on
   host rows); tailings follow each row's mass balance, so the country's tailings fall by
   exactly the by-product's concentrate, which the host rows had counted as tailings.

A by-product's own grade and recovery stay on its row for information; they no longer make
its ore. Untracked co-products (gold, silver, molybdenum, sulphuric acid) get no share, so the
tracked metals carry all of their ore body: an upper bound for them. Allocated tonnages carry
`*_basis == "allocated"` and are kept as they are when a written table is read again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from mine_db import commodities
from mine_db.allocation_tables import (
    BYPRODUCTS,
    PRICES,
    PRIMARY,
    read_byproducts,
    read_prices,
    text_cell,
)
from mine_db.schema import FILL_ORDER

METHODS: tuple[str, ...] = ("value", "mass")
FLOWS: tuple[str, ...] = ("ore_t", "overburden_t", "waste_rock_t", "tailings_t")
#: Bibliography ids of the allocation method (mine_db/data/sources/sources.csv).
METHOD_SOURCE_IDS: tuple[str, ...] = ("iso14044", "ecoinvent_metals_2009")
_RANK = {level: i for i, level in enumerate(FILL_ORDER)}


class _Weights:
    """Allocation weight of a row: production x 2019 price (value) or production (mass)."""

    def __init__(self, df: pd.DataFrame, method: str, prices: pd.DataFrame, prices_file: str) -> None:
        self.df, self.method, self.prices, self.file = df, method, prices, prices_file

    def price(self, index: int) -> float:
        code = self.df.at[index, "commodity"]
        if code not in self.prices.index:
            raise InputError(
                f"no 2019 price for {code}, needed to allocate {self.df.at[index, 'mine_id']} by value; add a row",
                file=self.file, column="commodity")
        return float(self.prices.at[code, "price_usd_per_t"])

    def __call__(self, index: int) -> float:
        metal = float(self.df.at[index, "metal_t"])
        return metal * self.price(index) if self.method == "value" else metal

    def describe(self, index: int) -> str:
        row = self.df.loc[index]
        unit = commodities.get(row["commodity"]).unit
        if self.method == "mass":
            return f"{row['metal_t']:,.6g} {unit}"
        return f"{row['metal_t']:,.6g} {unit} x {self.price(index):,.0f} $/t"

    def source_ids(self, index: int) -> list[str]:
        ids = list(METHOD_SOURCE_IDS)
        if self.method == "value":
            ids += str(self.prices.at[self.df.at[index, "commodity"], "source_id"]).split(";")
        return ids


def _add_ids(current: object, ids: list[str]) -> str:
    existing = [i for i in str(current or "").split(";") if i and i != "nan"]
    return ";".join(dict.fromkeys(existing + [i for i in ids if i]))


def _money(amount: float, method: str) -> str:
    return f"{amount / 1e6:,.1f} M$" if method == "value" else f"{amount:,.6g} t"


def _reference(df: pd.DataFrame, index: pd.Index, weight: _Weights) -> int:
    """The row whose derivation best describes the ore body: best grade, then strip ratio, then 2019 value.

    The value ranks even under mass allocation, so the ore body is the same whichever way it is shared.
    """
    by_value = _Weights(df, "value", weight.prices, weight.file)

    def key(i: int) -> tuple[int, int, float, str]:
        return (_RANK.get(df.at[i, "grade_fill"], len(_RANK)), _RANK.get(df.at[i, "strip_ratio_fill"], len(_RANK)),
                -by_value(i), str(df.at[i, "mine_id"]))
    return min(index, key=key)


def _named_groups(df: pd.DataFrame, weight: _Weights, notes: list[list[str]], ids: list[list[str]]) -> None:
    """One pool per co-product group: reported (or reference-derived) ore, reference waste, ore minus concentrates."""
    grouped = df[df["coproduct_group"].notna()].groupby("coproduct_group", sort=True)
    for group, rows in grouped:
        index = rows.index
        ref = _reference(df, index, weight)
        reported = rows["mine_ore_t"].dropna()
        if len(reported) and not np.allclose(reported, reported.iloc[0], rtol=1e-9):
            raise InputError(f"co-product group {group} reports different whole-mine ore on its rows",
                             column="mine_ore_t", row=int(reported.index[1]) + 2)
        ref_ore = float(df.at[ref, "ore_t"])
        ore = float(reported.iloc[0]) if len(reported) else ref_ore
        if ore <= 0 or ref_ore <= 0:
            continue
        scale = ore / ref_ore
        overburden = float(df.at[ref, "overburden_t"]) * scale
        waste_rock = float(df.at[ref, "waste_rock_t"]) * scale
        if df.at[ref, "tailings_basis"] == "reported" or df.at[ref, "mine_type"] == "brine":
            tailings = float(df.at[ref, "tailings_t"]) * scale
        else:
            tailings = max(ore - float(rows["concentrate_t"].fillna(0.0).sum()), 0.0)
        weights = pd.Series([weight(i) for i in index], index=index, dtype=float)
        total = float(weights.sum())
        shares = weights / total if total > 0 else pd.Series(np.where(index == ref, 1.0, 0.0), index=index)
        how = ("the mine's reported ore" if len(reported)
               else f"ore derived from its {df.at[ref, 'commodity']} row ({df.at[ref, 'grade_fill']}-level grade)")
        for i in index:
            share = float(shares[i])
            df.loc[i, list(FLOWS)] = [share * ore, share * overburden, share * waste_rock, share * tailings]
            df.at[i, "mine_ore_t"] = ore
            for column in ("strip_ratio", *(f"strip_ratio_fill{suffix}" for suffix in ("", "_n", "_sigma", "_group"))):
                df.at[i, column] = df.at[ref, column]
            df.at[i, "allocation_share"] = share
            df.at[i, "allocation_method"] = weight.method
            notes[i].append(
                f"Co-product group {group}: one ore body of {ore:,.0f} t ({how}), waste per t ore of its "
                f"{df.at[ref, 'commodity']} row; ore and waste allocated by {weight.method} (ISO 14044 4.3.4.2; "
                f"modelling choice), tailings = ore share minus own concentrate: {weight.describe(i)} = "
                f"{_money(weights[i], weight.method)} of {_money(total, weight.method)}, share {share:.4f}.")
            ids[i] += weight.source_ids(i)


def _byproducts(df: pd.DataFrame, table: pd.DataFrame, weight: _Weights, file: str, notes: list[list[str]],
                ids: list[list[str]]) -> None:
    """Rest-of-country by-products take a value share of their country's host rows (module doc)."""
    hosted = table[table["host"] != PRIMARY]
    for (country, host), specs in hosted.groupby(["country", "host"], sort=True):
        in_country = df["country"] == country
        hosts = df.index[in_country & (df["commodity"] == host) & (df["metal_t"] > 0)]
        slices: dict[int, list[tuple[int, float]]] = {h: [] for h in hosts}
        received: dict[int, np.ndarray] = {}
        relation_of: dict[int, str] = {}
        for spec in specs.itertuples():
            rest = df.index[in_country & (df["commodity"] == spec.byproduct) & (df["resolution"] == "rest_of_country")
                            & (df["metal_t"] > 0)]
            if not len(rest):
                continue
            b = int(rest[0])
            relation = text_cell(getattr(spec, "relation", None)) or "byproduct"
            reported_with = set(df.loc[in_country & (df["commodity"] == spec.byproduct), "coproduct_group"].dropna())
            eligible = [h for h in hosts if df.at[h, "coproduct_group"] not in reported_with] or list(hosts)
            if not eligible:
                raise InputError(
                    f"{spec.byproduct} in {country} is declared a by-product of {host}, but the table has no {host} "
                    f"production in {country}", file=file, row=spec.row, column="host")
            host_value = sum(weight(h) for h in eligible)
            value = weight(b)
            for h in eligible:
                slices[h].append((b, value * weight(h) / host_value))
            received[b] = np.zeros(len(FLOWS))
            relation_of[b] = relation
            fraction = value / (value + host_value)
            df.at[b, "allocation_share"] = fraction
            df.at[b, "allocation_method"] = weight.method
            df.at[b, "byproduct_host"] = host
            kind = "Co-product of" if relation == "coproduct" else "By-product of"
            ore_body = " (one joint ore body, counted through the host's rows)" if relation == "coproduct" else ""
            notes[b].append(
                f"{kind} {host} in {country} ({spec.basis}: byproducts_2019.csv row {spec.row}): no ore of its "
                f"own{ore_body} (its grade is not used); it takes a {weight.method} share of the ore and waste of "
                f"{len(eligible)} {host} row(s) of {country}: {weight.describe(b)} = {_money(value, weight.method)} "
                f"against {_money(host_value, weight.method)} of {host}, {fraction:.4f} of the pooled value.")
            ids[b] += weight.source_ids(b) + [spec.source_id]
        for h, parts in slices.items():
            if not parts:
                continue
            own = weight(h)
            total = own + sum(v for _, v in parts)
            flows = df.loc[h, list(FLOWS)].to_numpy(dtype=float)
            for b, v in parts:
                received[b] += flows * (v / total)
            given = 1.0 - own / total
            df.loc[h, list(FLOWS)] = flows * (own / total)
            df.at[h, "byproduct_share"] = given
            if pd.isna(df.at[h, "allocation_method"]):
                df.at[h, "allocation_method"] = weight.method
            names = ", ".join(sorted({str(df.at[b, "commodity"]) for b, _ in parts}))
            kinds = {relation_of[b] for b, _ in parts}
            word = {"byproduct": "by-product", "coproduct": "co-product"}[kinds.pop()] if len(kinds) == 1 else \
                "by- and co-products"
            notes[h].append(f"{given:.4f} of this row's ore and waste allocated by {weight.method} to the "
                            f"{word} {names} of {country} (byproducts_2019.csv).")
            ids[h] += weight.source_ids(h)
        for b, flows in received.items():
            df.loc[b, list(FLOWS)] = flows
            ore = flows[0]
            df.at[b, "strip_ratio"] = (flows[1] + flows[2]) / ore if ore > 0 else 0.0
            df.at[b, "mine_ore_t"] = np.nan


def _mass_balance(df: pd.DataFrame, changed: pd.Series, notes: list[list[str]]) -> None:
    """Tailings of each allocated row = its allocated ore minus its own concentrate.

    This keeps every site's mass balance (ore in = tailings + concentrate out), which the
    supply-chain network relies on, and over a co-product group it equals the pool's
    tailings (ore minus every product's concentrate). Reported tailings keep their shared
    value. Where a row's ore share is lighter than its concentrate (a precious by-product
    under mass allocation), the concentrate is capped at the ore share and said so.
    """
    derived = changed & (df["tailings_basis"] != "reported") & (df["mine_type"] != "brine")
    for i in np.flatnonzero(derived.to_numpy()):
        ore = float(df.at[i, "ore_t"])
        concentrate = df.at[i, "concentrate_t"]
        concentrate = 0.0 if pd.isna(concentrate) else float(concentrate)
        if concentrate > ore:
            notes[i].append(f"Its ore share ({ore:,.6g} t) is lighter than its concentrate ({concentrate:,.6g} t): "
                            "concentrate capped at the ore share, no tailings.")
            df.at[i, "concentrate_t"] = concentrate = ore
        df.at[i, "tailings_t"] = ore - concentrate


def allocate(df: pd.DataFrame, method: str = "value", prices: pd.DataFrame | None = None,
             byproducts: pd.DataFrame | None = None, *, prices_file: str | None = None,
             byproducts_file: str | None = None) -> pd.DataFrame:
    """Share ore bodies among their products (module doc) on a table with stand-alone hidden flows.

    `df` is what `mine_db.flows.derive_hidden_flows` returns, each row derived as if mined
    alone, with `coproduct_group` and `mine_ore_t` (the whole mine's reported ore) where
    known. `prices` (`read_prices`) and `byproducts` (`read_byproducts`) default to the bundled
    tables; pass an empty by-product table to allocate named groups only. Returns a new table:
    ore, overburden, waste rock and tailings re-allocated, hidden and per-tonne columns
    recomputed, the columns of `COLUMNS` added, and each allocated row's `source` saying how.
    """
    if method not in METHODS:
        raise InputError(f"unknown allocation method {method!r}; use one of {', '.join(METHODS)}",
                         column="allocation_method")
    prices = read_prices() if prices is None else prices
    byproducts = read_byproducts() if byproducts is None else byproducts
    out = df.copy().reset_index(drop=True)
    for column in ("coproduct_group",):
        if column not in out.columns:
            out[column] = None
    if "mine_ore_t" not in out.columns:
        out["mine_ore_t"] = np.nan
    if "source_ids" not in out.columns:
        out["source_ids"] = ""
    out["standalone_hidden_t"] = out["hidden_t"].astype(float)
    out["allocation_method"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out["allocation_share"] = np.nan
    out["byproduct_host"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out["byproduct_share"] = np.nan
    notes: list[list[str]] = [[] for _ in range(len(out))]
    ids: list[list[str]] = [[] for _ in range(len(out))]
    weight = _Weights(out, method, prices, prices_file or str(PRICES))
    _named_groups(out, weight, notes, ids)
    _byproducts(out, byproducts, weight, byproducts_file or str(BYPRODUCTS), notes, ids)

    changed = out["allocation_method"].notna()
    _mass_balance(out, changed, notes)
    for basis in ("ore_basis", "waste_basis", "tailings_basis"):
        out[basis] = out[basis].where(~changed, "allocated")
    out["hidden_t"] = out["overburden_t"] + out["waste_rock_t"] + out["tailings_t"]
    per_tonne = out["metal_t"].where(out["metal_t"] > 0)
    for stem in ("ore", "concentrate", "overburden", "waste_rock", "tailings", "hidden"):
        if f"{stem}_t" in out.columns:
            out[f"{stem}_per_t"] = out[f"{stem}_t"] / per_tonne
    for i in np.flatnonzero(changed.to_numpy()):
        out.at[i, "source"] = f"{out.at[i, 'source']} Allocation: {' '.join(notes[i])}"
        out.at[i, "source_ids"] = _add_ids(out.at[i, "source_ids"], ids[i])
    return out
