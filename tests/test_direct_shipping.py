"""Iron ore and bauxite sold as mined take recovery 1 by definition; iron-ore concentrators read as such take the
concentrators' recovery; neither takes the other's, nor an unread row's (issue #17, items 3-4).

A row states `process = direct_shipping` only where a document reads its ore as crushed, screened or dried and sold
(source ids in the row); the default it then takes is a `definition` row of default_coefficients.csv, which comes
before any sample: a national statistic or a country mean of concentrators is not the recovery of ore that is its
own product. An iron-ore row stated `concentrator` takes the median Fe recovery of five concentrators
(tools/defaults/recovery_reads.csv: Korshunov 0.801, Bloom Lake 0.8125, Evrazruda 0.762, Kami 0.789, Lake Giles
0.742; median 0.789, P10-P90 0.750-0.808). Rows that state no route keep their ladder, then draw on the mines
whose route is read (tests/test_across_routes.py), and where fewer than five are read keep assumption A32 / A33.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from hfcommon.assumptions import load_assumptions
from mine_db import commodities
from mine_db.default import build_standalone, read_bibliography, read_mines
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "grade", "recovery", "process"]
# five Canadian iron concentrators with recoveries (a country sample of their own) and three rows without one
CONCENTRATORS = [(f"C{i}", "Canada", "iron_ore", "open_pit", 100.0 * i, 0.30, 0.70 + 0.02 * i, None) for i in range(1, 6)]
ROWS = [
    *CONCENTRATORS,
    ("C6", "Canada", "iron_ore", "open_pit", 50.0, 0.30, None, None),
    ("D1", "Canada", "iron_ore", "open_pit", 50.0, 0.62, None, "direct_shipping"),
    ("D2", "Canada", "iron_ore", "open_pit", 900.0, 0.62, 0.95, "direct_shipping"),
    ("B1", "Guinea", "bauxite", "open_pit", 50.0, None, None, "direct_shipping"),
    ("B2", "Guinea", "bauxite", "open_pit", 50.0, None, None, None),
]
NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])
CANADA_RECOVERY = pd.DataFrame([("CAN", "iron_ore", "recovery", 0.80, 0.05, "src")], columns=NO_NATIONAL.columns)
CONCENTRATORS_READ = {"rus-kachkanar-gok-iron_ore", "usa-hibbing-iron_ore", "can-mont-wright-iron_ore",
                      "rus-korshunov-iron_ore", "can-bloom-lake-iron_ore", "mex-pena-colorada-iron_ore",
                      "ukr-arcelormittal-kryvyi-rih-mines-iron_ore", "bra-casa-de-pedra-iron_ore", "usa-tilden-iron_ore",
                      "usa-united-taconite-iron_ore", "usa-northshore-iron_ore", "aus-sino-iron-iron_ore",
                      "zaf-sishen-iron_ore", "usa-minntac-iron_ore",  # these two read by ironroute, the rest by thinfill
                      "rus-lebedinsky-gok-iron_ore", "rus-mikhailovsky-gok-iron_ore",
                      "ukr-ferrexpo-poltava-mining-iron_ore", "ukr-northern-gok-iron_ore", "ukr-ingulets-gok-iron_ore",
                      "usa-keetac-iron_ore", "swe-lkab-malmberget-svappavaara-iron_ore", "swe-kiruna-iron_ore",
                      "zaf-khumani-iron_ore", "zaf-beeshoek-iron_ore"}  # Assmang's jig plants (ironroute, Assore 2019)
TAGGED = {"bra-caraj-s-serra-sul-s11d-iron_ore", "zaf-kolomela-iron_ore", "bra-vargem-grande-complex-vale-iron_ore",
          "aus-huntly-and-willowdale-alcoa-darling-range-bauxite", "gin-sangar-di-cbg-bauxite",
          # read by helper bauxite (rounds 10-11): Gove's process sheet, NALCO's conveyor, Ma'aden's tonnage balance
          "aus-gove-rio-tinto-bauxite", "ind-panchpatmali-bauxite", "sau-al-ba-itha-bauxite"}


def _fill(rows: list[tuple], national: pd.DataFrame = NO_NATIONAL) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    return fill_gaps(validate(df, "dso.csv"), national).set_index("mine_id")


def test_the_direct_shipping_defaults_are_definitions_of_recovery_one() -> None:
    for code in ("iron_ore", "bauxite"):
        row = commodities.default(code, "surface", None, "recovery", "direct_shipping")
        assert (row.value, row.quality, row.process, row.n, row.sigma) == (1.0, "definition", "direct_shipping",
                                                                           None, None)
    # a row that states no route keeps the modelling assumptions (A32 iron ore 0.85, A33 bauxite 1.0)
    iron = commodities.default("iron_ore", "surface", None, "recovery", "flotation")
    assert (iron.value, iron.quality, iron.assumption_id) == (0.85, "assumption", "A32")
    bauxite = commodities.default("bauxite", "surface", None, "recovery", None)
    assert (bauxite.value, bauxite.quality, bauxite.assumption_id) == (1.0, "assumption", "A33")


def test_a_direct_shipping_row_takes_recovery_one_before_any_sample() -> None:
    filled = _fill(ROWS, CANADA_RECOVERY)
    assert filled.loc["D1", ["recovery", "recovery_fill", "recovery_fill_group"]].tolist() == [
        1.0, "definition", "recovery|definition|iron_ore|*|*|direct_shipping"]
    assert pd.isna(filled.loc["D1", "recovery_fill_n"]) and pd.isna(filled.loc["D1", "recovery_fill_sigma"])
    assert filled.loc["D2", ["recovery", "recovery_fill"]].tolist() == [0.95, "mine"]  # own data still wins
    assert filled.loc["B1", ["recovery", "recovery_fill"]].tolist() == [1.0, "definition"]
    # an untagged bauxite row keeps the assumption (A33), flagged as a default, not a definition
    assert filled.loc["B2", ["recovery", "recovery_fill", "recovery_fill_group"]].tolist() == [
        1.0, "default", "recovery|default|bauxite|*|*"]


def test_an_untagged_row_still_takes_the_concentrators_sample() -> None:
    filled = _fill(ROWS)
    # D2's 0.95 (900 t) is no concentrator's: C6 takes the mean of C1-C5 only
    canada = sum(100 * i * (0.70 + 0.02 * i) for i in range(1, 6)) / 1500
    assert canada == pytest.approx(0.773333, abs=1e-6)
    assert filled.loc["C6", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [
        pytest.approx(canada), "country", 5]
    assert filled.loc["C6", "recovery_fill_group"] == "recovery|country|iron_ore|surface|*|CAN"
    # the same table without the direct-shipping rows fills C6 identically
    alone = _fill([r for r in ROWS if r[-1] != "direct_shipping"])
    assert alone.loc["C6", "recovery"] == filled.loc["C6", "recovery"]
    # a national statistic still beats the country mean for a row that states no route
    national = _fill(ROWS, CANADA_RECOVERY)
    assert national.loc["C6", ["recovery", "recovery_fill"]].tolist() == [0.80, "national"]


def test_each_tagged_row_cites_the_document_that_reads_its_route() -> None:
    mines = read_mines()
    tagged = mines[mines["process"].isin(["direct_shipping", "concentrator"])]
    assert set(mines.loc[mines["process"] == "direct_shipping", "mine_id"]) == TAGGED
    assert set(mines.loc[mines["process"] == "concentrator", "mine_id"]) == CONCENTRATORS_READ
    known = set(read_bibliography()["id"])
    for _, row in tagged.iterrows():
        ours = [s for s in row["source_ids"].split(";") if s.startswith(("ironbx_", "ir_", "tf_", "bx_", "bx3_"))]
        assert set(ours) <= known
        # a route read in a document, or derived from the row's read ore grade and its product's Fe content
        assert ours or ("derived from two read values" in row["note"] and "usgs_myb2020_iron_ore" in row["source_ids"])
        assert f"Process {row['process']}" in row["note"]


@pytest.fixture(scope="module")
def standalone() -> pd.DataFrame:
    return build_standalone()[0].set_index("mine_id")


def test_bundled_tagged_rows_take_the_definition_and_the_rest_draw_on_read_routes(standalone: pd.DataFrame) -> None:
    tagged = standalone.loc[sorted(TAGGED)]
    assert (tagged["recovery"] == 1.0).all() and (tagged["recovery_fill"] == "definition").all()
    iron = standalone[standalone["commodity"] == "iron_ore"]
    untagged = iron[iron["process"].isna() & ~iron["recovery_fill"].isin(["mine", "national"])]
    # no bundled iron-ore row is left on A32: each draws on the read routes (tests/test_across_routes.py)
    assert len(untagged) > 0 and untagged["recovery_fill_group"].str.endswith("|any_route").all()
    assert "aus-hamersley-iron-mines-rio-tinto-iron_ore" in untagged.index  # partly beneficiated: not tagged
    concentrators = standalone.loc[sorted(CONCENTRATORS_READ)]
    own = concentrators["recovery_fill"] == "mine"
    assert set(concentrators.index[own]) == {"rus-korshunov-iron_ore", "can-bloom-lake-iron_ore", "zaf-sishen-iron_ore"}
    assert (concentrators.loc[~own, "recovery"] == 0.789).all() and (concentrators.loc[~own, "recovery_fill_n"] == 5).all()
    assert set(concentrators.loc[~own, "recovery_fill_group"]) == {"recovery|default|iron_ore|*|*|concentrator"}


def test_the_concentrator_default_is_the_median_of_five_read_recoveries(recovery_reads: ModuleType) -> None:
    reads = recovery_reads.read_reads()
    known = set(read_bibliography()["id"])
    assert all(set(ids.split(";")) <= known for ids in reads["source_id"])
    pooled = recovery_reads.pooled(reads).set_index(["commodity", "process"]).loc[("iron_ore", "concentrator")]
    # per-mine medians: Lake Giles 0.742, Evrazruda 0.762, Kami (0.793 + 0.785) / 2, Korshunov 0.801, Bloom Lake
    # (0.797 + 0.828) / 2
    per_mine = [0.742, 0.762, 0.789, 0.801, 0.8125]
    assert pooled["n"] == 5 and pooled["median"] == pytest.approx(0.789)
    assert pooled["p10"] == pytest.approx(np.percentile(per_mine, 10)) == pytest.approx(0.75)
    assert pooled["p90"] == pytest.approx(np.percentile(per_mine, 90)) == pytest.approx(0.8079)
    row = commodities.default("iron_ore", "surface", None, "recovery", "concentrator")
    assert (row.value, row.low, row.high, row.n, row.quality) == (0.789, 0.75, 0.808, 5, "derived")
    # Kami 2018: 7.8 Mt x 23 yr x 65.2 % / (517.2 Mt x 28.8 %)
    assert 7.8 * 23 * 0.652 / (517.2 * 0.288) == pytest.approx(0.785, abs=5e-4)


def test_concentrator_rows_pool_among_themselves() -> None:
    rows = [(f"K{i}", "Canada", "iron_ore", "open_pit", 100.0, 0.30, 0.70 + 0.02 * i, "concentrator") for i in range(1, 6)]
    filled = _fill([*rows, ("K6", "Canada", "iron_ore", "open_pit", 10.0, 0.30, None, "concentrator"),
                    ("U1", "Canada", "iron_ore", "open_pit", 10.0, 0.60, None, None)])
    assert filled.loc["K6", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [
        pytest.approx(0.76), "country", 5]
    assert filled.loc["K6", "recovery_fill_group"] == "recovery|country|iron_ore|surface|*|CAN|concentrator"
    # a row whose route nobody read draws on the six read mines (K6 with the concentrators' default 0.789), not on
    # the concentrators' country mean alone (tests/test_across_routes.py)
    assert filled.loc["U1", ["recovery", "recovery_fill", "recovery_fill_n", "recovery_fill_group"]].tolist() == [
        pytest.approx((100 * (0.72 + 0.74 + 0.76 + 0.78 + 0.80) + 10 * 0.789) / 510), "country", 6,
        "recovery|country|iron_ore|surface|*|CAN|any_route"]


def test_five_bauxite_washing_yields_are_read_and_unread_rows_keep_A33(recovery_reads: ModuleType) -> None:
    washed = recovery_reads.pooled(recovery_reads.read_reads()).set_index(["commodity", "process"])
    washed = washed.loc[("bauxite", "washed")]
    # MRN: 25 % of the solid mass to tailings; Bonasika: 162,232 t concentrate / 298,500 t raw a year;
    # Itamarati de Minas: half a tonne washed per tonne beneficiated (tentative); Kapuas Bara Mineral: CF 56.78 %;
    # Jaga Usaha Sandai: stock booked at CF 50 % (tentative) -- pinned in tests/test_bauxite_reads.py
    assert 162_232 / 298_500 == pytest.approx(0.5435, abs=5e-5)
    assert washed["n"] == 5 and washed["enough"] and washed["median"] == pytest.approx(0.5435)
    # washed operations read so take this median (tests/test_bauxite_routes.py); every bauxite row whose route is
    # not read keeps A33, whose low end is the lowest washing yield read
    row = commodities.default("bauxite", "surface", None, "recovery", None)
    assert (row.value, row.low, row.high, row.assumption_id) == (1.0, 0.5, 1.0, "A33")
    reason = load_assumptions()["A33"].reason
    # and names every washing yield read and the routes read as shipped as mined
    names = ("MRN", "Bonasika", "Itamarati de Minas", "Kapuas Bara Mineral", "Jaga Usaha Sandai", "Gove",
             "Panchpatmali", "Al Ba'itha")
    assert all(name in reason for name in names)
