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
* **Waste.** Waste rock (and unlabelled waste) tonnes of the chosen year, else total
  material minus ore mined, allocated like the ore. Where the chosen year has no
  waste, the mine's median strip ratio over its years (waste / ore mined, else the
  reported stripping or waste-to-ore ratio) is used. Stripping waste goes to the
  commodity's kind (overburden for bauxite), waste rock for underground mines.
* **Mine type** from the equipment text of the mine and its sub-sites (open pit / open
  cut / surface; underground; both = mixed), else the waste table's mining method,
  else open pit, noted in the row's source.
* Mines without valid coordinates (none, or latitude/longitude out of range, as
  where FINEPRINT swapped them) or without any production figure are skipped, and
  counted in the summary with the reason. Values the schema would reject (grades
  above 100 %, recoveries above 1) are blanked and listed in `dropped`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely.errors
import shapely.wkt

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from mine_db import commodities
from mine_db.allocation import METHODS, read_prices
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

CITATION = "FINEPRINT (Jasansky et al. 2023, Sci. Data 10:52)"
LI_PER_LI2O = 0.4646
PREFERRED_YEAR = 2019
#: An ore graded at this fraction of the concentrate grade or more is a concentrate figure.
CONCENTRATE_LIKE = 0.5
ORE_TYPES = ("Ore processed", "Ore mined")

#: FINEPRINT commodity code -> (our code, factor to our basis).
METALS: dict[str, tuple[str, float]] = {
    "Me.Cu": ("copper", 1.0),
    "Me.Ni": ("nickel", 1.0),
    "Me.Co": ("cobalt", 1.0),
    "Me.Zn": ("zinc", 1.0),
    "Me.Pb": ("lead", 1.0),
    "Me.Mn": ("manganese", 1.0),
    "Me.Fe": ("iron_ore", 1.0),
    "Me.Li2O": ("lithium", LI_PER_LI2O),
    "Me.Pt": ("pgm", 1.0),
    "Me.Pd": ("pgm", 1.0),
    "Me.pgm": ("pgm", 1.0),
}
#: Materials that belong to one of our commodities (ore or concentrate of it).
MATERIALS: dict[str, str] = {
    "O.Cu": "copper", "Con.Cu": "copper", "O.Fe": "iron_ore", "Con.Fe": "iron_ore", "Oth.sif": "iron_ore",
    "O.Al": "bauxite", "O.Ni": "nickel", "Con.Ni": "nickel", "O.Co": "cobalt", "O.Li": "lithium",
    "Con.Li": "lithium", "O.Mn": "manganese", "Con.MnO": "manganese", "Con.MnCO3": "manganese",
    "O.Pb": "lead", "Con.Pb": "lead", "O.Zn": "zinc", "Con.Zn": "zinc", "O.pgm": "pgm",
    "O.rem": "rare_earths", "M.gra": "graphite",
}
#: Ores not dominated by one metal: shared among the tracked metals they carry.
SHARED_ORES: frozenset[str] = frozenset({"O.bulk", "O.sul", "O.oxi", "M.lat"})

_REQUIRED: dict[str, tuple[str, ...]] = {
    "facilities": ("facility_id", "facility_name", "facility_type", "facility_equipment", "country", "geom"),
    "minerals": ("id", "facility_id", "year", "type", "material", "value_tonnes", "source_id"),
    "commodities": ("facility_id", "year", "material", "commodity", "value_tonnes", "grade_ppm",
                    "recovery_rate", "source_id", "id_minerals"),
    "waste": ("facility_id", "year", "type_mining", "waste_type", "value_tonnes", "total_material_tonnes",
              "stripping_ratio", "waste_to_ore_ratio"),
}
_SITE_COLUMNS = ("mine_id", "name", "country", "latitude", "longitude", "commodity", "mine_type", "year",
                 "resolution", "metal_t", "ore_t", "grade", "recovery", "concentrate_grade", "strip_ratio",
                 "overburden_t", "waste_rock_t", "tailings_t", "source")
_GEOM = re.compile(r"c\(\s*([-+0-9.eE]+|NaN)\s*,\s*([-+0-9.eE]+|NaN)")


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


def _folder(path: Path) -> Path:
    if (path / "facilities.csv").is_file():
        return path
    candidates = sorted(p.parent for p in path.glob("*/facilities.csv")) if path.is_dir() else []
    if len(candidates) == 1:
        return candidates[0]
    raise InputError("not a FINEPRINT folder: no facilities.csv in it or in exactly one sub-folder", file=str(path))


