"""Chile copper pits' own strip ratios (issue 17, helper chilecu): each entered value is the arithmetic of the
tonnes quoted in its source, the quote sits in where_read, and the built table keeps it as the mine's own value."""

from __future__ import annotations

import pandas as pd
import pytest

from mine_db.default import build_default, read_bibliography, read_mines

#: (mine_id, source id, material moved a day, ore mined a day, the figures as the page prints them, basis).
#: Hand-computed: Centinela (420,000 + 150,000 - (100,000 + 20,000 + 30,000)) / 150,000 = 2.8;
#: Candelaria (230,000 - 75,000) / 75,000 = 2.0667.
READS = [
    ("chl-centinela-copper", "cl_ubc_centinela_2016", 420_000 + 150_000, 100_000 + 20_000 + 30_000,
     ("Esperanza moves 420,000 tpd to send 100,000 tpd to the mill and 20,000 tpd to a stockpile",
      "move 150,000 tpd to send 30,000 tpd to a leach pad"), ""),
    ("chl-candelaria-copper", "cl_miningdigital_candelaria", 230_000, 75_000,
     ("Approximately 230,000 tons are extracted daily", "about 75,000 tons are minerals that are sent to the"),
     "upper_bound"),
]


@pytest.fixture(scope="module")
def mines() -> pd.DataFrame:
    return read_mines().set_index("mine_id")


@pytest.mark.parametrize(("mine_id", "source", "moved", "ore", "quoted", "basis"), READS)
def test_strip_is_the_arithmetic_of_the_quoted_tonnes(mines, mine_id, source, moved, ore, quoted, basis) -> None:
    row = mines.loc[mine_id]
    assert row["strip_ratio"] == pytest.approx(round((moved - ore) / ore, 3))
    assert row["strip_source"] == source
    assert source in row["source_ids"].split(";")
    for figure in quoted:
        assert figure in row["where_read"]
    assert (row["strip_ratio_basis"] if isinstance(row["strip_ratio_basis"], str) else "") == basis


def test_the_hand_computed_values(mines) -> None:
    assert mines.loc["chl-centinela-copper", "strip_ratio"] == pytest.approx(2.8)
    assert mines.loc["chl-candelaria-copper", "strip_ratio"] == pytest.approx(2.067)


def test_every_source_is_in_the_bibliography_with_its_address() -> None:
    bibliography = read_bibliography().set_index("id")
    for _, source, *_ in READS:
        assert bibliography.loc[source, "url"].startswith("https://")
        assert source.startswith("cl_")


def test_candelaria_says_why_it_is_an_upper_bound(mines) -> None:
    # ore sent to the concentrators only: stockpiled ore counts as waste, so the ratio can only be too high
    note = mines.loc["chl-candelaria-copper", "note"]
    assert "UPPER BOUND" in note and "stockpiles ore" in note


def test_built_table_keeps_each_strip_as_the_mines_own() -> None:
    table = build_default()[0].set_index("mine_id")
    for mine_id, _, moved, ore, _, _ in READS:
        assert table.loc[mine_id, "strip_ratio_fill"] == "mine"
        assert table.loc[mine_id, "strip_ratio"] == pytest.approx((moved - ore) / ore, abs=5e-4)
