"""PGM sites' own strip ratios (issue 17, helper pgm): each entered value is the arithmetic of the tonnes
quoted in its source, the quote sits in where_read, a plan or a bound says so, and the built table keeps
the value as the mine's own while no fill's sample takes it."""

from __future__ import annotations

import pandas as pd
import pytest

from mine_db.default import build_default, read_bibliography, read_mines

#: Mogalakwena (then PPRust): the Replacement Project's planned mining rate (ore and waste, Mt a year) and
#: its concentrator's planned rate (385 kt a month), as the November 2006 analyst presentation prints them.
MOGALAKWENA = "zaf-mogalakwena-pgm"
SOURCE = "pg_pprust_analyst_visit_2006"
MINED_MT_A = 50.0
MILLED_MT_A = 0.385 * 12  # 385 kt a month
QUOTES = ("Mining rate remains 50million tonnes per annum", "continued operation at 385ktpm",
          "Treatment capacity of PPL concentrator remains at 385ktpm")


@pytest.fixture(scope="module")
def mines() -> pd.DataFrame:
    return read_mines().set_index("mine_id")


def test_mogalakwena_strip_is_the_arithmetic_of_the_quoted_rates(mines) -> None:
    row = mines.loc[MOGALAKWENA]
    # (50 - 4.62) / 4.62 = 9.8225...
    assert row["strip_ratio"] == pytest.approx(round((MINED_MT_A - MILLED_MT_A) / MILLED_MT_A, 3))
    assert row["strip_ratio"] == pytest.approx(9.823)
    assert row["strip_source"] == SOURCE
    assert SOURCE in row["source_ids"].split(";")
    for quote in QUOTES:
        assert quote in row["where_read"]


def test_mogalakwena_says_it_is_a_plan_and_an_upper_bound(mines) -> None:
    row = mines.loc[MOGALAKWENA]
    # ore milled only: ore mined and stockpiled below the milling cut-off counts as waste, so a bound from above
    assert row["strip_ratio_basis"] == "upper_bound"
    assert "UPPER BOUND" in row["note"] and "PLAN" in row["note"]
    assert "life-of-mine plan" in row["where_read"]
    # the row's other cells are the earlier campaigns' (metal 2018 Pt + Pd, reserve grade as head-grade proxy)
    assert row["metal_t"] == pytest.approx(32.223)
    assert row["grade"] == pytest.approx(2.765e-06)
    assert pd.isna(row["ore_t"])


def test_the_source_names_a_plan_and_its_address() -> None:
    entry = read_bibliography().set_index("id").loc[SOURCE]
    assert entry["citation"].startswith("life-of-mine plan, ")
    assert "November 2006" in entry["citation"]
    assert entry["url"].startswith("http")
    for quote in QUOTES[::2]:
        assert quote in entry["where_read"]


def test_built_table_keeps_it_as_the_mines_own_and_out_of_the_fills() -> None:
    table = build_default()[0].set_index("mine_id")
    row = table.loc[MOGALAKWENA]
    assert row["strip_ratio_fill"] == "mine"
    assert row["strip_ratio_basis"] == "upper_bound"
    assert row["strip_ratio"] == pytest.approx(9.823)
    # waste rock is the derived ore times the bound; the ore itself is unchanged by the strip ratio
    assert row["waste_rock_t"] + row["overburden_t"] == pytest.approx(row["ore_t"] * 9.823, rel=1e-6)
    # South Africa's underground PGM rows stay on the underground method default (no pit ratio leaks in)
    underground = table[(table["country"] == "ZAF") & (table["commodity"] == "pgm")
                        & (table["mine_type"] == "underground") & (table["strip_ratio_fill"] != "mine")]
    assert len(underground) >= 5
    assert underground["strip_ratio"].nunique() == 1
    assert underground["strip_ratio"].iloc[0] == pytest.approx(0.2733)


def test_every_large_pgm_site_on_a_fill_names_its_document() -> None:
    """Norilsk's PGM row and the rest of Russia's PGM named none (issue 17: the coverage table names, for each
    large site still on a fill, the document that would hold its figures)."""
    from mine_db import load_default
    from tracer import api
    from tracer.coverage import coverage

    report = coverage(api.run().flows, load_default(), top=60)
    pgm = [s for s in report["largest_sites"] if s["commodity"] == "pgm"]
    assert {"zaf-mogalakwena-pgm", "zaf-rest-pgm", "rus-norilsk-taimyr-peninsula-operations-pgm",
            "rus-rest-pgm"} <= {s["mine_id"] for s in pgm}
    for site in pgm:
        on_fill = any(site[f"{v}_fill"] not in ("mine", "definition") for v in ("grade", "recovery", "strip_ratio"))
        assert (site["document_that_would_hold_it"] is not None) == on_fill, site["mine_id"]
