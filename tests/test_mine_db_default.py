"""The bundled default mine database: coverage, national totals, sources, freshness.

The national totals below are the world totals printed in the 2019 tables the
database is built from (domain file G_world_mine_production_2019.md): World Mining
Data 2022 sums for copper, nickel and lead, USGS Minerals Yearbook totals (rounded by
USGS) for the rest. If a row of national_production_2019.csv is lost or mistyped,
these sums move.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from hfcommon.boundaries import load_countries
from hfcommon.errors import InputError
from mine_db import commodities
from mine_db.default import (
    SOURCES_DIR,
    build_default,
    load_reconciliation,
    named_mines,
    read_bibliography,
    read_mines,
    read_national,
)
from mine_db.rest_of_country import MATCH_TOLERANCE, _method_parts, reconcile
from mine_db.schema import FILL_ORDER

PRINTED_WORLD_TOTAL_T = {
    "copper": (20_650_346, 0.0001),  # WMD 2022, sum as printed (G1)
    "nickel": (2_708_147, 0.0001),  # WMD 2022 (G4)
    "lead": (4_940_473, 0.0001),  # WMD 2022 (G8)
    "iron_ore": (1_520_000e3, 0.005),  # USGS MYB 2020 T9, Fe content, total rounded by USGS (G2)
    "bauxite": (387_000e3, 0.005),  # USGS MYB 2020 T11 (G3)
    "cobalt": (144_000, 0.005),  # USGS MYB 2019 T7 (G5)
    "lithium": (84_000, 0.005),  # USGS MYB 2020 T4, excl. United States (W) (G6)
    "manganese": (20_600e3, 0.005),  # USGS MYB 2020 T7, Mn content (G7)
    "zinc": (12_700e3, 0.005),  # USGS MYB 2020 T11 (G9)
    "pgm": (186.0 + 227.0, 0.005),  # USGS MYB 2020 T5, Pt 186,000 kg + Pd 227,000 kg (G10)
    "graphite": (1_100_000, 0.005),  # USGS MYB 2019 T9 (G11)
    "rare_earths": (219_000, 0.005),  # USGS MYB 2019 T8 (G12)
}


@pytest.fixture(scope="module")
def fresh() -> tuple[pd.DataFrame, pd.DataFrame]:
    return build_default()


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return read_national()


def test_all_twelve_commodities_have_named_mines_and_national_rows(shipped: pd.DataFrame) -> None:
    assert set(shipped["commodity"]) == set(commodities.CODES)
    named = shipped[shipped["resolution"] == "mine"]
    assert set(named["commodity"]) == set(commodities.CODES)


def test_at_least_150_named_mine_rows(shipped: pd.DataFrame) -> None:
    named = shipped[shipped["resolution"] == "mine"]
    assert len(named) >= 150
    assert named["name"].nunique() >= 150


def test_national_table_converts_units_explicitly() -> None:
    raw = pd.read_csv(SOURCES_DIR / "national_production_2019.csv")
    printed = raw["value_as_printed"].str.replace(",", "").astype(float)
    np.testing.assert_allclose(raw["production_t"], printed * raw["t_per_unit"], rtol=1e-12)
    assert set(raw["unit_as_printed"]) <= {"t", "thousand t", "kg"}
    assert (raw["source"].str.len() > 0).all() and (raw["where_read"].str.len() > 0).all()


@pytest.mark.parametrize("commodity", sorted(PRINTED_WORLD_TOTAL_T))
def test_national_rows_add_up_to_the_printed_world_total(national: pd.DataFrame, commodity: str) -> None:
    expected, rtol = PRINTED_WORLD_TOTAL_T[commodity]
    total = national.loc[national["commodity"] == commodity, "national_t"].sum()
    assert total == pytest.approx(expected, rel=rtol)


def test_country_totals_match_national_production_or_are_explained(
    shipped: pd.DataFrame, national: pd.DataFrame
) -> None:
    totals = shipped.groupby(["commodity", "country"])["metal_t"].sum()
    reconciliation = load_reconciliation().set_index(["commodity", "country"])
    checked = 0
    for row in national.itertuples():
        total = totals.get((row.commodity, row.iso3), 0.0)
        if abs(total - row.national_t) <= MATCH_TOLERANCE * row.national_t:
            checked += 1
            continue
        entry = reconciliation.loc[(row.commodity, row.iso3)]
        assert entry["status"] == "named_exceed_national", (row.commodity, row.iso3)
        assert isinstance(entry["reason"], str) and len(entry["reason"]) > 20
        assert total == pytest.approx(entry["named_t"])  # kept as sourced, never rescaled
    assert checked >= 0.97 * len(national)


def test_rest_of_country_is_national_minus_named(shipped: pd.DataFrame, national: pd.DataFrame) -> None:
    rest = shipped[shipped["resolution"] == "rest_of_country"]
    assert (rest["metal_t"] > 0).all()
    named = shipped[shipped["resolution"] == "mine"].groupby(["commodity", "country"])["metal_t"].sum()
    nat = national.set_index(["commodity", "iso3"])["national_t"]
    # a rest split by mining method (every country's zinc, A40; China's copper, A41) has one row per
    # method: their sum is the rest
    by_place = rest.groupby(["commodity", "country"])["metal_t"].sum()
    for (commodity, country), metal_t in by_place.items():
        expected = nat[(commodity, country)] - named.get((commodity, country), 0.0)
        assert metal_t == pytest.approx(expected, rel=1e-9)
    rows = rest.groupby(["commodity", "country"]).size()
    assert (rows.loc[["zinc"]] == 3).all()
    assert rows.loc[("copper", "CHN")] == 2
    assert (rows.drop(index="zinc", level=0).drop(index=("copper", "CHN")) == 1).all()


def test_reconciliation_covers_every_pair_and_explains_every_mismatch() -> None:
    table = load_reconciliation()
    assert not table.duplicated(["commodity", "country"]).any()
    mismatch = table["status"].isin(["named_exceed_national", "no_national_figure"])
    assert table.loc[mismatch, "reason"].fillna("").str.len().gt(20).all()
    ok = table["status"].isin(["rest_of_country", "named_equal_national"])
    assert table.loc[ok, "difference_pct"].abs().le(100 * MATCH_TOLERANCE).all()


def test_every_row_has_a_source_and_every_cited_id_is_in_the_bibliography(shipped: pd.DataFrame) -> None:
    assert shipped["source"].fillna("").str.strip().str.len().gt(20).all()
    bibliography = read_bibliography()
    assert not bibliography["id"].duplicated().any()
    assert (bibliography["citation"].str.len() > 10).all() and (bibliography["where_read"].str.len() > 5).all()
    cited = {i for ids in shipped["source_ids"] for i in str(ids).split(";") if i}
    assert cited <= set(bibliography["id"])
    mines = read_mines()
    assert mines["where_read"].fillna("").str.len().gt(10).all()
    assert mines["metal_method"].fillna("").str.len().gt(10).all()


def test_no_duplicates(shipped: pd.DataFrame) -> None:
    assert not shipped["mine_id"].duplicated().any()
    assert not shipped.duplicated(["name", "country", "commodity"]).any()
    rest = shipped[shipped["resolution"] == "rest_of_country"]
    assert not rest.duplicated(["country", "commodity", "mine_type"]).any()  # one row per method (A40, A41)


def _normalised(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns as objects with None for missing (Parquet round-trips may turn None into NaN)."""
    out = df.reset_index(drop=True).copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("object").where(out[column].notna(), None)
    return out


