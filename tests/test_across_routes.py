"""A row whose ore route nobody read is a draw from the mines of its commodity and method whose route or recovery
is read (issue #17 items 3-4: every fill rests on five mines of its kind).

Each read mine counts with its own recovery, else its route's default: 1 for ore sold as mined (a definition),
the concentrators' default 0.789 (five read concentrators) for a concentrator. The country, pooled and global
levels of mine_db.gapfill then run over these values (production-weighted mean, n, sd of logs), offered only to
rows of unread route; rows of read route keep their own route.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mine_db.default import build_standalone
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "grade", "recovery", "process"]
ROWS = [
    ("B1", "Brazil", "iron_ore", "open_pit", 100.0, 0.62, None, "direct_shipping"),  # 1 by definition
    ("B2", "Brazil", "iron_ore", "open_pit", 200.0, 0.35, None, "concentrator"),  # the default 0.789
    ("B3", "Brazil", "iron_ore", "open_pit", 100.0, 0.35, 0.80, "concentrator"),
    ("B4", "Brazil", "iron_ore", "open_pit", 100.0, 0.50, 0.90, "dry_and_wet"),
    ("B5", "Brazil", "iron_ore", "open_pit", 100.0, 0.58, 0.99, None),  # own recovery, route unread
    ("UB", "Brazil", "iron_ore", "open_pit", 50.0, 0.60, None, None),
    ("A1", "Australia", "iron_ore", "open_pit", 300.0, 0.62, None, "direct_shipping"),
    ("UA", "Australia", "iron_ore", "open_pit", 50.0, 0.60, None, None),
    ("UI", "India", "iron_ore", "open_pit", 50.0, 0.60, None, None),
    ("X1", "Guinea", "bauxite", "open_pit", 50.0, None, None, "direct_shipping"),
    ("X2", "Guinea", "bauxite", "open_pit", 50.0, None, None, "direct_shipping"),
    ("X3", "Guinea", "bauxite", "open_pit", 50.0, None, None, None),
]
NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])
# production-weighted sums over the read mines: Brazil 100 x 1 + 200 x 0.789 + 100 x 0.80 + 100 x 0.90 + 100 x 0.99
BRAZIL = 526.8 / 600  # 0.878, five mines
WORLD = (526.8 + 300.0) / 900  # 0.918667 with Australia's direct shipper, six mines


def _fill(own_values: bool = True) -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    return fill_gaps(validate(df, "routes.csv"), NO_NATIONAL, own_values=own_values).set_index("mine_id")


def test_an_unread_row_takes_the_read_mines_of_its_country_then_pooled_then_global() -> None:
    filled = _fill()
    columns = ["recovery", "recovery_fill", "recovery_fill_n", "recovery_fill_group"]
    assert BRAZIL == pytest.approx(0.878) and WORLD == pytest.approx(0.918667, abs=1e-6)
    assert filled.loc["UB", columns].tolist() == [
        pytest.approx(BRAZIL), "country", 5, "recovery|country|iron_ore|surface|*|BRA|any_route"]
    # Australia has one read mine: shrunk toward the world as if it added five, on 1 + 6 mines
    assert filled.loc["UA", columns].tolist() == [
        pytest.approx((1 * 1.0 + 5 * WORLD) / 6), "pooled", 7, "recovery|pooled|iron_ore|surface|*|AUS|any_route"]
    assert filled.loc["UI", columns].tolist() == [
        pytest.approx(WORLD), "global", 6, "recovery|global|iron_ore|surface|*|*|any_route"]
    spread = np.std(np.log([1.0, 0.789, 0.80, 0.90, 0.99, 1.0]), ddof=1)
    assert filled.loc["UI", "recovery_fill_sigma"] == pytest.approx(spread)


def test_rows_of_read_route_keep_their_route_and_thin_populations_keep_the_default() -> None:
    filled = _fill()
    assert filled.loc["B1", ["recovery", "recovery_fill"]].tolist() == [1.0, "definition"]
    assert filled.loc["B2", ["recovery", "recovery_fill", "recovery_fill_group"]].tolist() == [
        0.789, "default", "recovery|default|iron_ore|*|*|concentrator"]
    assert filled.loc["B5", ["recovery", "recovery_fill"]].tolist() == [0.99, "mine"]
    # a bauxite row of unread route keeps assumption A33 however many routes are read (fill_kinds.UNREAD_KEEPS_DEFAULT)
    assert filled.loc["X3", ["recovery", "recovery_fill", "recovery_fill_group"]].tolist() == [
        1.0, "default", "recovery|default|bauxite|*|*"]


def test_without_own_values_a_row_is_left_out_of_the_population_it_draws_on() -> None:
    filled = _fill(own_values=False)
    # B5 without its own 0.99: Brazil keeps four read mines (pooled), the world five
    brazil, world = (526.8 - 99.0) / 500, (826.8 - 99.0) / 800
    assert filled.loc["B5", ["recovery", "recovery_fill", "recovery_fill_n"]].tolist() == [
        pytest.approx((4 * brazil + 5 * world) / 9), "pooled", 9]
    # rows without own values take exactly what they take with them
    assert filled.loc["UB", "recovery"] == pytest.approx(BRAZIL)


def test_bundled_iron_ore_rows_of_unread_route_rest_on_five_read_mines_or_more() -> None:
    iron = build_standalone()[0].set_index("mine_id")
    iron = iron[iron["commodity"] == "iron_ore"]
    unread = iron[iron["process"].isna() & ~iron["recovery_fill"].isin(["mine", "national"])]
    assert len(unread) > 0 and unread["recovery_fill_group"].str.endswith("|any_route").all()
    assert (unread["recovery_fill_n"] >= 5).all()
    # the Pilbara hubs: Australia's two read mines (Fortescue's own 0.993, Sino Iron's concentrator) pooled
    hubs = unread.loc[["aus-hamersley-iron-mines-rio-tinto-iron_ore", "aus-yandi-bhp-iron_ore"]]
    assert (hubs["recovery_fill"] == "pooled").all() and hubs["recovery"].nunique() == 1
