"""Import the FINEPRINT mine production database into the canonical site table.

FINEPRINT (Jasansky, Lieber, Giljum, Maus 2023, *An open database on global coal and
metal mine production*, Scientific Data 10:52) gives company-reported ore, grades,
recoveries, concentrates and waste per facility and year. Why an importer: a user who
downloads it gets mine-level resolution for the tracer in one command. The rules,
each a choice a reader may want to change:

* **Layout.** A folder holding `facilities.csv` (geometry `geom` as R text
  `c(lon, lat)` or as WKT), `minerals.csv`, `commodities.csv`, `waste.csv` and
  optionally `source_ids.csv` (or one sub-folder that does). Masses are tonnes,
  grades ppm (x 1e-6 -> mass fraction).
* **Sites.** Only facilities whose type includes "Mine". Sub-sites (`.01`, `.02`, ...)
  roll up to their main facility (`.00`): per year and stream, the main facility's own
  figure is used when it reports one, else the sum over its sub-sites.
* **Commodities.** Me.Cu/Ni/Co/Zn/Pb/Mn/Fe map to our codes one to one; Me.Li2O is
  converted to Li (x 0.4646 = 2 x 6.941 / 29.881, atomic masses); PGM is Pt + Pd
  where reported, else Me.pgm (3E/4E as reported). Bauxite (O.Al) is counted as gross
  ore: its production is the bauxite tonnage itself, and its Al2O3 grade is not a
  grade on that basis (see `mine_db.commodities`), so it is not imported.
* **Production (metal_t).** Metal reported in ore streams, else metal in concentrate,
  else concentrate tonnage x the commodity's default concentrate grade (said so in
  the row's source). An ore-stream row graded at half the concentrate grade or more
  is a concentrate figure filed as ore (Mt Cattlin's 5.9 % Li2O rows) and is not
  used, except for direct-shipping commodities (iron ore, bauxite, manganese). In 737 of the 841 ore-stream rows that give
  ore, grade and recovery, the metal equals ore x grade x recovery (recovered metal);
  a row closer to ore x grade (contained metal) is multiplied by its recovery.
* **Polymetallic ore.** The ore of a stream (O.bulk, O.sul, O.oxi, ...; ore processed,
  else ore mined) is allocated to the tracked commodities in it in proportion to their
  2019 value (recovered metal x `mine_db/data/sources/prices_2019.csv`, the convention of
  `mine_db.allocation`), or to their recovered metal mass with `allocation="mass"` or
  where a metal of the stream has no price (said in the row's source). Untracked
  co-products (gold, silver, molybdenum, uranium) get no share, so the tracked metals
  carry all of the ore: an upper bound for them. A shared-ore stream with no tracked
  metal of its own is allocated by the mine-year's tracked metals the same way; a
  commodity-specific ore (O.Fe, O.Cu, ...) goes to its metal.
* **Year.** 2019 where the mine+commodity has production that year, else the most
  recent year that has it.
* **Waste.** A mine's strip ratio uses every year it reports, not only the chosen one:
  waste rock (and unlabelled waste) tonnes, else total material minus ore mined, summed
  over every year that also reports ore mined, divided by that ore (a tonnage-weighted
  ratio: a pushback year weighs as much rock as it moved); where no year has both, the
  median of the reported stripping or waste-to-ore ratios. The row carries the ratio
  (its source says over which years), and its stripping waste follows from it and the
  row's ore, so an allocated ore share takes its share of the waste. Stripping waste goes
  to the commodity's kind (overburden for bauxite), waste rock for underground mines.
  Tailings are the chosen year's, shared like the ore.
* **Mine type** from the equipment text of the mine and its sub-sites (open pit / open
  cut / surface; underground; both = mixed), else the waste table's mining method,
  else open pit, noted in the row's source.
* Mines without valid coordinates (none, or latitude/longitude out of range, as
  where FINEPRINT swapped them) or without any production figure are skipped, and
  counted in the summary with the reason. Values the schema would reject (grades
  above 100 %, recoveries above 1) are blanked and listed in `dropped`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from mine_db import commodities
from mine_db.allocation import METHODS, read_prices
from mine_db.fineprint_metals import metal_rows, mine_id, mine_year_commodity
from mine_db.fineprint_tables import (
    folder_of,
    mine_type,
    read_facilities,
    read_table,
    roll_up,
    source_names,
)
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

CITATION = "FINEPRINT (Jasansky et al. 2023, Sci. Data 10:52)"
PREFERRED_YEAR = 2019
_SITE_COLUMNS = ("mine_id", "name", "country", "latitude", "longitude", "commodity", "mine_type", "year",
                 "resolution", "metal_t", "ore_t", "grade", "recovery", "concentrate_grade", "strip_ratio",
                 "overburden_t", "waste_rock_t", "tailings_t", "stripping_waste", "source")


@dataclass(frozen=True)
class FineprintImport:
    """The imported canonical table, the mine+commodity pairs left out and the values blanked, with why."""

    sites: pd.DataFrame
    skipped: pd.DataFrame = field(repr=False)
    dropped: pd.DataFrame = field(repr=False)

    def summary(self) -> dict[str, object]:
        """Per commodity: sites, and how many have grade, ore tonnage and waste data of their own."""
        s = self.sites
        per: dict[str, dict[str, int]] = {}
        for code in commodities.CODES:
            rows = s[s["commodity"] == code]
            per[code] = {
                "sites": len(rows),
                "with_grade": int((rows["grade_fill"] == "mine").sum()),
                "with_ore_t": int((rows["ore_basis"] == "reported").sum()),
                "with_waste": int(((rows["waste_basis"] == "reported") | (rows["strip_ratio_fill"] == "mine")).sum()),
                "year_2019": int((rows["year"] == PREFERRED_YEAR).sum()),
            }
        skipped = self.skipped.groupby("reason").size().to_dict() if len(self.skipped) else {}
        dropped = self.dropped.groupby("column").size().to_dict() if len(self.dropped) else {}
        return {
            "sites": len(s),
            "by_commodity": per,
            "skipped": {str(k): int(v) for k, v in skipped.items()},
            "values_dropped": {str(k): int(v) for k, v in dropped.items()},
        }


def _waste(folder: Path, minerals: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Tailings per (root, year); per root the strip ratio over every year it reports, and how it was made."""
    waste = read_table(folder, "waste")
    for column in ("value_tonnes", "total_material_tonnes", "stripping_ratio", "waste_to_ore_ratio"):
        waste[column] = pd.to_numeric(waste[column], errors="coerce")
    waste = roll_up(waste, ["root", "year"])
    kind = waste["waste_type"].fillna("Waste rock")
    rock = waste[kind.isin(["Waste rock", "Overburden"])].groupby(["root", "year"])["value_tonnes"].sum(min_count=1)
    tailings = waste[kind.isin(["Tailings", "Dry tailings"])].groupby(["root", "year"])["value_tonnes"].sum(min_count=1)
    total = waste.groupby(["root", "year"])["total_material_tonnes"].sum(min_count=1)
    mined = minerals[minerals["type"] == "Ore mined"]
    mined = mined.assign(v=pd.to_numeric(mined["value_tonnes"], errors="coerce"))
    mined = roll_up(mined, ["root", "year"]).groupby(["root", "year"])["v"].sum(min_count=1)
    from_total = (total - mined.reindex(total.index)).where(lambda x: x > 0)
    rock = rock.combine_first(from_total).dropna()
    years = pd.DataFrame({"waste": rock, "ore": mined.reindex(rock.index)}).dropna()
    years = years[years["ore"] > 0].reset_index()
    by_root = years.groupby("root")
    weighted = pd.DataFrame({
        "strip_ratio": by_root["waste"].sum() / by_root["ore"].sum(),
        "how": by_root["year"].agg(lambda y: f"waste / ore mined summed over {len(y)} year(s), "
                                             f"{int(y.min())}-{int(y.max())}"),
    })
    ratios = waste.groupby(["root", "year"])[["stripping_ratio", "waste_to_ore_ratio"]].max()
    reported = ratios["stripping_ratio"].combine_first(ratios["waste_to_ore_ratio"]).dropna().groupby(level="root")
    median = pd.DataFrame({
        "strip_ratio": reported.median(),
        "how": reported.size().map(lambda n: f"median of {n} reported strip ratio(s)"),
    })
    return tailings.dropna(), weighted.combine_first(median)


