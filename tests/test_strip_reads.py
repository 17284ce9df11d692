"""Published strip ratios of the commodities on a fill (tools/defaults/strip_reads.csv): sourced, and a fill is
replaced by a commodity's own row only when at least five mines of its kind were read (issue 17)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from mine_db import commodities
from mine_db.default import read_bibliography

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "defaults" / "strip_reads.py"


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("strip_reads", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_read_cites_a_bundled_source_and_quotes_it(tool) -> None:
    reads = tool.read_reads()
    assert set(reads["source_id"]) <= set(read_bibliography()["id"])
    assert reads["source_id"].str.startswith("sd_").all()
    assert reads["quote"].str.len().gt(15).all() and reads["status"].str.len().gt(5).all()
    assert set(reads["commodity"]) <= set(commodities.CODES)
    # a volume ratio is kept as read and never pooled (no density from the same document)
    assert set(reads["unit"]) == {tool.TONNAGE_UNIT, "m3 waste / m3 ore"}


def test_the_derivation_reproduces_each_kind(tool) -> None:
    table = tool.pooled(tool.read_reads()).set_index(tool.KEYS)
    laterite = table.loc[("nickel", "surface", "laterite")]
    assert laterite["n"] == 4 and laterite["median"] == pytest.approx(1.25)  # 0.8, 1.0, 1.5, 6.9
    assert table.loc[("nickel", "surface", "sulphide"), "median"] == pytest.approx((2.33 + 5.0) / 2)  # Crawford 3,992 / 1,715 Mt
    assert table.loc[("bauxite", "surface", ""), "n"] == 1  # Paragominas' 7.6 m3/m3 is not counted


def test_a_fill_gives_way_only_to_five_mines_of_its_kind(tool) -> None:
    table = tool.pooled(tool.read_reads())
    own = {(r.commodity, r.method, r.deposit_type or "") for r in commodities.coefficients()
           if r.variable == "strip_ratio" and r.quality != "assumption"}
    for row in table.itertuples():
        assert ((row.commodity, row.method, row.deposit_type) in own) == bool(row.enough), row
    # below five, the fill stays and says how many were read
    notes = pd.Series({r.commodity: r.note for r in commodities.coefficients()
                       if r.variable == "strip_ratio" and r.method == "surface" and r.deposit_type is None})
    assert "nickel laterite n = 4" in notes["all"] and "n = 1 is below the five" in notes["bauxite"]
