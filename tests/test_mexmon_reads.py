"""Mexico and other copper pits (issue 17, helper mexmon): each entered strip ratio is the arithmetic of the tonnes
quoted in its source, the quote sits in where_read, and the built table keeps it as the mine's own value.

Buenavista's and La Caridad's SX-EW cathode come out of Rest of Mexico as rows of their own, on their pits' own
strip ratio: FINEPRINT's ore mined for those pits (the ratio's denominator) already counts the leach ore.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mine_db.default import build_default, read_bibliography, read_mines

#: (mine_id, source id, waste, ore mined, the two figures as the page prints them), Mt a year.
READS = [
    ("esp-riotinto-copper", "mm_atalaya_q4_2020", 17.9, 10.4, ("Ore mined (M tonnes) 10.4", "Waste mined (M tonnes) 17.9")),
]

#: SX-EW row -> (its pit's concentrator row, cathode t, leach ore mined t; FINEPRINT det_1323, 2019).
SX_EW = {
    "mex-buenavista-sx-ew-copper": ("mex-buenavista-copper", 100_100, 141_096_000),
    "mex-la-caridad-sx-ew-copper": ("mex-la-caridad-copper", 25_930, 28_457_000),
}

#: The pits' 2019 material (FINEPRINT waste.csv total, minerals.csv ore mined bulk + leach), for the notes' check.
PIT_2019 = {
    "mex-buenavista-sx-ew-copper": (288_882_000, 70_323_000 + 141_096_000),
    "mex-la-caridad-sx-ew-copper": (94_578_000, 34_401_000 + 28_457_000),
}


@pytest.fixture(scope="module")
def mines() -> pd.DataFrame:
    return read_mines().set_index("mine_id")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return build_default()[0].set_index("mine_id")


@pytest.mark.parametrize(("mine_id", "source", "waste", "ore", "quoted"), READS)
def test_strip_is_the_arithmetic_of_the_quoted_tonnes(mines, mine_id, source, waste, ore, quoted) -> None:
    row = mines.loc[mine_id]
    assert row["strip_ratio"] == pytest.approx(round(waste / ore, 3))
    assert row["strip_source"] == source
    assert source in row["source_ids"].split(";")
    for figure in quoted:
        assert figure in row["where_read"]
    assert pd.isna(row["strip_ratio_basis"])  # ore mined and waste mined both read: no bound


def test_riotinto_ore_grade_and_recovery_give_its_copper(mines) -> None:
    row = mines.loc["esp-riotinto-copper"]
    assert row["metal_t"] == 44_950
    assert row["ore_t"] * row["grade"] * row["recovery"] == pytest.approx(row["metal_t"], rel=0.005)


@pytest.mark.parametrize("mine_id", list(SX_EW))
def test_sx_ew_rows_carry_their_pits_strip_and_the_read_cells(mines, mine_id) -> None:
    pit, cathode, leach_ore = SX_EW[mine_id]
    row = mines.loc[mine_id]
    assert row["process"] == "leach"
    assert row["metal_t"] == cathode
    assert row["ore_t"] == leach_ore
    assert row["strip_ratio"] == mines.loc[pit, "strip_ratio"]
    assert row["strip_source"] == mines.loc[pit, "strip_source"]
    assert (row["latitude"], row["longitude"]) == (mines.loc[pit, "latitude"], mines.loc[pit, "longitude"])
    total, ore = PIT_2019[mine_id]
    assert f"{(total - ore) / ore:.3f}" in row["note"]  # the 2019 single-year ratio, stated beside the pit's


def test_every_source_is_in_the_bibliography_with_its_address(mines) -> None:
    bibliography = read_bibliography().set_index("id")
    for mine_id in [r[0] for r in READS] + list(SX_EW):
        for source in mines.loc[mine_id, "source_ids"].split(";"):
            assert source in bibliography.index
    for _, source, *_ in READS:
        assert bibliography.loc[source, "url"].startswith("http")


def test_built_table_keeps_each_strip_as_the_mines_own(table) -> None:
    for mine_id, _, waste, ore, _ in READS:
        assert table.loc[mine_id, "strip_ratio_fill"] == "mine"
        assert table.loc[mine_id, "strip_ratio"] == pytest.approx(waste / ore, abs=5e-4)
    for mine_id, (pit, _, leach_ore) in SX_EW.items():
        assert table.loc[mine_id, "strip_ratio_fill"] == "mine"
        # the leach ore is the site's own; its pit's concentrator row shares the same by-product allocation
        assert table.loc[mine_id, "mine_ore_t"] == leach_ore
        assert table.loc[mine_id, "ore_basis"] == table.loc[pit, "ore_basis"]


def test_rest_rows_shrink_by_the_named_output(table) -> None:
    # national (WMD 2019) minus every named row of the country: the split keeps the country's total
    named_mex = table.loc[table.index.str.startswith("mex-") & (table["commodity"] == "copper")
                          & (table["resolution"] == "mine"), "metal_t"].sum()
    assert table.loc["mex-rest-copper", "metal_t"] == pytest.approx(713_704 - named_mex)
    assert table.loc["mex-rest-copper", "metal_t"] == pytest.approx(117_221.605, abs=0.01)
    assert table.loc["esp-rest-copper", "metal_t"] == pytest.approx(170_556 - 48_000 - 44_950)
