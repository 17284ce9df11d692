"""The one assumptions table: it validates, its ids are unique, every cited id is in it, bad rows are located."""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pytest

from graphs.parameters import load_parameters
from hfcommon import assumptions
from hfcommon.assumptions import (
    COLUMNS,
    TABLE,
    assumption_ids,
    bundled,
    load_assumptions,
)
from hfcommon.errors import InputError
from mine_db import commodities
from tracer.cli import main

ROOT = Path(__file__).resolve().parents[1]
HEADER = ",".join(COLUMNS) + "\n"
GOOD = "A01,stock,a rule,one value,,,no source found,\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assumptions.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_the_bundled_table_validates_with_unique_ids_and_a_reason_each() -> None:
    table = load_assumptions()
    with bundled().open(encoding="utf-8") as handle:
        ids = [r["id"] for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    assert len(ids) == len(set(ids)) == len(table) == 137
    by_scope = {s: sum(a.scope == s for a in table.values()) for s in ("network", "mine_db", "stock")}
    assert by_scope == {"network": 102, "mine_db": 15, "stock": 20}
    assert all(len(a.reason) > 10 for a in table.values())
    # every mine_db assumption carries its range low to high
    assert table["A38"].range == "0.1 to 7.6" and all(a.range for a in table.values() if a.scope == "mine_db")


def test_the_network_assumptions_are_the_network_rows() -> None:
    params = load_parameters()
    assert {p.name for p in params.assumptions()} == assumption_ids("network")
    assert params.value("hm_fe_content") == 0.945
    assert params["hm_fe_content"].uncertainty.params == (0.93, 0.955)


def test_every_cited_id_is_in_the_table() -> None:
    listed = assumption_ids()
    cited_by_defaults = {r.assumption_id for r in commodities.coefficients() if r.assumption_id}
    assert cited_by_defaults and cited_by_defaults <= assumption_ids("mine_db")
    cited: set[str] = set()
    for folder in ("tracer/stock", "tracer/data/fleet", "mine_db/data"):
        for path in (ROOT / folder).iterdir():
            if path.suffix in (".py", ".csv", ".toml"):
                cited |= set(re.findall(r"\bA\d\d\b", path.read_text(encoding="utf-8")))
    assert {"A06", "A12", "A19", "A38"} <= cited
    assert cited <= listed, f"cited but not in {TABLE}: {sorted(cited - listed)}"


@pytest.mark.parametrize(
    ("rows", "row", "column", "message"),
    [
        (GOOD + "A01,stock,again,v,,,a reason here,\n", 3, "id", "defined twice"),
        ("A02,fleet,x,v,,,a reason here,\n", 2, "scope", "network"),
        ("A02,stock,x,v,,,,\n", 2, "reason", "empty"),
        ("A02,mine_db,x,0.5,,0.9 to 0.1,a reason here,\n", 2, "range", "low is above high"),
        ("A02,mine_db,x,0.5,,wide,a reason here,\n", 2, "range", "neither a distribution"),
        ("7x,network,x,0.5,t,,a reason here,s\n", 2, "id", "not a parameter name"),
        ("B2,stock,x,v,,,a reason here,\n", 2, "id", "not a register id"),
    ],
)
def test_a_bad_row_names_file_row_and_column(tmp_path: Path, rows: str, row: int, column: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        load_assumptions(_write(tmp_path, rows))
    assert (info.value.file, info.value.row, info.value.column) == (str(tmp_path / "assumptions.csv"), row, column)


def test_a_bad_bundled_row_exits_2_naming_file_row_and_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    good = bundled().read_text(encoding="utf-8")
    bad = good.replace('"uniform(0.97, 0.99)"', '"uniform(0.99)"', 1)  # bf_fe_recovery, a network row
    assert bad != good
    path = tmp_path / "assumptions.csv"
    path.write_text(bad, encoding="utf-8")
    line = next(n for n, text in enumerate(bad.splitlines(), 1) if text.startswith("bf_fe_recovery,"))
    monkeypatch.setattr(assumptions, "bundled", lambda: path)
    monkeypatch.setattr(sys, "argv", ["tracer", "graph", "info", "--json"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    captured = capsys.readouterr()
    message = " ".join(captured.err.split())
    assert f"file {TABLE}, row {line}, column 'range'" in message and "uniform takes 2 parameters" in message
    assert captured.out == ""
