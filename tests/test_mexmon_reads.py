"""Mexico's SX-EW rows and Riotinto (issue 17, helper mexmon); Riotinto's strip ratio is pinned with every other
read in tests/test_mine_strip_reads.py.

Buenavista's and La Caridad's SX-EW cathode come out of Rest of Mexico as rows of their own, on their pits' own
strip ratio: FINEPRINT's ore mined for those pits (the ratio's denominator) already counts the leach ore.
"""

from __future__ import annotations

import pytest

from mine_db.default import read_bibliography

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


def test_riotinto_ore_grade_and_recovery_give_its_copper(named_mines) -> None:
    row = named_mines.loc["esp-riotinto-copper"]
    assert row["metal_t"] == 44_950
    assert row["ore_t"] * row["grade"] * row["recovery"] == pytest.approx(row["metal_t"], rel=0.005)


@pytest.mark.parametrize("mine_id", list(SX_EW))
def test_sx_ew_rows_carry_their_pits_strip_and_the_read_cells(named_mines, mine_id) -> None:
    pit, cathode, leach_ore = SX_EW[mine_id]
    row = named_mines.loc[mine_id]
    assert row["process"] == "leach"
    assert row["metal_t"] == cathode
    assert row["ore_t"] == leach_ore
    assert row["strip_ratio"] == named_mines.loc[pit, "strip_ratio"]
    assert row["strip_source"] == named_mines.loc[pit, "strip_source"]
    assert (row["latitude"], row["longitude"]) == (named_mines.loc[pit, "latitude"], named_mines.loc[pit, "longitude"])
    total, ore = PIT_2019[mine_id]
    assert f"{(total - ore) / ore:.3f}" in row["note"]  # the 2019 single-year ratio, stated beside the pit's


def test_every_cited_source_is_in_the_bibliography(named_mines) -> None:
    bibliography = read_bibliography().set_index("id")
    for mine_id in ["esp-riotinto-copper", *SX_EW]:
        for source in named_mines.loc[mine_id, "source_ids"].split(";"):
            assert source in bibliography.index


def test_sx_ew_rows_keep_their_pits_strip_and_their_own_leach_ore(built_mines) -> None:
    for mine_id, (pit, _, leach_ore) in SX_EW.items():
        assert built_mines.loc[mine_id, "strip_ratio_fill"] == "mine"
        # the leach ore is the site's own; its pit's concentrator row shares the same by-product allocation
        assert built_mines.loc[mine_id, "mine_ore_t"] == leach_ore
        assert built_mines.loc[mine_id, "ore_basis"] == built_mines.loc[pit, "ore_basis"]


def test_rest_rows_shrink_by_the_named_output(built_mines) -> None:
    # national (WMD 2019) minus every named row of the country: the split keeps the country's total
    named_mex = built_mines.loc[built_mines.index.str.startswith("mex-") & (built_mines["commodity"] == "copper")
                          & (built_mines["resolution"] == "mine"), "metal_t"].sum()
    assert built_mines.loc["mex-rest-copper", "metal_t"] == pytest.approx(713_704 - named_mex)
    assert built_mines.loc["mex-rest-copper", "metal_t"] == pytest.approx(117_221.605, abs=0.01)
    assert built_mines.loc["esp-rest-copper", "metal_t"] == pytest.approx(170_556 - 48_000 - 44_950)