def test_shipped_file_equals_a_fresh_build(shipped: pd.DataFrame, fresh: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    table, reconciliation = fresh
    assert list(shipped.columns) == list(table.columns)
    pd.testing.assert_frame_equal(
        _normalised(shipped), _normalised(table), check_dtype=False, check_exact=False, rtol=1e-12
    )
    pd.testing.assert_frame_equal(
        _normalised(load_reconciliation()), _normalised(reconciliation), check_dtype=False, check_exact=False, rtol=1e-9
    )


def test_coproduct_ore_is_shared_not_double_counted(shipped: pd.DataFrame) -> None:
    # Ore a group kept plus what its rows gave to country by-products is the one ore body (tests of
    # mine_db.allocation check the same with the by-product side and hand-computed shares).
    grouped = shipped[shipped["coproduct_group"].notna() & shipped["mine_ore_t"].notna()]
    assert len(grouped) > 20
    for _, group in grouped.groupby("coproduct_group"):
        kept = 1.0 - group["byproduct_share"].fillna(0.0)
        assert (group["ore_t"] / kept).sum() == pytest.approx(group["mine_ore_t"].iloc[0], rel=1e-9)
        assert group["allocation_share"].sum() == pytest.approx(1.0)


def test_named_mines_lie_in_their_country(shipped: pd.DataFrame) -> None:
    """Catches swapped latitude/longitude and wrong countries (1:110m outlines: 1.5 degree slack)."""
    countries = load_countries().set_index("iso3")
    named = shipped[shipped["resolution"] == "mine"]
    far = []
    for row in named.itertuples():
        if row.country not in countries.index:
            continue
        point = shapely.Point(row.longitude, row.latitude)
        if countries.geometry[row.country].distance(point) > 1.5:
            far.append(row.mine_id)
    assert far == []


def test_hidden_flows_are_derived_for_every_row(shipped: pd.DataFrame) -> None:
    for column in ("ore_t", "tailings_t", "hidden_t"):
        assert shipped[column].notna().all() and (shipped[column] >= 0).all()
    assert set(shipped["grade_fill"].dropna()) <= set(FILL_ORDER)
    copper = shipped[shipped["commodity"] == "copper"]
    assert 100 < copper["hidden_t"].sum() / copper["metal_t"].sum() < 1000  # E9: rock-to-metal of order 10^2


def _named(rows: list[tuple[str, str, float, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"mine_id": f"m{i}", "name": f"Mine {i}", "commodity": c, "country": k, "metal_t": t, "year": y,
             "metal_method": method}
            for i, (c, k, t, y, method) in enumerate(rows)
        ]
    )


def test_reconcile_rest_equal_exceed_and_missing_cases() -> None:
    national = pd.DataFrame(
        {
            "commodity": ["copper", "copper", "zinc"],
            "iso3": ["CHL", "PER", "IRL"],
            "national_t": [1000.0, 500.0, 100.0],
            "flag": [None, None, "e"],
            "source_id": ["wmd2022", "wmd2022", "usgs_myb2020_zinc"],
        }
    )
    named = _named(
        [
            ("copper", "CHL", 400.0, 2019, "production as reported"),
            ("copper", "PER", 498.0, 2019, "production as reported"),
            ("zinc", "IRL", 130.0, 2018, "metal in concentrate"),
            ("lithium", "USA", 5.0, 2019, "derived: x"),
        ]
    )
    rest, table = reconcile(named, national)
    assert rest.to_dict(orient="records") == [{"commodity": "copper", "country": "CHL", "rest_t": 600.0}]
    status = table.set_index(["commodity", "country"])["status"]
    assert status[("copper", "PER")] == "named_equal_national"
    assert status[("zinc", "IRL")] == "named_exceed_national"
    assert status[("lithium", "USA")] == "no_national_figure"
    reason = table.set_index(["commodity", "country"]).loc[("zinc", "IRL"), "reason"]
    assert "Mine 2 2018" in reason and "estimate" in reason
    exceed = table.set_index(["commodity", "country"]).loc[("zinc", "IRL")]
    assert exceed["difference_t"] == pytest.approx(30.0) and exceed["rest_t"] == 0.0


def test_named_rows_carry_the_whole_mine_ore_until_allocation() -> None:
    # named rows no longer split ore: each row of a group is derived as if mined alone, with the whole mine's
    # 4,000 t; mine_db.allocation then counts the ore body once (tests/test_mine_db_allocation.py).
    mines = pd.DataFrame(
        {
            "mine_id": ["a-zn", "a-pb", "b-cu"], "name": ["A", "A", "B"], "country": ["AUS"] * 3,
            "latitude": [-20.0] * 3, "longitude": [140.0] * 3, "commodity": ["zinc", "lead", "copper"],
            "mine_type": ["underground"] * 3, "year": [2019] * 3, "metal_t": [300.0, 100.0, 50.0],
            "ore_t": [4000.0, 4000.0, 9000.0], "grade": [np.nan] * 3, "recovery": [np.nan] * 3,
            "strip_ratio": [np.nan] * 3, "product_t": [np.nan] * 3, "product_grade": [np.nan] * 3,
            "coproduct_group": ["a", "a", None], "metal_method": ["production as reported"] * 3,
            "source_ids": ["s1"] * 3, "note": [None] * 3,
        }
    )
    bibliography = pd.DataFrame({"id": ["s1"], "citation": ["A report"]})
    out = named_mines(mines, bibliography, "mines.csv").set_index("mine_id")
    assert out.loc["a-zn", "ore_t"] == out.loc["a-pb", "ore_t"] == out.loc["a-pb", "mine_ore_t"] == 4000.0
    assert out.loc["b-cu", "ore_t"] == pytest.approx(9000.0) and pd.isna(out.loc["b-cu", "coproduct_group"])
    assert "[s1] A report" in out.loc["a-pb", "source"]
    bad = bibliography.assign(id=["other"])
    with pytest.raises(InputError, match="not in sources.csv") as error:
        named_mines(mines, bad, "mines.csv")
    assert (error.value.file, error.value.row, error.value.column) == ("mines.csv", 2, "source_ids")


def test_mass_allocation_builds_with_the_same_totals_per_ore_body(fresh: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    by_value = fresh[0]
    by_mass, _ = build_default(allocation="mass")
    assert set(by_mass["allocation_method"].dropna()) == {"mass"}
    grouped = by_value["coproduct_group"].notna()
    # the ore bodies are the same; only their shares differ
    assert by_mass.loc[grouped, "mine_ore_t"].tolist() == by_value.loc[grouped, "mine_ore_t"].tolist()
    # rock moved is the same; tailings + concentrate = ore too. Only where a PGM row's mass share of ore is lighter
    # than its concentrate is that concentrate capped (said in its source), which moves mass from concentrate
    # to nothing else: hidden + concentrate is the same per country.
    for country in ("COD", "RUS", "CAN"):
        value_rows = by_value[by_value["country"] == country]
        mass_rows = by_mass[by_mass["country"] == country]
        for column in ("ore_t", "waste_rock_t", "overburden_t"):
            assert mass_rows[column].sum() == pytest.approx(value_rows[column].sum(), rel=1e-9)
        assert (mass_rows["hidden_t"] + mass_rows["concentrate_t"]).sum() == pytest.approx(
            (value_rows["hidden_t"] + value_rows["concentrate_t"]).sum(), rel=1e-9)
    capped = by_mass[by_mass["source"].str.contains("concentrate capped")]
    assert set(capped["commodity"]) == {"pgm"} and not by_value["source"].str.contains("concentrate capped").any()
    norilsk_pgm = "rus-norilsk-taimyr-peninsula-operations-pgm"
    # mass share of PGM at Norilsk: 108.17 / (108.17 + 198,799.12 + 385,410.08) = 1.8512e-4
    share = by_mass.set_index("mine_id").loc[norilsk_pgm, "allocation_share"]
    assert share == pytest.approx(108.17 / (108.17 + 198_799.12 + 385_410.08))


def test_rest_of_country_zinc_is_split_by_mining_method(shipped: pd.DataFrame) -> None:
    # A40: FINEPRINT's zinc-primary ore 21.8 % open pit, 16.1 % both, 62.0 % underground (E8), normalised over
    # 99.9 %: shares of the ore, so each part's ore (its metal over its grade and recovery) is its share
    rows = shipped.set_index("mine_id")
    parts = {"open-pit": ("open_pit", 0.218), "mixed": ("mixed", 0.161), "underground": ("underground", 0.620)}
    ids = [f"chn-rest-zinc-{suffix}" for suffix in parts]
    ore = rows.loc[ids, "metal_t"] / (rows.loc[ids, "grade"] * rows.loc[ids, "recovery"])
    for suffix, (mine_type, share) in parts.items():
        row = rows.loc[f"chn-rest-zinc-{suffix}"]
        assert row["mine_type"] == mine_type
        assert ore[f"chn-rest-zinc-{suffix}"] == pytest.approx(ore.sum() * share / 0.999, rel=1e-12)
    # each part takes the fills of its own method: the underground part no surface strip ratio
    assert rows.loc["chn-rest-zinc-underground", "strip_ratio"] == pytest.approx(0.2733)
    assert rows.loc["chn-rest-zinc-open-pit", "strip_ratio"] == pytest.approx(2.847, abs=1e-3)


def test_rest_of_china_copper_is_split_by_mining_method(shipped: pd.DataFrame) -> None:
    # A41: China's national 1,683,450 t (WMD 2022) minus its named mines = 1,324,714 t, 58 % of the ore open pit,
    # 42 % underground (the share read for China's copper and other non-ferrous mines), at the national grades
    # (0.52 %, 0.70 %) and the global recoveries of the two methods (0.853240, 0.928749): metal won per t ore
    # 0.0044368 and 0.0065012, so 1,324,714 x 0.58 x 0.0044368 / (0.58 x 0.0044368 + 0.42 x 0.0065012)
    # = 642,731.71 t open pit and 681,982.29 t underground
    rows = shipped.set_index("mine_id")
    copper = shipped[shipped["commodity"] == "copper"]
    named = copper[(copper["country"] == "CHN") & (copper["resolution"] == "mine")]
    assert 1_683_450 - named["metal_t"].sum() == pytest.approx(1_324_714, abs=0.5)
    pit, underground = rows.loc["chn-rest-copper-open-pit"], rows.loc["chn-rest-copper-underground"]
    assert (pit["mine_type"], underground["mine_type"]) == ("open_pit", "underground")
    assert (pit["recovery"], underground["recovery"]) == (pytest.approx(0.853240, abs=1e-6),
                                                          pytest.approx(0.928749, abs=1e-6))
    assert pit["metal_t"] == pytest.approx(642_731.71, abs=0.01)
    assert underground["metal_t"] == pytest.approx(681_982.29, abs=0.01)
    assert "chn-rest-copper" not in rows.index
    # the open-pit part keeps China's porphyry type and the porphyry-pit strip ratio; the underground part
    # takes underground development waste (the all-commodity underground default); each the national mined
    # grade of its method (country_values_2019.csv, mine_type open_pit 0.52 %, underground 0.70 %); the
    # porphyry-pit mean is metal-weighted: Gibraltar's 2.714 moved it 2.397 -> 2.408, Centinela's 2.8 (chilecu)
    # 2.408 -> 2.465, Cerro Verde's 2.103 (2004) and Cobre Panama's 0.58 (plan; andesq) 2.465 -> 2.289 (Escondida's 3.2
    # and Candelaria's 2.067, upper bounds, join no sample), FINEPRINT's pits on their year nearest 2019 and Oyu
    # Tolgoi's 1.485, a lower bound, out of the sample (fp19) 2.289 -> 2.249, Mount Milligan's 0.84 (plan; nacu) -> 2.230
    assert pit["deposit_type"] == "porphyry" and pit["strip_ratio"] == pytest.approx(2.230, abs=1e-3)
    assert pd.isna(underground["deposit_type"]) and underground["strip_ratio"] == pytest.approx(0.2733)
    assert (pit["grade"], underground["grade"]) == (0.0052, 0.0070)
    assert pit["grade_fill"] == underground["grade_fill"] == "national"
    # the country's own entry comes before the commodity's: every other country's copper rest is one open pit
    other = copper[(copper["resolution"] == "rest_of_country") & (copper["country"] != "CHN")]
    assert len(other) == other["country"].nunique() and set(other["mine_type"]) == {"open_pit"}


def test_method_parts_take_the_country_entry_first() -> None:
    # China's copper: its own entry (A41); Peru's copper: no entry, one part of the given method;
    # China's zinc: the all-country zinc entry (A40), shares over their sum 0.999
    parts, why = _method_parts("CHN", "copper", "open_pit", "global share")
    assert parts == [("-open-pit", "open_pit", pytest.approx(0.58)),
                     ("-underground", "underground", pytest.approx(0.42))]
    assert "A41" in why and "open pit 58.0 %, underground 42.0 % of the ore" in why
    assert _method_parts("PER", "copper", "open_pit", "global share") == ([("", "open_pit", 1.0)], "global share")
    zinc, why = _method_parts("CHN", "zinc", "mixed", "unused")
    assert [share for _, _, share in zinc] == pytest.approx([0.218 / 0.999, 0.161 / 0.999, 0.620 / 0.999])
    assert "A40" in why
