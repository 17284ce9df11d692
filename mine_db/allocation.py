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
#: Columns a co-product group's rows take from its reference row (the ore body's waste per tonne of ore).
REFERENCE_COLUMNS: tuple[str, ...] = ("strip_ratio", *(f"strip_ratio_fill{s}" for s in ("", "_n", "_sigma", "_group")))
_TEXT = ("mine_id", "commodity", "country", "resolution", "coproduct_group", "grade_fill", "strip_ratio_fill",
         "tailings_basis", "mine_type")
_RANK = {level: i for i, level in enumerate(FILL_ORDER)}


class _Rows:
    """The cells allocation reads and writes, held as arrays and lists for the length of one `allocate`.

    Why: pandas cell access (`.at`, `.loc`, a boolean mask per country) cost about 0.7 s of CPU per
    600-row table, most of `tracer reconcile`'s declared choices. The arithmetic is the same, in the
    same order, on the same float64 values, so the table is bit-identical; `write` puts the columns back.
    """

    def __init__(self, df: pd.DataFrame) -> None:
        self.flows = df[list(FLOWS)].to_numpy(dtype=float, copy=True)
        self.metal = df["metal_t"].to_numpy(dtype=float)
        self.text = {column: df[column].tolist() for column in _TEXT}
        self.mine_ore = df["mine_ore_t"].to_numpy(dtype=float, copy=True)
        self.concentrate = df["concentrate_t"].to_numpy(dtype=float, copy=True)
        self.reference = {c: (df[c].to_numpy(dtype=float, copy=True) if pd.api.types.is_float_dtype(df[c])
                              else df[c].tolist()) for c in REFERENCE_COLUMNS if c in df.columns}
        self.method: list[str | None] = [None] * len(df)
        self.share = np.full(len(df), np.nan)
        self.host: list[str | None] = [None] * len(df)
        self.given = np.full(len(df), np.nan)
        self.notes: list[list[str]] = [[] for _ in range(len(df))]
        self.ids: list[list[str]] = [[] for _ in range(len(df))]
        self.by_place: dict[tuple[object, object], list[int]] = {}
        for i, key in enumerate(zip(self.text["country"], self.text["commodity"])):
            self.by_place.setdefault(key, []).append(i)

    def producing(self, country: str, commodity: str) -> list[int]:
        """Rows of `commodity` in `country` with production, in table order."""
        return [i for i in self.by_place.get((country, commodity), []) if self.metal[i] > 0]

    def write(self, out: pd.DataFrame) -> None:
        """Put every column allocation changed back into `out`, each in its own dtype."""
        out[list(FLOWS)] = self.flows
        out["mine_ore_t"] = self.mine_ore
        out["concentrate_t"] = self.concentrate
        for column, values in self.reference.items():
            out[column] = pd.Series(values, index=out.index, dtype=out[column].dtype)
        out["allocation_method"] = pd.Series(self.method, index=out.index, dtype="object")
        out["allocation_share"] = self.share
        out["byproduct_host"] = pd.Series(self.host, index=out.index, dtype="object")
        out["byproduct_share"] = self.given


class _Weights:
    """Allocation weight of a row: production x 2019 price (value) or production (mass)."""

    def __init__(self, rows: _Rows, method: str, prices: pd.DataFrame, prices_file: str) -> None:
        self.rows, self.method, self.file = rows, method, prices_file
        self.prices = {str(code): float(p) for code, p in prices["price_usd_per_t"].items()}
        self.sources = {str(code): str(s).split(";") for code, s in prices["source_id"].items()}

    def price(self, index: int) -> float:
        code = self.rows.text["commodity"][index]
        if code not in self.prices:
            raise InputError(
                f"no 2019 price for {code}, needed to allocate {self.rows.text['mine_id'][index]} by value; add a row",
                file=self.file, column="commodity")
        return self.prices[code]

    def value(self, index: int) -> float:
        return float(self.rows.metal[index]) * self.price(index)

    def __call__(self, index: int) -> float:
        return self.value(index) if self.method == "value" else float(self.rows.metal[index])

    def describe(self, index: int) -> str:
        metal = float(self.rows.metal[index])
        unit = commodities.get(self.rows.text["commodity"][index]).unit
        if self.method == "mass":
            return f"{metal:,.6g} {unit}"
        return f"{metal:,.6g} {unit} x {self.price(index):,.0f} $/t"

    def source_ids(self, index: int) -> list[str]:
        ids = list(METHOD_SOURCE_IDS)
        if self.method == "value":
            ids += self.sources[self.rows.text["commodity"][index]]
        return ids


def _add_ids(current: object, ids: list[str]) -> str:
    existing = [i for i in str(current or "").split(";") if i and i != "nan"]
    return ";".join(dict.fromkeys(existing + [i for i in ids if i]))


def _money(amount: float, method: str) -> str:
    return f"{amount / 1e6:,.1f} M$" if method == "value" else f"{amount:,.6g} t"


