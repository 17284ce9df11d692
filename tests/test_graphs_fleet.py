"""Default fleet (China 2019) and user fleet files."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphs
from hfcommon.errors import InputError
from hfcommon.vocabulary import VEHICLE_IDS


def test_default_fleet_by_hand() -> None:
    fleet = graphs.default_fleet()
    assert list(fleet.index) == list(VEHICLE_IDS)
    # HEV: IEA's 2 % hybrid share of almost 23 million light-duty sales (fleet.csv)
    assert fleet["BEV"] == 830000 and fleet["PHEV"] == 230000 and fleet["HEV"] == pytest.approx(460000)
    assert fleet["ICEV"] == pytest.approx(21400000 - 830000 - 230000 - 460000)
    assert fleet.sum() == 21400000
    assert all(fleet[v] == 0 for v in VEHICLE_IDS if v.startswith("BEV-")) and fleet["FCV"] == 0


def test_fleet_table_flags_estimates() -> None:
    table = graphs.fleet_table()
    status = dict(zip(table["vehicle"], table["status"], strict=True))
    assert status["HEV"] == "derived" and status["FCV"] == "estimate" and status["BEV"] == "sourced"
    assert table["source"].str.len().min() > 0


def _fleet(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fleet.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_fleet_fills_missing_ids_with_zero(tmp_path: Path) -> None:
    fleet = graphs.load_fleet(_fleet(tmp_path, "vehicle,count\nBEV-LFP,1000\nICEV,2.5\n"))
    assert fleet["BEV-LFP"] == 1000 and fleet["ICEV"] == 2.5 and fleet["BEV"] == 0
    assert len(fleet) == len(VEHICLE_IDS)


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        ("vehicle,count\nBEV,-5\n", 2, "count", "below 0"),
        ("vehicle,count\nTRUCK,5\n", 2, "vehicle", "unknown vehicle"),
        ("vehicle,count\nBEV,5\nBEV,6\n", 3, "vehicle", "twice"),
        ("vehicle,count\nBEV,many\n", 2, "count", "not a number"),
        ("vehicle,count\nBEV,inf\n", 2, "count", "not finite"),
        ("vehicle\nBEV\n", 1, "count", "missing column"),
    ],
)
def test_bad_user_fleet(tmp_path: Path, text: str, row: int, column: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        graphs.load_fleet(_fleet(tmp_path, text))
    assert (info.value.row, info.value.column) == (row, column)