def _choose_year(candidates: pd.DataFrame) -> pd.DataFrame:
    """2019 where available, else the most recent year with production."""
    ranked = candidates.assign(_rank=np.where(candidates["year"] == PREFERRED_YEAR, 10_000, candidates["year"]))
    best = ranked.sort_values("_rank").groupby(["root", "code"]).tail(1)
    return best.drop(columns="_rank")


def read_fineprint(path: str | Path, allocation: str = "value", prices: pd.DataFrame | None = None) -> FineprintImport:
    """Import a FINEPRINT folder: validated, gap-filled, hidden flows derived (see module doc).

    `allocation` (`value`, the default, or `mass`) says how a polymetallic stream's ore is
    shared among its tracked metals; `prices` defaults to `mine_db.allocation.read_prices()`.
    """
    if allocation not in METHODS:
        raise InputError(f"unknown allocation method {allocation!r}; use one of {', '.join(METHODS)}",
                         column="allocation")
    price_map = None
    if allocation == "value":
        table = read_prices() if prices is None else prices
        price_map = {str(k): float(v) for k, v in table["price_usd_per_t"].items()}
    folder = folder_of(Path(path))
    facilities = read_facilities(folder)
    minerals = read_table(folder, "minerals")
    minerals = minerals[minerals["root"].isin(facilities.index)]
    metals, concentrate_like = metal_rows(folder, minerals)
    metals = metals[metals["root"].isin(facilities.index)]
    table = mine_year_commodity(minerals, metals, price_map)
    tailings, strip = _waste(folder, minerals)
    sources = source_names(folder, minerals, metals)

    skipped = []
    produced = table[table["metal_t"].notna() & (table["metal_t"] > 0)]
    chosen = _choose_year(produced)
    never = table.groupby(["root", "code"]).size().index.difference(chosen.set_index(["root", "code"]).index)
    skipped += [{"facility": r, "commodity": c, "reason": "no production figure"} for r, c in never]

    ore_totals = table.groupby(["root", "year"])["ore_t"].sum(min_count=1)
    rows = []
    for rec in chosen.itertuples(index=False):
        facility = facilities.loc[rec.root]
        if np.isnan(facility["latitude"]) or np.isnan(facility["longitude"]):
            skipped.append({"facility": rec.root, "commodity": rec.code, "reason": "no valid coordinates"})
            continue
        kind_of_mine, type_note = mine_type(facility)
        ore_total = ore_totals.get((rec.root, rec.year), np.nan)
        share = rec.ore_t / ore_total if ore_total and not np.isnan(rec.ore_t) else np.nan
        has_strip = rec.root in strip.index
        strip_note = f" (strip ratio: {strip.at[rec.root, 'how']})" if has_strip else ""
        rows.append({
            "mine_id": mine_id(rec.root, rec.code),
            "name": facility["name"],
            "country": facility["country"],
            "latitude": facility["latitude"],
            "longitude": facility["longitude"],
            "commodity": rec.code,
            "mine_type": kind_of_mine,
            "year": int(rec.year),
            "resolution": "mine",
            "metal_t": rec.metal_t,
            "ore_t": rec.ore_t,
            "grade": None if rec.code == "bauxite" else rec.grade,
            "recovery": rec.recovery,
            "concentrate_grade": rec.concentrate_grade,
            "strip_ratio": strip.at[rec.root, "strip_ratio"] if has_strip else np.nan,
            "overburden_t": np.nan,
            "waste_rock_t": np.nan,
            "tailings_t": tailings.get((rec.root, rec.year), np.nan) * share,
            "stripping_waste": "waste_rock" if kind_of_mine == "underground" else None,
            "source": f"{CITATION}, facility {rec.root}, {int(rec.year)}: "
                      f"{sources.get((rec.root, rec.year), 'no source_id')}{rec.metal_note}{type_note}{strip_note}",
        })
    sites, dropped = _plausible(pd.DataFrame(rows, columns=_SITE_COLUMNS))
    chosen_ids = set(sites["mine_id"]) if len(sites) else set()
    dropped += [d for d in concentrate_like if d["mine_id"] in chosen_ids]
    file = str(folder)
    canonical = derive_hidden_flows(fill_gaps(validate(sites, file=file)), file=file)
    return FineprintImport(
        canonical,
        pd.DataFrame(skipped, columns=["facility", "commodity", "reason"]),
        pd.DataFrame(dropped, columns=["mine_id", "column", "value", "reason"]),
    )


