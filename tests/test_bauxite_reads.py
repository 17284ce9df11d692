"""Helper bauxite's round-10 reads (issue 17): two more bauxite washing yields, which bring the washed sample to the
five mines a default needs, and two by-volume overburden reads (Kapuas Bara Mineral, Kazakhstan's KBRU) that are
never pooled. Each value is pinned to the tonnes or percentages quoted from its document
(tools/defaults/recovery_reads.csv, strip_reads.csv)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from hfcommon.assumptions import load_assumptions
from mine_db import commodities
from mine_db.default import read_bibliography

ROOT = Path(__file__).resolve().parents[1]
COEFFICIENTS = ROOT / "mine_db" / "data" / "default_coefficients.csv"
NEW_SOURCES = ("bx_kapuas_retii2022", "bx_tayan_cf_jcy2019", "bx_jus_binatambang")


def _washed(recovery_reads: ModuleType):
    reads = recovery_reads.read_reads()
    return reads[(reads["commodity"] == "bauxite") & (reads["process"] == "washed")].set_index("mine")


def test_the_two_new_washing_yields_are_their_quoted_concretion_factors(recovery_reads: ModuleType) -> None:
    washed = _washed(recovery_reads)
    kapuas = washed.loc["Kapuas Bara Mineral (Tayan Hilir)"]
    sandai = washed.loc["Jaga Usaha Sandai (Harita, Sandai)"]
    # 'faktor konkresi bauksit (CF) 56,78 %'; 'stock balance CF 50%'
    assert kapuas["value"] == pytest.approx(56.78 / 100) and "56,78 %" in kapuas["quote"]
    assert sandai["value"] == pytest.approx(50 / 100) and "CF 50%" in sandai["quote"]
    assert "tentative" in sandai["basis"] and "plan" in kapuas["basis"]
    # the concretion factor is read as washed / mined mass on the definition of Antam's Tayan geologists
    assert kapuas["source_id"] == "bx_kapuas_retii2022;bx_tayan_cf_jcy2019"
    bibliography = read_bibliography().set_index("id")
    assert set(NEW_SOURCES) <= set(bibliography.index)
    assert "ratio of bauxite concretion against total bauxite weight" in bibliography.loc["bx_tayan_cf_jcy2019",
                                                                                        "where_read"]


def test_five_washed_mines_median_and_spread(recovery_reads: ModuleType) -> None:
    values = np.array([0.75, 0.5435, 0.5, 0.5678, 0.5])  # MRN, Bonasika (162,232 / 298,500), Itamarati, Kapuas, Sandai
    pooled = recovery_reads.pooled(recovery_reads.read_reads()).set_index(["commodity", "process"])
    washed = pooled.loc[("bauxite", "washed")]
    assert washed["n"] == 5 and washed["enough"]
    assert washed["median"] == pytest.approx(np.median(values)) == pytest.approx(0.5435, abs=5e-5)
    assert (washed["p10"], washed["p90"]) == pytest.approx((np.percentile(values, 10), np.percentile(values, 90)))
    assert (washed["p10"], washed["p90"]) == pytest.approx((0.50, 0.6771), abs=5e-4)


def test_kapuas_overburden_is_read_by_volume_and_never_pooled(strip_reads: ModuleType) -> None:
    reads = strip_reads.read_reads()
    kapuas = reads[reads["mine"] == "Kapuas Bara Mineral (Tayan Hilir)"].iloc[0]
    # 7,319,820 BCM of overburden over 20,344,000 WMT of mineable bauxite
    assert kapuas["value"] == pytest.approx(7_319_820 / 20_344_000, abs=5e-5) == pytest.approx(0.36, abs=0.001)
    assert kapuas["unit"] != strip_reads.TONNAGE_UNIT and kapuas["source_id"] == "bx_kapuas_retii2022"
    assert "7.319.820 BCM" in kapuas["quote"] and "20.344.000 WMT" in kapuas["quote"]
    pooled = strip_reads.pooled(reads).set_index(strip_reads.KEYS).loc[("bauxite", "surface", "")]
    assert pooled["n"] == 4 and "Kapuas" not in pooled["mines"]
    # the bauxite strip fill stays on assumption A38, whose reason names the read and this round's search
    assert commodities.default("bauxite", "surface", None, "strip_ratio").assumption_id == "A38"
    reason = load_assumptions()["A38"].reason
    assert "Kapuas Bara Mineral" in reason and "round 10" in reason


def test_kazakhstan_overburden_is_read_by_volume_and_never_pooled(strip_reads: ModuleType) -> None:
    reads = strip_reads.read_reads().set_index("mine")
    kbru = reads.loc["Krasnooktyabrsk bauxite mines (KBRU, Aluminium of Kazakhstan)"]
    # January-June 2005: 11,128.8 thousand m3 of overburden works, 2,022 thousand t of ore mined
    assert kbru["value"] == pytest.approx(11_128.8 / 2_022, abs=5e-5) == pytest.approx(5.5, abs=0.01)
    assert (kbru["unit"], kbru["country"], kbru["source_id"]) == ("m3 waste / t ore", "KAZ", "bx_kbru_mineral2005")
    assert "11128.8 тыс. куб.м" in kbru["quote"] and "2022 тыс.т" in kbru["quote"]
    pooled = strip_reads.pooled(strip_reads.read_reads()).set_index(strip_reads.KEYS).loc[("bauxite", "surface", "")]
    assert pooled["n"] == 4 and "Krasnooktyabrsk" not in pooled["mines"]
    assert "bx_kbru_mineral2005" in set(read_bibliography()["id"])
    assert "Krasnooktyabrsk bauxite mines" in load_assumptions()["A38"].reason