def _reference(rows: _Rows, index: list[int], weight: _Weights) -> int:
    """The row whose derivation best describes the ore body: best grade, then strip ratio, then 2019 value.

    The value ranks even under mass allocation, so the ore body is the same whichever way it is shared.
    """
    text = rows.text

    def key(i: int) -> tuple[int, int, float, str]:
        return (_RANK.get(text["grade_fill"][i], len(_RANK)), _RANK.get(text["strip_ratio_fill"][i], len(_RANK)),
                -weight.value(i), str(text["mine_id"][i]))
    return min(index, key=key)


def _groups(rows: _Rows) -> dict[str, list[int]]:
    """Rows of each named co-product group, groups in sorted order, rows in table order."""
    members: dict[str, list[int]] = {}
    for i, group in enumerate(rows.text["coproduct_group"]):
        if not pd.isna(group):
            members.setdefault(group, []).append(i)
    return dict(sorted(members.items()))


def _named_groups(rows: _Rows, weight: _Weights) -> None:
    """One pool per co-product group: reported (or reference-derived) ore, reference waste, ore minus concentrates."""
    text, flows = rows.text, rows.flows
    for group, index in _groups(rows).items():
        ref = _reference(rows, index, weight)
        reported = [i for i in index if not np.isnan(rows.mine_ore[i])]
        if len(reported) and not np.allclose(rows.mine_ore[reported], rows.mine_ore[reported[0]], rtol=1e-9):
            raise InputError(f"co-product group {group} reports different whole-mine ore on its rows",
                             column="mine_ore_t", row=reported[1] + 2)
        ref_ore = float(flows[ref, 0])
        ore = float(rows.mine_ore[reported[0]]) if reported else ref_ore
        if ore <= 0 or ref_ore <= 0:
            continue
        scale = ore / ref_ore
        overburden = float(flows[ref, 1]) * scale
        waste_rock = float(flows[ref, 2]) * scale
        if text["tailings_basis"][ref] == "reported" or text["mine_type"][ref] == "brine":
            tailings = float(flows[ref, 3]) * scale
        else:
            tailings = max(ore - float(np.nan_to_num(rows.concentrate[index], nan=0.0).sum()), 0.0)
        weights = np.array([weight(i) for i in index], dtype=float)
        total = float(weights.sum())
        shares = weights / total if total > 0 else np.where(np.array(index) == ref, 1.0, 0.0)
        how = ("the mine's reported ore" if reported
               else f"ore derived from its {text['commodity'][ref]} row ({text['grade_fill'][ref]}-level grade)")
        for k, i in enumerate(index):
            share = float(shares[k])
            flows[i] = [share * ore, share * overburden, share * waste_rock, share * tailings]
            rows.mine_ore[i] = ore
            for values in rows.reference.values():
                values[i] = values[ref]
            rows.share[i] = share
            rows.method[i] = weight.method
            rows.notes[i].append(
                f"Co-product group {group}: one ore body of {ore:,.0f} t ({how}), waste per t ore of its "
                f"{text['commodity'][ref]} row; ore and waste allocated by {weight.method} (ISO 14044 4.3.4.2; "
                f"modelling choice), tailings = ore share minus own concentrate: {weight.describe(i)} = "
                f"{_money(weights[k], weight.method)} of {_money(total, weight.method)}, share {share:.4f}.")
            rows.ids[i] += weight.source_ids(i)


def _byproducts(rows: _Rows, table: pd.DataFrame, weight: _Weights, file: str) -> None:
    """Rest-of-country by-products take a value share of their country's host rows (module doc)."""
    hosted = table[table["host"] != PRIMARY]
    for (country, host), specs in hosted.groupby(["country", "host"], sort=True):
        hosts = rows.producing(country, host)
        slices: dict[int, list[tuple[int, float]]] = {h: [] for h in hosts}
        received: dict[int, np.ndarray] = {}
        relation_of: dict[int, str] = {}
        for spec in specs.itertuples():
            rest = [i for i in rows.producing(country, spec.byproduct)
                    if rows.text["resolution"][i] == "rest_of_country"]
            if not rest:
                continue
            b = rest[0]
            relation = text_cell(getattr(spec, "relation", None)) or "byproduct"
            groups = rows.text["coproduct_group"]
            reported_with = {groups[i] for i in rows.by_place.get((country, spec.byproduct), [])
                             if not pd.isna(groups[i])}
            eligible = [h for h in hosts if groups[h] not in reported_with] or list(hosts)
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
            rows.share[b] = fraction
            rows.method[b] = weight.method
            rows.host[b] = host
            kind = "Co-product of" if relation == "coproduct" else "By-product of"
            ore_body = " (one joint ore body, counted through the host's rows)" if relation == "coproduct" else ""
            rows.notes[b].append(
                f"{kind} {host} in {country} ({spec.basis}: byproducts_2019.csv row {spec.row}): no ore of its "
                f"own{ore_body} (its grade is not used); it takes a {weight.method} share of the ore and waste of "
                f"{len(eligible)} {host} row(s) of {country}: {weight.describe(b)} = {_money(value, weight.method)} "
                f"against {_money(host_value, weight.method)} of {host}, {fraction:.4f} of the pooled value.")
            rows.ids[b] += weight.source_ids(b) + [spec.source_id]
        _share_hosts(rows, slices, received, relation_of, weight, country)
        for b, flows in received.items():
            rows.flows[b] = flows
            ore = flows[0]
            rows.reference["strip_ratio"][b] = (flows[1] + flows[2]) / ore if ore > 0 else 0.0
            rows.mine_ore[b] = np.nan


