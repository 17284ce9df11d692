"""Big pits' own strip ratios (issue 17, campaign bigpits2): each entered value is the arithmetic of the tonnes
quoted in its source, the quote sits in where_read, and the built table keeps it as the mine's own value."""

from __future__ import annotations

import pandas as pd
import pytest

from mine_db.default import build_default, read_bibliography, read_mines

#: (mine_id, source id, material moved, ore, the two figures as the page prints them). Moved and ore share a
#: unit (Mt a year at Escondida, short tons a day at Gibraltar), so the ratio needs no conversion.
READS = [
    ("chl-escondida-copper", "bp2_mtech_escondida", 368.3, 87.7, ("368.3Mt of ore and waste", "87.7Mt of sulphide ore")),
    ("can-gibraltar-copper", "bp2_cmj_gibraltar_2005", 130_000, 35_000,
     ("130,000 tons of ore and waste per day", "35,000 tons of daily mill throughput")),
]


@pytest.fixture(scope="module")
def mines() -> pd.DataFrame:
    return read_mines().set_index("mine_id")


@pytest.mark.parametrize(("mine_id", "source", "moved", "ore", "quoted"), READS)
def test_strip_is_the_arithmetic_of_the_quoted_tonnes(mines, mine_id, source, moved, ore, quoted) -> None:
    row = mines.loc[mine_id]
    assert row["strip_ratio"] == pytest.approx(round((moved - ore) / ore, 3))
    assert row["strip_source"] == source
    assert source in row["source_ids"].split(";")
    for figure in quoted:
        assert figure in row["where_read"]


def test_every_source_is_in_the_bibliography_with_its_address() -> None:
    bibliography = read_bibliography().set_index("id")
    for _, source, *_ in READS:
        assert bibliography.loc[source, "url"].startswith("http")


def test_escondida_says_it_is_an_upper_bound(mines) -> None:
    # leach ore sits inside "ore and waste" but not in "sulphide ore processed": it counts as waste here
    assert "UPPER BOUND" in mines.loc["chl-escondida-copper", "note"]
    assert mines.loc["chl-escondida-copper", "strip_ratio"] == pytest.approx(3.2)
    # declared so: its own value, in no fill's sample (mine_db.gapfill)
    assert mines.loc["chl-escondida-copper", "strip_ratio_basis"] == "upper_bound"
    # every row so declared says why in its note (Candelaria, chilecu, is the second)
    bounded = mines[mines["strip_ratio_basis"].eq("upper_bound")]
    assert "chl-escondida-copper" in bounded.index and bounded["note"].str.contains("UPPER BOUND").all()


def test_built_table_keeps_each_strip_as_the_mines_own() -> None:
    table = build_default()[0].set_index("mine_id")
    for mine_id, _, moved, ore, _ in READS:
        assert table.loc[mine_id, "strip_ratio_fill"] == "mine"
        assert table.loc[mine_id, "strip_ratio"] == pytest.approx((moved - ore) / ore, abs=5e-4)
