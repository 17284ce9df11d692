"""Mine-own recoveries read in operators' profiles: each pinned to its quote and carried into the built table."""

from __future__ import annotations

import pandas as pd
import pytest

from mine_db.default import load_default, read_bibliography, read_mines


def test_dexing_recovery_is_its_green_mine_profile_figure() -> None:
    """'选铜回收率接近86%' (copper recovery close to 86 %), Dexing's green-mine profile, 2016-2020."""
    row = read_mines().set_index("mine_id").loc["chn-dexing-copper"]
    assert row["recovery"] == 0.86
    assert "选铜回收率接近86%" in row["where_read"]
    assert "cc_aigexing_dexing_green_mine" in row["source_ids"].split(";")
    assert "cc_aigexing_dexing_green_mine" in set(read_bibliography()["id"])
    built = load_default().set_index("mine_id").loc["chn-dexing-copper"]
    assert (built["recovery"], built["recovery_fill"]) == (pytest.approx(0.86), "mine")
    assert pd.isna(built["strip_ratio_fill"]) or built["strip_ratio_fill"] != "mine"
