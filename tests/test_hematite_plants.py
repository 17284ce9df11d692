"""Hematite ores that are beneficiated, not shipped as mined (issue #17): Assmang's Khumani and Beeshoek are read as
concentrators, and two hematite wet plants' mass yields are read (tools/defaults/recovery_reads.csv).

Khumani and Beeshoek are read as concentrators: Assore's 2019 report describes its iron ore division as
'crushing, screening and jigging of run-of-mine ore and tertiary recovery of fine iron ore product' (issue #17).

Their ore tonnage was their product tonnage (ore shipped as mined), which left the jig and WHIMS discards out of the
tailings; it is now derived from the row's reserve grade and the concentrators' default recovery 0.789 (no plant yield
of either mine read). South Africa's read mines become four (Sishen 0.871 own, Kolomela 1 by definition, Khumani and
Beeshoek 0.789), so the rest of South Africa stays pooled toward the world's read mines, now 32.
"""
from __future__ import annotations

import statistics
from types import ModuleType

import pandas as pd
import pytest

from mine_db.default import build_standalone, read_bibliography, read_mines

KHUMANI, BEESHOEK = "zaf-khumani-iron_ore", "zaf-beeshoek-iron_ore"
CONCENTRATOR_DEFAULT = 0.789
# Fe metal of each row (metal_t: product x South Africa's Fe content, USGS MYB 2020 table 9) and its reserve grade
FE_T = {KHUMANI: 9_005_821.26, BEESHOEK: 2_318_147.417}
GRADE = {KHUMANI: 0.621, BEESHOEK: 0.6469}
PRODUCT_T = {KHUMANI: 14_145_000, BEESHOEK: 3_641_000}  # the ore tonnage before: Assore 2019 production
# South Africa's read mines: Fe metal t and recovery (own, definition, or the concentrators' default)
ZAF_READ = [(18_574_721.229, 0.871), (8_412_627.646, 1.0), (FE_T[KHUMANI], 0.789), (FE_T[BEESHOEK], 0.789)]


@pytest.fixture(scope="module")
def standalone() -> pd.DataFrame:
    return build_standalone()[0].set_index("mine_id")


def test_the_rows_state_the_route_and_cite_the_reads() -> None:
    mines = read_mines().set_index("mine_id")
    known = set(read_bibliography()["id"])
    for mine_id in (KHUMANI, BEESHOEK):
        row = mines.loc[mine_id]
        assert row["process"] == "concentrator" and pd.isna(row["recovery"]) and pd.isna(row["ore_t"])
        ours = {s for s in row["source_ids"].split(";") if s.startswith("ir_")}
        assert "ir_assore_iar2019_iron" in ours and ours <= known
        assert "ore_t REMOVED" in row["note"] and "jigging" in row["metal_method"]


def test_ore_follows_from_the_reserve_grade_and_the_concentrators_default(standalone: pd.DataFrame) -> None:
    # hand: Khumani 9,005,821 / (0.621 x 0.789) = 18.38 Mt; Beeshoek 2,318,147 / (0.6469 x 0.789) = 4.54 Mt
    assert FE_T[KHUMANI] / (GRADE[KHUMANI] * CONCENTRATOR_DEFAULT) == pytest.approx(18_380_390, rel=1e-6)
    assert FE_T[BEESHOEK] / (GRADE[BEESHOEK] * CONCENTRATOR_DEFAULT) == pytest.approx(4_541_788, rel=1e-6)
    for mine_id in (KHUMANI, BEESHOEK):
        row = standalone.loc[mine_id]
        assert (row["recovery"], row["recovery_fill"], row["recovery_fill_n"]) == (CONCENTRATOR_DEFAULT, "default", 5)
        assert row["ore_t"] == pytest.approx(FE_T[mine_id] / (GRADE[mine_id] * CONCENTRATOR_DEFAULT), rel=1e-6)
        assert row["ore_t"] > PRODUCT_T[mine_id]  # ore above product: the discards are tailings now


def test_the_rest_of_south_africa_is_pooled_over_four_read_mines_and_the_world(standalone: pd.DataFrame) -> None:
    country = sum(w * v for w, v in ZAF_READ) / sum(w for w, _ in ZAF_READ)
    assert country == pytest.approx(0.8751, abs=1e-4)  # 33.53 / 38.31 Mt Fe
    india = standalone.loc["ind-rest-iron_ore"]  # the world's read surface mines, global level
    assert (india["recovery_fill"], india["recovery_fill_n"]) == ("global", 32)
    assert india["recovery"] == pytest.approx(0.8970, abs=1e-4)
    rest = standalone.loc["zaf-rest-iron_ore"]
    assert (rest["recovery_fill"], rest["recovery_fill_n"]) == ("pooled", 4 + 32)
    assert rest["recovery"] == pytest.approx((4 * country + 5 * india["recovery"]) / 9)


def test_two_hematite_wet_plant_yields_are_read_fewer_than_a_default_needs(recovery_reads: ModuleType) -> None:
    reads = recovery_reads.read_reads()
    known = set(read_bibliography()["id"])
    plants = reads[reads["process"] == "hematite_wet_plant"]
    assert all(set(ids.split(";")) <= known for ids in plants["source_id"])
    pooled = recovery_reads.pooled(reads).set_index(["commodity", "process"]).loc[("iron_ore", "hematite_wet_plant")]
    sishen = statistics.median([0.894, 0.871, 0.860])  # Kumba AR 2007: plant yield 2005, 2006, 2007
    roy_hill = 55 / 68  # design: 55 Mt/y product from about 68 Mt/y wet plant feed (WOMP 2016)
    assert round(roy_hill, 3) == 0.809
    assert pooled["n"] == 2 and not pooled["enough"]
    assert pooled["median"] == pytest.approx((sishen + 0.809) / 2) == pytest.approx(0.84)
    # a hematite plant's mass yield is no concentrator's Fe recovery: the concentrator default keeps its five reads
    assert recovery_reads.pooled(reads).set_index(["commodity", "process"]).loc[("iron_ore", "concentrator"), "n"] == 5
