"""tools/defaults/fp_iron_recovery.py re-derives the iron-ore recovery rows of default_coefficients.csv from FINEPRINT.

Fe recovery = product t x product Fe / (ore t x ore Fe) per mine-year where all four are reported; per-mine median.
FINEPRINT final_2022-06 holds all four for three iron mines only; the concentrator row pools them with two feasibility
studies (tools/defaults/recovery_reads.csv, tests/test_direct_shipping.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mine_db import commodities

FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")
SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "defaults" / "fp_iron_recovery.py"


@pytest.fixture(scope="module")
def result() -> dict:
    if not FINEPRINT.exists():
        pytest.skip("shared FINEPRINT copy not available")
    out = subprocess.run([sys.executable, SCRIPT.name, str(FINEPRINT), "--json"], cwd=SCRIPT.parent, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def test_the_magnetite_row_is_the_korshunov_median_and_its_yearly_range(result: dict) -> None:
    row = commodities.default("iron_ore", "surface", "magnetite", "recovery")
    mines = {m["name"]: m for m in result["mines_with_recovery"]}
    assert set(mines) == {"Korshunov", "Evrazruda", "Bloom Lake"} and row.n == 2  # the two magnetite mines
    korshunov = mines["Korshunov"]
    assert korshunov["recovery_years"] == 16
    assert round(korshunov["recovery"], 2) == row.value == 0.80
    assert (round(korshunov["recovery_min"], 2), round(korshunov["recovery_max"], 2)) == (row.low, row.high)
    assert mines["Evrazruda"]["recovery"] == pytest.approx(2402400 / 3151800)  # 2013: 3.9 Mt x 61.6 % / 10.2 Mt x 30.9 %
    # Bloom Lake FY2019: 6,994,500 t x 66.4 % (commodities.csv) / (18,493,800 t x 31.5 %, minerals.csv overall grade)
    assert mines["Bloom Lake"]["recovery_min"] == pytest.approx(6994500 * 0.664 / (18493800 * 0.315))


def test_too_few_mines_to_replace_a32(result: dict) -> None:
    """The three mines with a recovery are concentrators; no direct-shipping mine reports one, so A32 stays."""
    assert result["concentrator"]["recovery"]["n"] == 3 and result["direct shipping"]["recovery"]["n"] == 0
    a32 = commodities.default("iron_ore", "surface", None, "recovery")
    assert a32.assumption_id == "A32" and (a32.value, a32.low, a32.high) == (0.85, 0.7, 1.0)
    assert result["concentrator"]["mass_yield"]["n"] == 13 and result["direct shipping"]["mass_yield"]["n"] == 4
    assert result["concentrator"]["mass_yield"]["max"] < 0.8 <= result["direct shipping"]["mass_yield"]["min"]
    assert result["left_out"]["mines"] == ["Mikhailovsky GOK"]  # product 10x its ore: different tonnage bases
