"""Copper rows that leach their ore (SX-EW cathode) take leach recoveries, never a concentrator's (issue #17, item 3).

The leach default is FINEPRINT's copper-cathode recovery (commodity Oth.cuca, tools/defaults/fp_leach.py): per-mine
median over 2010-2020, then the median of 7 mines (0.651, Zaldivar), P10-P90 0.333-0.827. Numbers checked by hand.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hfcommon.errors import InputError
from mine_db import commodities
from mine_db.default import build_standalone, read_mines
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")
SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "defaults" / "fp_leach.py"
NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])
COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "recovery", "process"]
# five Chilean concentrators with recoveries (a country sample), two leach mines, one of them without a recovery
CONCENTRATORS = [(f"F{i}", "Chile", "copper", "open_pit", 100.0 * i, 0.80 + 0.02 * i, None) for i in range(1, 6)]
ROWS = [
    *CONCENTRATORS,
    ("F6", "Chile", "copper", "open_pit", 50.0, None, "flotation"),
    ("X1", "Chile", "copper", "open_pit", 50.0, None, "mixed"),
    ("L1", "Chile", "copper", "open_pit", 400.0, 0.60, "leach"),
    ("L2", "Chile", "copper", "open_pit", 100.0, None, "leach"),
]


def _fill(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test", grade=0.01)
    return fill_gaps(validate(df, "leach.csv"), NO_NATIONAL).set_index("mine_id")


def test_the_leach_default_is_the_median_of_seven_fineprint_cathode_recoveries() -> None:
    leach = commodities.default("copper", "surface", "porphyry", "recovery", "leach")
    assert (leach.value, leach.low, leach.high, leach.n, leach.process) == (0.651, 0.333, 0.827, 7, "leach")
    assert leach.sigma == pytest.approx(np.log(0.827 / 0.333) / (2 * 1.645))
    # a concentrator, a mixed row and a row that states no route keep the flotation default
    for route in ("flotation", "mixed", None):
        assert commodities.default("copper", "surface", None, "recovery", route).value == 0.872
    # grade and strip ratio have no process rows: a leach row takes the same ones as any pit
    assert commodities.default("copper", "surface", None, "grade", "leach").value == 0.0066


@pytest.mark.skipif(not FINEPRINT.exists(), reason="shared FINEPRINT copy not available")
def test_fp_leach_re_derives_the_row() -> None:
    out = subprocess.run([sys.executable, SCRIPT.name, str(FINEPRINT), "--json"], cwd=SCRIPT.parent, check=True,
                         capture_output=True, text=True).stdout
    result = json.loads(out)
    stats = result["recovery"]
    assert stats["n"] == 7 and stats["median"] == 0.651  # Zaldivar's 2016-2019 median (0.608, 0.651, 0.651, 0.674)
    assert (round(stats["p10"], 3), round(stats["p90"], 3)) == (0.333, 0.827)
    mines = {m["name"]: m for m in result["mines"]}
    assert set(mines) == {"Toquepala", "La Caridad", "Buenavista", "Zaldivar", "Centinela", "Michilla",
                          "Cobre Las Cruces"}
    # Centinela cathodes 2010-2019: 0.717 0.710 0.755 0.782 0.705 0.689 0.707 0.643 0.719 0.700 -> (0.707 + 0.710) / 2
    assert mines["Centinela"]["years"] == 10 and mines["Centinela"]["recovery"] == pytest.approx(0.7085)


def test_a_leach_row_takes_the_leach_default_and_leaves_the_concentrators_alone() -> None:
    filled = _fill(ROWS)
    # one leach recovery (L1) is no sample: L2 takes the leach default, in a group of its own
    assert filled.loc["L2", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [0.651, "default", 7]
    assert filled.loc["L2", "recovery_fill_group"] == "recovery|default|copper|*|*|leach"
    # the concentrators' country mean leaves L1's 0.60 out: sum(100 i (0.80 + 0.02 i)) / sum(100 i) = 0.8733
    chile = sum(100 * i * (0.80 + 0.02 * i) for i in range(1, 6)) / 1500
    assert chile == pytest.approx(0.873333, abs=1e-6)
    for row in ("F6", "X1"):  # stated flotation, and mixed (taken with the concentrators)
        assert filled.loc[row, ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [
            pytest.approx(chile), "country", 5]
        assert filled.loc[row, "recovery_fill_group"] == "recovery|country|copper|surface|*|CHL"
    # the same table without the leach rows fills F6 identically
    alone = _fill([r for r in ROWS if r[-1] != "leach"])
    assert alone.loc["F6", "recovery"] == filled.loc["F6", "recovery"]


def test_five_leach_mines_make_a_country_sample_of_their_own() -> None:
    leach = [(f"L{i}", "Chile", "copper", "open_pit", 100.0, 0.60 + 0.02 * i, "leach") for i in range(1, 6)]
    filled = _fill([*CONCENTRATORS, *leach, ("L6", "Chile", "copper", "open_pit", 10.0, None, "leach")])
    # equal weights: mean of 0.62 0.64 0.66 0.68 0.70
    assert filled.loc["L6", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [
        pytest.approx(0.66), "country", 5]
    assert filled.loc["L6", "recovery_fill_group"] == "recovery|country|copper|surface|*|CHL|leach"


def test_an_unknown_process_names_its_row_and_column() -> None:
    df = pd.DataFrame([("L1", "Chile", "copper", "open_pit", 1.0, None, "heap")], columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    with pytest.raises(InputError) as error:
        validate(df, "leach.csv")
    assert (error.value.row, error.value.column) == (2, "process") and "leach" in str(error.value)


def test_each_stated_route_is_what_the_rows_own_text_says() -> None:
    mines = read_mines()
    text = (mines["metal_method"].fillna("") + " " + mines["note"].fillna("")).str.lower()
    # test_direct_shipping, test_iron_routes; bauxite's washed route: test_bauxite_routes
    iron_and_bauxite_routes = ["direct_shipping", "concentrator", "dry_and_wet", "washed"]
    stated = mines["process"].notna() & ~mines["process"].isin(iron_and_bauxite_routes)
    assert set(mines.loc[stated, "commodity"]) == {"copper"}
    assert mines.loc[stated, "process"].value_counts().to_dict() == {"flotation": 25, "leach": 11, "mixed": 4}
    leach = mines["process"] == "leach"
    assert text[leach].str.contains("cathode").all() and not text[leach].str.contains("concentrate").any()
    mixed = mines["process"] == "mixed"
    assert text[mixed].str.contains("cathode").all()
    assert text[mixed].str.contains("concentrat|includes sx-ew cathode").all()  # Cerro Verde: "includes SX-EW cathode"
    flotation = mines["process"] == "flotation"
    assert mines.loc[flotation, "metal_method"].str.contains("concentrat").all()


@pytest.fixture(scope="module")
def standalone() -> pd.DataFrame:
    return build_standalone()[0].set_index("mine_id")


def test_gabriela_mistral_takes_the_leach_recovery(standalone: pd.DataFrame) -> None:
    row = standalone.loc["chl-gabriela-mistral-copper"]
    assert (row["recovery"], row["recovery_fill"], row["grade"]) == (0.651, "default", 0.0035)
    # ore = 107,247 t Cu / (0.35 % x 0.651) = 47.07 Mt, against the approved 46 Mt/yr leach feed (was 36.3 Mt)
    assert row["ore_t"] == pytest.approx(107247 / (0.0035 * 0.651)) and round(row["ore_t"] / 1e6, 2) == 47.07
    leach = standalone[standalone["process"] == "leach"]
    filled = leach[leach["recovery_fill"] != "mine"]
    assert len(filled) == 8 and (filled["recovery"] == 0.651).all()  # 6 + the two Mexican SX-EW rows (mexmon)
    assert leach.loc[leach["recovery_fill"] == "mine", "recovery"].to_dict() == {
        "chl-zaldivar-copper": 0.636, "chl-antucoya-copper": 0.746, "esp-las-cruces-copper": 0.93}