def _share_hosts(rows: _Rows, slices: dict[int, list[tuple[int, float]]], received: dict[int, np.ndarray],
                 relation_of: dict[int, str], weight: _Weights, country: str) -> None:
    """Each host row keeps v_h / (v_h + sum_b v_bh) of its flows and hands the rest to its by-products."""
    for h, parts in slices.items():
        if not parts:
            continue
        own = weight(h)
        total = own + sum(v for _, v in parts)
        flows = rows.flows[h].copy()
        for b, v in parts:
            received[b] += flows * (v / total)
        given = 1.0 - own / total
        rows.flows[h] = flows * (own / total)
        rows.given[h] = given
        if rows.method[h] is None:
            rows.method[h] = weight.method
        names = ", ".join(sorted({str(rows.text["commodity"][b]) for b, _ in parts}))
        kinds = {relation_of[b] for b, _ in parts}
        word = {"byproduct": "by-product", "coproduct": "co-product"}[kinds.pop()] if len(kinds) == 1 else \
            "by- and co-products"
        rows.notes[h].append(f"{given:.4f} of this row's ore and waste allocated by {weight.method} to the "
                             f"{word} {names} of {country} (byproducts_2019.csv).")
        rows.ids[h] += weight.source_ids(h)


def _mass_balance(rows: _Rows, derived: np.ndarray) -> None:
    """Tailings of each allocated row = its allocated ore minus its own concentrate.

    This keeps every site's mass balance (ore in = tailings + concentrate out), which the
    supply-chain network relies on, and over a co-product group it equals the pool's
    tailings (ore minus every product's concentrate). Reported tailings keep their shared
    value. Where a row's ore share is lighter than its concentrate (a precious by-product
    under mass allocation), the concentrate is capped at the ore share and said so.
    `derived`: the allocated rows whose tailings are derived (not reported, not brine).
    """
    ore = rows.flows[:, 0]
    concentrate = np.nan_to_num(rows.concentrate, nan=0.0)
    capped = derived & (concentrate > ore)
    for i in np.flatnonzero(capped):
        rows.notes[i].append(f"Its ore share ({ore[i]:,.6g} t) is lighter than its concentrate "
                             f"({concentrate[i]:,.6g} t): concentrate capped at the ore share, no tailings.")
    rows.concentrate[capped] = ore[capped]
    concentrate[capped] = ore[capped]
    rows.flows[derived, 3] = ore[derived] - concentrate[derived]


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
    if "coproduct_group" not in out.columns:
        out["coproduct_group"] = None
    if "mine_ore_t" not in out.columns:
        out["mine_ore_t"] = np.nan
    if "source_ids" not in out.columns:
        out["source_ids"] = ""
    out["standalone_hidden_t"] = out["hidden_t"].astype(float)
    rows = _Rows(out)
    weight = _Weights(rows, method, prices, prices_file or str(PRICES))
    _named_groups(rows, weight)
    _byproducts(rows, byproducts, weight, byproducts_file or str(BYPRODUCTS))
    changed = np.array([m is not None for m in rows.method], dtype=bool)
    _mass_balance(rows, changed & (out["tailings_basis"] != "reported").to_numpy()
                  & (out["mine_type"] != "brine").to_numpy())
    rows.write(out)
    for basis in ("ore_basis", "waste_basis", "tailings_basis"):
        out[basis] = out[basis].where(~changed, "allocated")
    out["hidden_t"] = out["overburden_t"] + out["waste_rock_t"] + out["tailings_t"]
    per_tonne = out["metal_t"].where(out["metal_t"] > 0)
    for stem in ("ore", "concentrate", "overburden", "waste_rock", "tailings", "hidden"):
        if f"{stem}_t" in out.columns:
            out[f"{stem}_per_t"] = out[f"{stem}_t"] / per_tonne
    source, source_ids = out["source"].tolist(), out["source_ids"].tolist()
    for i in np.flatnonzero(changed):
        source[i] = f"{source[i]} Allocation: {' '.join(rows.notes[i])}"
        source_ids[i] = _add_ids(source_ids[i], rows.ids[i])
    out["source"] = pd.Series(source, index=out.index, dtype=out["source"].dtype)
    out["source_ids"] = pd.Series(source_ids, index=out.index, dtype=out["source_ids"].dtype)
    return out
