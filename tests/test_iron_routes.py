"""Iron-ore rows whose route is read as partly dry, partly wet take a recovery weighed by the read shares; rows with
an operator's own tonnages take their own ratio (issue #17, items 3-4).

A `dry_and_wet` row's recovery = dry share x 1 (sold as mined) + wet share x 0.789 (the concentrators' default,
tests/test_direct_shipping.py), the shares derived in its note from Vale's reads: Vale 60 % dry in 2018 on 384.6 Mt,
the Northern System 80 % dry on Serra Norte 135.6 + S11D 58.0 Mt, S11D all dry. Such a row is a route of its own: it
draws on no other route; a row of unread route draws on it with the other read routes (tests/test_across_routes.py).
"""
from __future__ import annotations

import statistics

import pandas as pd
import pytest

from mine_db.default import build_standalone, read_bibliography, read_mines
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

CONCENTRATOR_DEFAULT = 0.789
VALE_2018_MT, VALE_DRY_2018 = 384.6, 0.60
SERRA_NORTE_2018_MT, S11D_2018_MT, NORTH_DRY_2018 = 135.6, 58.0, 0.80
MINAS_GERAIS = {"bra-itabira-complex-vale-iron_ore", "bra-minas-centrais-complex-vale-iron_ore",
                "bra-paraopeba-complex-vale-iron_ore", "bra-mariana-complex-vale-iron_ore"}
SERRA_NORTE = "bra-caraj-s-serra-norte-n4-n5-iron_ore"
FORTESCUE = "aus-fortescue-pilbara-operations-cloudbreak-christmas-creek-solomon-iron_ore"
SISHEN = "zaf-sishen-iron_ore"


def _mixed(dry: float) -> float:
    return dry * 1.0 + (1 - dry) * CONCENTRATOR_DEFAULT


def test_the_dry_shares_and_recoveries_follow_from_the_read_inputs() -> None:
    north = SERRA_NORTE_2018_MT + S11D_2018_MT
    serra_norte_dry = (NORTH_DRY_2018 * north - S11D_2018_MT) / SERRA_NORTE_2018_MT
    minas_gerais_dry = (VALE_DRY_2018 * VALE_2018_MT - NORTH_DRY_2018 * north) / (VALE_2018_MT - north)
    assert serra_norte_dry == pytest.approx(0.7145, abs=1e-4)  # 96.9 / 135.6
    assert minas_gerais_dry == pytest.approx(0.3973, abs=1e-4)  # 75.9 / 191.0
    assert round(_mixed(serra_norte_dry), 3) == 0.940
    assert round(_mixed(minas_gerais_dry), 3) == 0.873


def test_the_own_ratios_follow_from_the_read_tonnages() -> None:
    # Fortescue FY2017-FY2020: shipped / processed, Mt (FINEPRINT COM00421)
    assert round((170 + 170 + 168 + 178) / (172 + 166 + 177 + 176), 3) == 0.993
    # Sishen plant yields 2005-2007 (Kumba AR 2007): median
    assert statistics.median([0.894, 0.871, 0.860]) == 0.871


def test_the_bundled_rows_carry_those_values_and_cite_their_reads() -> None:
    mines = read_mines().set_index("mine_id")
    expected = {SERRA_NORTE: ("dry_and_wet", 0.940), FORTESCUE: (None, 0.993), SISHEN: ("concentrator", 0.871),
                **{m: ("dry_and_wet", 0.873) for m in MINAS_GERAIS}}
    assert set(mines.index[mines["process"] == "dry_and_wet"]) == MINAS_GERAIS | {SERRA_NORTE}
    known = set(read_bibliography()["id"])
    for mine_id, (process, recovery) in expected.items():
        row = mines.loc[mine_id]
        assert (None if pd.isna(row["process"]) else row["process"]) == process
        assert row["recovery"] == pytest.approx(recovery)
        ours = [s for s in row["source_ids"].split(";") if s.startswith("ir_")]
        assert ours and set(ours) <= known
        assert f"{recovery:.3f}" in row["note"]


def test_a_dry_and_wet_row_draws_only_on_its_route_and_feeds_unread_rows() -> None:
    columns = ["mine_id", "country", "commodity", "mine_type", "metal_t", "grade", "recovery", "process"]
    mixed = [(f"M{i}", "Brazil", "iron_ore", "open_pit", 100.0, 0.5, 0.90 + 0.01 * i, "dry_and_wet") for i in range(5)]
    rows = [*mixed, ("M5", "Brazil", "iron_ore", "open_pit", 100.0, 0.5, None, "dry_and_wet"),
            ("U1", "Brazil", "iron_ore", "open_pit", 100.0, 0.5, None, None)]
    df = pd.DataFrame(rows, columns=columns).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    no_national = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])
    filled = fill_gaps(validate(df, "routes.csv"), no_national).set_index("mine_id")
    # five dry_and_wet rows form a sample of their own route ...
    assert filled.loc["M5", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [
        pytest.approx(0.92), "country", 5]
    assert filled.loc["M5", "recovery_fill_group"].endswith("|BRA|dry_and_wet")
    # ... and a row of unread route draws on the read mines: the five own values (M5, filled, is no read)
    assert filled.loc["U1", ["recovery", "recovery_fill", "recovery_fill_n", "recovery_fill_group"]].tolist() == [
        pytest.approx(0.92), "country", 5, "recovery|country|iron_ore|surface|*|BRA|any_route"]


def test_rows_of_unread_route_draw_on_the_read_mines_of_their_country() -> None:
    standalone = build_standalone()[0].set_index("mine_id")
    assert standalone.loc[SERRA_NORTE, ["recovery", "recovery_fill"]].tolist() == [0.940, "mine"]
    # Brazil: eight read surface mines (two direct shippers at 1, S11D and Vargem Grande; Casa de Pedra at the
    # concentrators' 0.789; the five dry_and_wet complexes at their own), production-weighted
    brazil = standalone[(standalone["commodity"] == "iron_ore") & (standalone["country"] == "BRA")
                        & standalone["process"].notna()]
    assert len(brazil) == 8
    mean = (brazil["recovery"] * brazil["metal_t"]).sum() / brazil["metal_t"].sum()
    assert standalone.loc["bra-rest-iron_ore", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [
        pytest.approx(mean), "country", 8]
    for mine_id in ("aus-hamersley-iron-mines-rio-tinto-iron_ore", "aus-rest-iron_ore"):
        assert standalone.loc[mine_id, "recovery_fill_group"] == "recovery|pooled|iron_ore|surface|*|AUS|any_route"
