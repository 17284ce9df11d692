"""Peru and Panama copper pits' own strip ratios (issue 17, helper andesq): each entered value is the arithmetic of
the figures quoted in its source (or the ratio the source states), the quote sits in where_read, and the built table
keeps it as the mine's own value."""

from __future__ import annotations

import pandas as pd
import pytest

from mine_db.default import build_default, read_bibliography, read_mines

#: (mine_id, source id, material moved, ore mined, the figures as the document prints them). Cerro Verde's June 2004
#: EIA gives the pit's daily rates in one unit (t/d): total movement 180,000; ore 38,000 high grade + 20,000 low grade.
MOVED_OVER_ORE = [
    ("per-cerro-verde-copper", "aq_smcv_eia_2004", 180_000, 38_000 + 20_000,
     ("180 000 toneladas métricas diarias (TMD) de movimiento total", "38 000 TMD de mineral de alta ley",
      "20 000 TMD de mineral de baja ley")),
]

#: (mine_id, source id, stated ratio, quote): a life-of-mine plan ratio, entered as printed.
STATED_PLAN = [
    ("pan-cobre-panama-copper", "aq_mpsa_basic_eng_2012", 0.58, "'Strip ratio 0.58'"),
]


@pytest.fixture(scope="module")
def mines() -> pd.DataFrame:
    return read_mines().set_index("mine_id")


@pytest.mark.parametrize(("mine_id", "source", "moved", "ore", "quoted"), MOVED_OVER_ORE)
def test_strip_is_the_arithmetic_of_the_quoted_tonnes(mines, mine_id, source, moved, ore, quoted) -> None:
    row = mines.loc[mine_id]
    assert row["strip_ratio"] == pytest.approx(round((moved - ore) / ore, 3))
    assert row["strip_ratio"] == pytest.approx(2.103)  # (180,000 - 58,000) / 58,000 = 2.1034, by hand
    assert row["strip_source"] == source
    assert source in row["source_ids"].split(";")
    for figure in quoted:
        assert figure in row["where_read"]


@pytest.mark.parametrize(("mine_id", "source", "ratio", "quoted"), STATED_PLAN)
def test_plan_ratio_is_entered_as_stated_and_labelled_a_plan(mines, mine_id, source, ratio, quoted) -> None:
    row = mines.loc[mine_id]
    assert row["strip_ratio"] == pytest.approx(ratio)
    # the lead's rule: a life-of-mine plan says so, with its report, date and page; strip_source is the id
    assert row["strip_source"] == source
    for part in ("life-of-mine plan, ", "Basic Engineering Summary Report", "May 2012", "p. 2"):
        assert part in row["note"]
    assert source in row["source_ids"].split(";")
    assert quoted in row["where_read"]
    assert "LIFE-OF-MINE PLAN" in row["note"]


def test_every_source_is_in_the_bibliography_with_its_address() -> None:
    bibliography = read_bibliography().set_index("id")
    for source in [r[1] for r in MOVED_OVER_ORE + STATED_PLAN]:
        assert source.startswith("aq_")
        assert bibliography.loc[source, "url"].startswith("http")


def test_neither_read_is_an_upper_bound(mines) -> None:
    # Cerro Verde's denominator holds all ore mined (both leach streams); Cobre Panama's is a stated ratio
    for mine_id in [r[0] for r in MOVED_OVER_ORE + STATED_PLAN]:
        assert pd.isna(mines.loc[mine_id, "strip_ratio_basis"]) or mines.loc[mine_id, "strip_ratio_basis"] == ""


def test_built_table_keeps_each_strip_as_the_mines_own() -> None:
    table = build_default()[0].set_index("mine_id")
    expected = {r[0]: (r[2] - r[3]) / r[3] for r in MOVED_OVER_ORE} | {r[0]: r[2] for r in STATED_PLAN}
    for mine_id, strip in expected.items():
        assert table.loc[mine_id, "strip_ratio_fill"] == "mine"
        assert table.loc[mine_id, "strip_ratio"] == pytest.approx(strip, abs=5e-4)