def _plausible(sites: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Blank reported values the schema would reject or that contradict each other.

    FINEPRINT carries a few unit slips (grades above 100 %, recoveries above 1); an
    importer must not fail on them, nor keep them: each blanked value is listed in the
    import's `dropped` table so the user sees it. A reported ore lighter than the
    concentrate its production implies loses first the reported concentrate grade, then
    (if the default grade still conflicts) the ore tonnage.
    """
    out = sites.copy()
    dropped: list[dict[str, object]] = []

    def blank(mask: pd.Series, column: str, reason: str) -> None:
        for idx in out.index[mask.fillna(False).to_numpy(dtype=bool)]:
            dropped.append({"mine_id": out.at[idx, "mine_id"], "column": column,
                            "value": float(out.at[idx, column]), "reason": reason})
        out.loc[mask.fillna(False), column] = np.nan

    for column in ("grade", "recovery", "concentrate_grade"):
        blank((out[column] <= 0) | (out[column] > 1), column, "outside (0, 1]")
    for column in ("ore_t", "overburden_t", "waste_rock_t", "tailings_t"):
        blank(out[column] < 0, column, "negative")
    substance = out["metal_t"] * out["commodity"].map(lambda c: commodities.get(c).basis_content.value)
    default_c = out["commodity"].map(lambda c: commodities.get(c).concentrate_grade.value)
    blank(substance / out["concentrate_grade"] > out["ore_t"], "concentrate_grade", "concentrate heavier than ore")
    blank(substance / out["concentrate_grade"].fillna(default_c) > out["ore_t"], "ore_t",
          "ore lighter than the concentrate its production implies")
    return out, dropped