def _table(folder: Path, name: str) -> pd.DataFrame:
    file = folder / f"{name}.csv"
    if not file.is_file():
        raise InputError(f"FINEPRINT table {name}.csv is missing", file=str(file))
    try:
        table = pd.read_csv(file, low_memory=False)
    except Exception as exc:  # pandas raises several types; the user needs the file named
        raise InputError(f"cannot read as CSV: {exc}", file=str(file)) from exc
    missing = [c for c in _REQUIRED.get(name, ()) if c not in table.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(file), row=1, column=missing[0])
    if "facility_id" in table.columns:
        ids = table["facility_id"].astype("str")
        table["root"] = ids.str.replace(r"\.\d+$", "", regex=True)
        table["is_main"] = ids.str.endswith(".00")
    return table


def _roll_up(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keep the main facility's rows for a key where it has any, else its sub-sites' rows."""
    has_main = table.groupby(keys, dropna=False)["is_main"].transform("any")
    return table[table["is_main"] | ~has_main]


def _facilities(folder: Path) -> pd.DataFrame:
    """One row per main mine: name, ISO3 country, coordinates, mine type."""
    raw = _table(folder, "facilities")
    file = str(folder / "facilities.csv")
    raw = raw.assign(position=np.arange(len(raw)))
    raw = raw[raw["facility_type"].astype("str").str.contains("Mine", na=False)].copy()
    lon, lat = _coordinates(raw["geom"])
    valid = lon.between(-180, 180) & lat.between(-90, 90)
    raw["longitude"], raw["latitude"] = lon.where(valid), lat.where(valid)
    text = raw["facility_equipment"].fillna("").astype("str").str.lower()
    raw["surface"] = text.str.contains("open pit|open cut|surface|strip")
    raw["underground"] = text.str.contains("underground")
    ordered = raw.sort_values(["root", "is_main"], ascending=[True, False])
    first = ordered.groupby("root").head(1).set_index("root")
    located = ordered.dropna(subset=["latitude", "longitude"]).groupby("root")[["latitude", "longitude"]].first()
    methods = raw.groupby("root")[["surface", "underground"]].any()
    countries = pd.Series(
        {root: _iso3(row, file, int(row["position"]) + 2) for root, row in first.iterrows()}, dtype="str"
    )
    return pd.DataFrame(
        {"name": first["facility_name"].astype("str"), "country": countries}
    ).join(located).join(methods)


def _coordinates(geom: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Longitude and latitude from FINEPRINT's R text `c(lon, lat)` or from WKT (`POINT (lon lat)`).

    A MULTIPOINT gives its first point; `c(NaN, NaN)`, `numeric(0)` and empty cells none.
    """
    text = geom.astype("str")
    r_style = text.str.extract(_GEOM).apply(pd.to_numeric, errors="coerce")
    lon, lat = r_style[0].copy(), r_style[1].copy()
    for idx in text.index[r_style[0].isna() & text.str.upper().str.contains("POINT")]:
        try:
            shape = shapely.wkt.loads(text[idx])
        except shapely.errors.ShapelyError:
            continue
        point = shape.geoms[0] if hasattr(shape, "geoms") and len(shape.geoms) else shape
        if not point.is_empty:
            lon[idx], lat[idx] = point.x, point.y
    return lon, lat


def _iso3(facility: pd.Series, file: str, row: int) -> str:
    """Country name through our converter; GADM's GID_0 where the name is unknown to it."""
    try:
        return to_iso3(str(facility["country"]), file=file, row=row, column="country")
    except InputError:
        gid = facility.get("GID_0")
        if isinstance(gid, str) and gid.strip():
            return to_iso3(gid, file=file, row=row, column="GID_0")
        raise


def _mine_id(root: str, code: str) -> str:
    return f"FP-{root}-{code}"


def _metal_rows(folder: Path, minerals: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Commodity rows of tracked metals in our basis, contained metal turned into recovered.

    An ore-stream row graded at half the commodity's concentrate grade or more
    describes a concentrate (FINEPRINT's Mt Cattlin rows: 5.9 % Li2O, i.e. SC6
    spodumene concentrate, filed as ore) and is left out, listed; direct-shipping
    commodities (iron ore, bauxite, manganese) are exempt.
    """
    com = _table(folder, "commodities")
    com = com[com["commodity"].isin(list(METALS))].copy()
    com["code"] = com["commodity"].map(lambda c: METALS[c][0])
    factor = com["commodity"].map(lambda c: METALS[c][1])
    com["metal"] = pd.to_numeric(com["value_tonnes"], errors="coerce") * factor
    com["grade"] = pd.to_numeric(com["grade_ppm"], errors="coerce") * 1e-6 * factor
    com["recovery"] = pd.to_numeric(com["recovery_rate"], errors="coerce")
    linked = minerals.set_index("id")["value_tonnes"]
    ore = pd.to_numeric(com["id_minerals"].map(linked), errors="coerce")
    contained = ore * com["grade"]
    is_contained = (com["metal"] - contained).abs() < (com["metal"] - contained * com["recovery"]).abs()
    com["metal"] = com["metal"].where(~is_contained.fillna(False), com["metal"] * com["recovery"])
    # PGM: Pt + Pd where a stream reports them, else Me.pgm
    pt_pd = com["commodity"].isin(["Me.Pt", "Me.Pd"])
    keys = ["root", "year", "material"]
    has_pt_pd = com.assign(p=pt_pd).groupby(keys)["p"].transform("any")
    com = com[~((com["commodity"] == "Me.pgm") & has_pt_pd)]
    com = com[com["metal"].notna() & (com["metal"] > 0)]
    def ceiling_of(code: str) -> float:
        commodity = commodities.get(code)
        return np.inf if commodity.direct_shipping else CONCENTRATE_LIKE * commodity.concentrate_grade.value

    ceiling = com["code"].map(ceiling_of)
    concentrate_like = ~com["material"].astype("str").str.startswith("Con.") & (com["grade"] >= ceiling)
    dropped = [
        {"mine_id": _mine_id(r.root, r.code), "column": "grade", "value": float(r.grade),
         "reason": f"{int(r.year)} ore grade >= half the concentrate grade: a concentrate figure, not used"}
        for r in com[concentrate_like].itertuples()
    ]
    return _roll_up(com[~concentrate_like], [*keys, "code"]), dropped


def _stream_ore(minerals: pd.DataFrame) -> pd.DataFrame:
    """Ore per (root, year, material): ore processed where reported, else ore mined."""
    ore = minerals[minerals["type"].isin(ORE_TYPES)].copy()
    ore["value_tonnes"] = pd.to_numeric(ore["value_tonnes"], errors="coerce")
    ore = _roll_up(ore, ["root", "year", "material", "type"])
    by_type = ore.groupby(["root", "year", "material", "type"])["value_tonnes"].sum(min_count=1).unstack("type")
    for kind in ORE_TYPES:
        if kind not in by_type.columns:
            by_type[kind] = np.nan
    return by_type["Ore processed"].fillna(by_type["Ore mined"]).rename("ore").dropna().reset_index()


def _mine_year_commodity(minerals: pd.DataFrame, metals: pd.DataFrame, prices: dict[str, float] | None) -> pd.DataFrame:
    """Production, grade, recovery, allocated ore and concentrate grade per (root, year, code).

    `prices` ($/t of each basis) allocates shared ore by value; None by recovered mass.
    """
    is_con = metals["material"].astype("str").str.startswith("Con.")
    ore_metal = metals[~is_con]
    con_metal = metals[is_con]
    weights = ore_metal["metal"]
    ore_metal = ore_metal.assign(
        gw=ore_metal["grade"] * weights, rw=ore_metal["recovery"] * weights,
        gwn=weights.where(ore_metal["grade"].notna()), rwn=weights.where(ore_metal["recovery"].notna()),
    )
    g = ore_metal.groupby(["root", "year", "code"])
    result = pd.DataFrame({
        "metal_ore": g["metal"].sum(),
        "grade": g["gw"].sum(min_count=1) / g["gwn"].sum(min_count=1),
        "recovery": g["rw"].sum(min_count=1) / g["rwn"].sum(min_count=1),
    })
    con = con_metal.assign(
        cw=con_metal["grade"] * con_metal["metal"], cwn=con_metal["metal"].where(con_metal["grade"].notna())
    )
    gc = con.groupby(["root", "year", "code"])
    result = result.join(pd.DataFrame({
        "metal_con": gc["metal"].sum(),
        "concentrate_grade": gc["cw"].sum(min_count=1) / gc["cwn"].sum(min_count=1),
    }), how="outer")

    allocated = _allocate_ore(_stream_ore(minerals), ore_metal, metals, prices)
    result = result.join(allocated, how="outer") if len(allocated) else result.assign(ore_t=np.nan, shared_by="")
    result = result.reset_index()
    result = result.merge(_product_metal(minerals), on=["root", "year", "code"], how="outer")
    numeric = ["metal_ore", "metal_con", "metal_product", "grade", "recovery", "concentrate_grade", "ore_t"]
    result[numeric] = result[numeric].astype(float)
    result["metal_t"] = result["metal_ore"].fillna(result["metal_con"]).fillna(result["metal_product"])
    result["metal_note"] = np.where(
        result["metal_ore"].isna() & result["metal_con"].isna() & result["metal_product"].notna(),
        " (production = concentrate tonnage x default concentrate grade)", "",
    )
    is_bauxite = result["code"] == "bauxite"
    result.loc[is_bauxite, "metal_t"] = result.loc[is_bauxite, "ore_t"]
    result.loc[is_bauxite, "metal_note"] = ""
    shared = result["shared_by"].fillna("")
    result["metal_note"] = result["metal_note"] + np.where(
        shared != "", " (ore shared with the mine's other tracked metals by " + shared + ")", "")
    return result


def _product_metal(minerals: pd.DataFrame) -> pd.DataFrame:
    """Production from concentrate tonnage x the commodity's default concentrate grade, in its basis."""
    con = minerals[(minerals["type"] == "Concentrate") & minerals["material"].isin(list(MATERIALS))].copy()
    con["value_tonnes"] = pd.to_numeric(con["value_tonnes"], errors="coerce")
    con = _roll_up(con, ["root", "year", "material"])
    con["code"] = con["material"].map(MATERIALS)
    per_t = con["code"].map(
        lambda c: commodities.get(c).concentrate_grade.value / commodities.get(c).basis_content.value
    )
    con["metal_product"] = con["value_tonnes"] * per_t
    grouped = con.groupby(["root", "year", "code"])["metal_product"].sum(min_count=1)
    return grouped.dropna().reset_index()


def _allocate_ore(stream_ore: pd.DataFrame, ore_metal: pd.DataFrame, metals: pd.DataFrame,
                 prices: dict[str, float] | None = None) -> pd.DataFrame:
    """Ore of each stream split over tracked commodities (see module doc), summed per (root, year, code).

    Columns `ore_t` and `shared_by` (how a stream shared among several metals was split, else "").
    """
    keys = ["root", "year", "material"]
    stream_metal = ore_metal.groupby([*keys, "code"])["metal"].sum().reset_index()
    own = stream_ore.merge(stream_metal, on=keys)
    rest = stream_ore.merge(stream_metal[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    specific = rest[rest["material"].isin(list(MATERIALS))].assign(
        code=lambda d: d["material"].map(MATERIALS), metal=1.0
    )
    mine_metal = metals.groupby(["root", "year", "code"])["metal"].sum().reset_index()
    shared = rest[rest["material"].isin(list(SHARED_ORES))].merge(mine_metal, on=["root", "year"])
    parts = pd.concat([own, specific, shared], ignore_index=True)
    if parts.empty:
        return pd.DataFrame({"ore_t": pd.Series(dtype=float), "shared_by": pd.Series(dtype=str)})
    stream = [parts[k] for k in keys]
    several = parts.groupby(stream)["code"].transform("nunique") > 1
    if prices is None:
        parts["w"] = parts["metal"]
        parts["how"] = np.where(several, "recovered metal mass", "")
    else:
        price = parts["code"].map(prices)
        unpriced = price.isna().groupby(stream).transform("any")
        missing = parts["code"].where(price.isna()).groupby(stream).transform(
            lambda c: ", ".join(sorted(set(c.dropna()))))
        parts["w"] = np.where(unpriced, parts["metal"], parts["metal"] * price)
        parts["how"] = np.where(~several, "", np.where(
            unpriced, "recovered metal mass (no 2019 price for " + missing + ")", "2019 value (prices_2019.csv)"))
    parts["ore_t"] = parts["ore"] * parts["w"] / parts.groupby(stream)["w"].transform("sum")
    grouped = parts.groupby(["root", "year", "code"])
    how = grouped["how"].agg(lambda h: "; ".join(sorted({x for x in h if x})))
    return pd.DataFrame({"ore_t": grouped["ore_t"].sum(), "shared_by": how})


def _waste(folder: Path, minerals: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Waste tonnes and tailings per (root, year); median strip ratio per root."""
    waste = _table(folder, "waste")
    for column in ("value_tonnes", "total_material_tonnes", "stripping_ratio", "waste_to_ore_ratio"):
        waste[column] = pd.to_numeric(waste[column], errors="coerce")
    waste = _roll_up(waste, ["root", "year"])
    kind = waste["waste_type"].fillna("Waste rock")
    rock = waste[kind.isin(["Waste rock", "Overburden"])].groupby(["root", "year"])["value_tonnes"].sum(min_count=1)
    tailings = waste[kind.isin(["Tailings", "Dry tailings"])].groupby(["root", "year"])["value_tonnes"].sum(min_count=1)
    total = waste.groupby(["root", "year"])["total_material_tonnes"].sum(min_count=1)
    mined = minerals[minerals["type"] == "Ore mined"]
    mined = mined.assign(v=pd.to_numeric(mined["value_tonnes"], errors="coerce"))
    mined = _roll_up(mined, ["root", "year"]).groupby(["root", "year"])["v"].sum(min_count=1)
    from_total = (total - mined.reindex(total.index)).where(lambda x: x > 0)
    rock = rock.combine_first(from_total).dropna()
    ratio = waste.groupby(["root", "year"])[["stripping_ratio", "waste_to_ore_ratio"]].max()
    per_year = (rock / mined.reindex(rock.index)).combine_first(ratio["stripping_ratio"]).combine_first(
        ratio["waste_to_ore_ratio"]).dropna()
    strip = per_year.groupby(level="root").median()
    return rock, tailings.dropna(), strip


def _sources(folder: Path, minerals: pd.DataFrame, metals: pd.DataFrame) -> pd.Series:
    """Document names behind the rows used for each (root, year)."""
    names: dict[str, str] = {}
    file = folder / "source_ids.csv"
    if file.is_file():
        table = pd.read_csv(file)
        if {"source_id", "sources"} <= set(table.columns):
            names = dict(zip(table["source_id"].astype("str"), table["sources"].astype("str"), strict=True))
    used = _roll_up(minerals, ["root", "year", "type", "material"])
    ids = pd.concat([used[["root", "year", "source_id"]], metals[["root", "year", "source_id"]]]).dropna()
    ids["doc"] = ids["source_id"].astype("str").map(lambda s: names.get(s, s))

    def join(docs: pd.Series) -> str:
        unique = list(dict.fromkeys(docs))
        more = f" and {len(unique) - 3} more" if len(unique) > 3 else ""
        return "; ".join(unique[:3]) + more

    return ids.groupby(["root", "year"])["doc"].agg(join)


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
    folder = _folder(Path(path))
    facilities = _facilities(folder)
    minerals = _table(folder, "minerals")
    minerals = minerals[minerals["root"].isin(facilities.index)]
    metals, concentrate_like = _metal_rows(folder, minerals)
    metals = metals[metals["root"].isin(facilities.index)]
    table = _mine_year_commodity(minerals, metals, price_map)
    rock, tailings, strip = _waste(folder, minerals)
    sources = _sources(folder, minerals, metals)

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
        mine_type, type_note = _mine_type(facility)
        ore_total = ore_totals.get((rec.root, rec.year), np.nan)
        share = rec.ore_t / ore_total if ore_total and not np.isnan(rec.ore_t) else np.nan
        waste_t = rock.get((rec.root, rec.year), np.nan) * share
        tails_t = tailings.get((rec.root, rec.year), np.nan) * share
        kind = "waste_rock" if mine_type == "underground" else commodities.get(rec.code).stripping_waste
        rows.append({
            "mine_id": _mine_id(rec.root, rec.code),
            "name": facility["name"],
            "country": facility["country"],
            "latitude": facility["latitude"],
            "longitude": facility["longitude"],
            "commodity": rec.code,
            "mine_type": mine_type,
            "year": int(rec.year),
            "resolution": "mine",
            "metal_t": rec.metal_t,
            "ore_t": rec.ore_t,
            "grade": None if rec.code == "bauxite" else rec.grade,
            "recovery": rec.recovery,
            "concentrate_grade": rec.concentrate_grade,
            "strip_ratio": strip.get(rec.root, np.nan) if np.isnan(waste_t) else np.nan,
            "overburden_t": waste_t if kind == "overburden" else np.nan,
            "waste_rock_t": waste_t if kind == "waste_rock" else np.nan,
            "tailings_t": tails_t,
            "source": f"{CITATION}, facility {rec.root}, {int(rec.year)}: "
                      f"{sources.get((rec.root, rec.year), 'no source_id')}{rec.metal_note}{type_note}",
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


def _mine_type(facility: pd.Series) -> tuple[str, str]:
    if facility["surface"] and facility["underground"]:
        return "mixed", ""
    if facility["underground"]:
        return "underground", ""
    if facility["surface"]:
        return "open_pit", ""
    return "open_pit", " (mine type not reported, taken as open pit)"


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
