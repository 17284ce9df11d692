"""Published grades and recoveries of the thin defaults (tools/defaults/coef_reads.csv) and the concentrator sample
they are pooled with (tools/defaults/fp_recovery_all.py): sourced, quoted, and a default row is the derivation."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mine_db import commodities
from mine_db.default import read_bibliography
from mine_db.gapfill import MIN_SAMPLE

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "defaults"
FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")


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
