"""Published grades and recoveries of the thin defaults (tools/defaults/coef_reads.csv) and the concentrator sample
they are pooled with (tools/defaults/fp_recovery_all.py): sourced, quoted, and a default row is the derivation."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mine_db import commodities
from mine_db.default import read_bibliography
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import MIN_SAMPLE, fill_gaps
from mine_db.schema import validate

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "defaults"
FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")
NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])


@pytest.fixture(scope="module")
def tool():
    sys.path.insert(0, str(TOOLS))  # the script imports its sibling tools/defaults/reads.py
    try:
        spec = importlib.util.spec_from_file_location("coef_reads", TOOLS / "coef_reads.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(TOOLS))
    return module


@pytest.fixture(scope="module")
def table(tool):
    return tool.pooled(tool.read_reads()).set_index(tool.KEYS)


def test_every_read_cites_a_bundled_source_and_quotes_it(tool) -> None:
    reads = tool.read_reads()
    assert set(reads["source_id"]) <= set(read_bibliography()["id"])
    assert reads["quote"].str.len().gt(15).all() and reads["status"].str.len().gt(5).all()
    assert set(reads["variable"]) <= {"grade", "recovery"} and set(reads["commodity"]) <= set(commodities.CODES)
    assert reads["value"].between(0, 1, inclusive="right").all()  # fractions, as the defaults are


def test_manganese_pits_grade_rests_on_five_mines(table) -> None:
    got = table.loc[("grade", "manganese", "surface", "")]
    # Butcherbird 0.103, Swartkopfontein 0.27 (34.86 % MnO x 54.94 / 70.94), Moanda 0.30, Tshipi 0.3649, Mamatwan 0.375
    assert got["n"] == 5 and got["median"] == pytest.approx(0.30)
    assert 0.3486 * 54.94 / 70.94 == pytest.approx(0.27, abs=0.001)
    row = commodities.default("manganese", "surface", None, "grade")
    assert (row.n, row.quality) == (5, "read")
    assert (row.value, row.low, row.high) == pytest.approx((got["median"], got["p10"], got["p90"]), abs=0.001)


def test_spodumene_recovery_rests_on_five_concentrators(table) -> None:
    got = table.loc[("recovery", "lithium", "", "")]
    # per-mine medians: Finniss 0.50, Mt Cattlin 0.566, Grota do Cirilo 0.66, NAL 0.675 (0.67, 0.68),
    # Pilgangoora 0.6875 (0.653, 0.722)
    assert got["n"] == 5 and got["median"] == pytest.approx(0.66)
    assert "Pilgangoora 0.688" in got["mines"] and "North American Lithium 0.675" in got["mines"]
    row = commodities.default("lithium", "surface", None, "recovery")
    assert (row.n, row.value) == (5, 0.66)
    assert (row.low, row.high) == pytest.approx((got["p10"], got["p90"]), abs=0.001)


def test_a_kind_below_five_keeps_its_reads_count_for_pooling(tool, table) -> None:
    for commodity, n, median in (("cobalt", 2, (0.645 + 0.76) / 2), ("graphite", 2, (0.912 + 0.80) / 2)):
        got = table.loc[("recovery", commodity, "", "")]
        row = commodities.default(commodity, "surface", None, "recovery")
        assert (got["n"], bool(got["enough"]), row.n) == (n, False, n)
        assert row.value == pytest.approx(median, abs=0.001)
    # a kind reaches five exactly where its default row rests on five or more mines
    for key, got in table.iterrows():
        variable, commodity, method, _ = key
        row = commodities.default(commodity, method or "surface", None, variable)
        assert (row.n >= MIN_SAMPLE) == bool(got["enough"]), key


def test_the_concentrator_sample_is_the_fineprint_derivation() -> None:
    if not FINEPRINT.exists():
        pytest.skip("shared FINEPRINT copy not available")
    out = subprocess.run([sys.executable, "fp_recovery_all.py", str(FINEPRINT), "--json"], cwd=TOOLS, check=True,
                         capture_output=True, text=True).stdout
    got = json.loads(out)
    row = commodities.wider_default("surface", "recovery", "flotation")
    assert (row.commodity, row.n, row.assumption_id) == ("all", got["n"], "A39") and got["n"] == 64
    assert (row.value, row.low, row.high) == pytest.approx((got["median"], got["p10"], got["p90"]), abs=0.0005)


def test_rare_earth_grade_rests_on_ten_hard_rock_deposits(table) -> None:
    got = table.loc[("grade", "rare_earths", "", "")]
    # per deposit: Lovozero 0.0112, Songwe Hill 0.016, Nolans 0.03, Maoniuping 0.037, Ngualla 0.048, Bayan Obo 0.06,
    # Mount Weld 0.0644, Mountain Pass (0.08 + 0.0798) / 2 = 0.0799, Steenkampskraal 0.0868, Gakara 0.10:
    # median (0.048 + 0.06) / 2 = 0.054; P10 at rank 0.9: 0.0112 + 0.9 x 0.0048 = 0.01552;
    # P90 at rank 8.1: 0.0868 + 0.1 x 0.0132 = 0.08812
    assert got["n"] == 10 and bool(got["enough"])
    assert (got["median"], got["p10"], got["p90"]) == pytest.approx((0.054, 0.01552, 0.08812))
    assert "Mountain Pass 0.0799" in got["mines"] and "Lovozero (Karnasurt) 0.0112" in got["mines"]
    row = commodities.default("rare_earths", "surface", None, "grade")
    assert (row.n, row.quality) == (10, "read")
    assert (row.value, row.low, row.high) == pytest.approx((got["median"], got["p10"], got["p90"]), abs=0.001)
    # ion-adsorption clays are a kind of their own: their row is not this sample
    clay = commodities.default("rare_earths", "surface", "ion_adsorption_clay", "grade")
    assert clay.value == 0.0008 and clay.deposit_type == "ion_adsorption_clay"


def test_rare_earth_recovery_rests_on_five_reads_and_is_not_pooled(table) -> None:
    got = table.loc[("recovery", "rare_earths", "", "")]
    # Baotou 0.65, Maoniuping 0.70, Cummins Range 0.70, Nolans 0.775, Strange Lake 0.80: median 0.70;
    # P10 at rank 0.4: 0.65 + 0.4 x 0.05 = 0.67; P90 at rank 3.6: 0.775 + 0.6 x 0.025 = 0.79
    assert got["n"] == 5 and bool(got["enough"])
    assert (got["median"], got["p10"], got["p90"]) == pytest.approx((0.70, 0.67, 0.79))
    row = commodities.default("rare_earths", "surface", None, "recovery")
    assert (row.n, row.value, row.quality, row.assumption_id) == (5, 0.70, "weak", None)
    assert (row.low, row.high) == pytest.approx((got["p10"], got["p90"]), abs=0.001)


def test_rare_earth_rows_fill_from_samples_of_five_or_more() -> None:
    sites = pd.DataFrame({"mine_id": ["HARD", "OWN"], "country": ["Burma", "Australia"],
                          "commodity": "rare_earths", "mine_type": "open_pit", "deposit_type": None,
                          "metal_t": [1000.0, 500.0], "grade": [np.nan, 0.0644]})
    sites = sites.assign(name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    out = fill_gaps(validate(sites, "ree.csv"), NO_NATIONAL).set_index("mine_id")
    # the unnamed row: the ten-deposit grade and the five-read recovery, as they are (n >= 5: no pooling)
    assert out.loc["HARD", ["grade", "grade_fill", "grade_fill_n"]].tolist() == [0.054, "default", 10]
    assert out.loc["HARD", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [0.70, "default", 5]
    assert out.loc["HARD", "recovery_fill_group"] == "recovery|default|rare_earths|*|*"
    # ore = REO / (grade x recovery) = 1000 / (0.054 x 0.70) = 26,455 t (was 1000 / (0.0644 x 0.65) = 23,889 t)
    flows = derive_hidden_flows(out.reset_index()).set_index("mine_id")
    assert flows.loc["HARD", "ore_t"] == pytest.approx(26455.03, abs=0.01)
    # a row with its own grade keeps it (Mount Weld's ore reserve grade)
    assert out.loc["OWN", ["grade", "grade_fill"]].tolist() == [0.0644, "mine"]
