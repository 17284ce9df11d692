"""`tracer db` commands: JSON parsed and checked against hand-computed numbers."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import mine_db
from hfcommon.errors import InputError
from mine_db.loaders import read_sites
from mine_db.schema import FILL_ORDER
from tracer.cli import app, main

FIXTURES = Path(__file__).parent / "fixtures" / "mine_db"
SITES = FIXTURES / "sites.csv"
runner = CliRunner()


def _json(args: list[str]) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_info_json() -> None:
    info = _json(["db", "info", "--db", str(SITES), "--json"])
    assert info["sites"] == 8
    assert info["by_resolution"] == {"mine": 7, "rest_of_country": 1}
    assert info["by_country"] == {"AUS": 1, "CHL": 3, "GIN": 1, "MOZ": 1, "PER": 2}
    copper = info["by_commodity"]["copper"]
    assert (copper["sites"], copper["mine_sites"], copper["production"], copper["unit"]) == (3, 2, 45_000, "t Cu")
    # CU-A and CU-B (10,000 + 30,000 t Cu) report grades; the Peruvian rest-of-country row (5,000 t) takes Peru's
    # published national grade (mine_db/data/sources/country_values_2019.csv): 0.8889 mine, 0.1111 national
    assert copper["fill_share"]["grade"]["mine"] == pytest.approx(40_000 / 45_000)
    assert copper["fill_share"]["grade"]["national"] == pytest.approx(5_000 / 45_000)
    # FE-A: ore 1,000,000 t reported, waste rock 3,000,000 t reported, concentrate 600,000 / 0.65 = 923,077 t
    # -> tailings 76,923 t; hidden = 3,076,923 t
    assert info["by_commodity"]["iron_ore"]["hidden_t"] == pytest.approx(3_076_923.08, abs=0.01)
    assert info["named_source_share_of_hidden_t"] == 1.0
    shares = info["fill_share_of_hidden_t"]["grade"]
    assert sum(shares.values()) == pytest.approx(1.0)


def test_info_text_mentions_totals() -> None:
    result = runner.invoke(app, ["db", "info", "--db", str(SITES)])
    assert result.exit_code == 0
    assert "8 sites in 5 countries" in " ".join(result.stdout.split())


def test_info_text_shows_every_fill_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text table's shares of a variable add up: the national statistic (1/9 of copper's
    grade here) has its own column, as do the other levels of the ladder."""
    monkeypatch.setenv("COLUMNS", "160")
    result = runner.invoke(app, ["db", "info", "--db", str(SITES)])
    assert result.exit_code == 0
    header = next(line for line in result.stdout.splitlines() if "variable" in line)
    assert [word for word in header.replace("┃", " ").split()] == ["variable", *FILL_ORDER]
    info = _json(["db", "info", "--db", str(SITES), "--json"])
    grade_row = next(line for line in result.stdout.splitlines() if line.startswith("│ grade"))
    shown = [float(cell.strip().rstrip("%")) for cell in grade_row.strip("│").split("│")[1:]]
    expected = [100 * info["fill_share_of_hidden_t"]["grade"][level] for level in FILL_ORDER]
    assert shown == pytest.approx(expected, abs=0.05)
    assert sum(shown) == pytest.approx(100, abs=0.2)


def test_info_defaults_to_bundled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mine_db, "load_default", lambda: read_sites(SITES))
    assert _json(["db", "info", "--json"])["sites"] == 8


def test_validate_json() -> None:
    out = _json(["db", "validate", str(SITES), "--json"])
    assert out == {"file": str(SITES), "valid": True, "kind": "sites", "sites": 8,
                   "commodities": {"bauxite": 1, "copper": 3, "graphite": 1, "iron_ore": 1, "lithium": 1, "zinc": 1}}


def test_validate_bad_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    pd.read_csv(SITES).assign(country=lambda d: d["country"].where(d.index != 2, "Narnia")).to_csv(bad, index=False)
    result = runner.invoke(app, ["db", "validate", str(bad)])
    assert isinstance(result.exception, InputError)
    assert (result.exception.row, result.exception.column) == (4, "country")
    monkeypatch.setattr(sys, "argv", ["tracer", "db", "validate", str(bad)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "Narnia" in capsys.readouterr().err


MINES = Path(mine_db.__file__).parent / "data" / "sources" / "mines.csv"


def test_validate_reads_the_bundled_named_mine_table_as_the_builder_does() -> None:
    out = _json(["db", "validate", str(MINES), "--json"])
    assert (out["kind"], out["sites"]) == ("named mines", len(pd.read_csv(MINES)))
    assert sum(out["commodities"].values()) == out["sites"]


@pytest.mark.parametrize(("column", "value", "message"), [
    ("grade", 1.7, "grade"),
    ("source_ids", "no_such_source", "no_such_source"),
    ("strip_source", "a plan, not an id", "a plan, not an id"),
    ("country", "Narnia", "Narnia"),
])
def test_validate_names_the_row_of_a_bad_named_mine_file(tmp_path: Path, column: str, value: object,
                                                         message: str) -> None:
    """The row is the file's own (data row 6 = spreadsheet row 7), not a row of the composed table."""
    bad = tmp_path / "mines.csv"
    table = pd.read_csv(MINES)
    table[column] = table[column].astype(object)
    table.loc[5, column] = value
    table.to_csv(bad, index=False)
    shutil.copy(MINES.with_name("sources.csv"), tmp_path / "sources.csv")
    result = runner.invoke(app, ["db", "validate", str(bad)])
    assert isinstance(result.exception, InputError), result.output
    assert (result.exception.file, result.exception.row, result.exception.column) == (str(bad), 7, column)
    assert message in str(result.exception)


def test_validate_names_a_missing_named_mine_column(tmp_path: Path) -> None:
    bad = tmp_path / "mines.csv"
    pd.read_csv(MINES).drop(columns="strip_ratio").to_csv(bad, index=False)
    result = runner.invoke(app, ["db", "validate", str(bad)])
    assert isinstance(result.exception, InputError)
    assert (result.exception.row, result.exception.column) == (1, "strip_ratio")


def test_import_fineprint(tmp_path: Path) -> None:
    out = tmp_path / "fp.parquet"
    summary = _json(["db", "import", "fineprint", str(FIXTURES / "fineprint"), "--out", str(out), "--json"])
    assert summary["out"] == str(out)
    assert summary["sites"] == 5
    assert summary["by_commodity"]["zinc"] == {"sites": 2, "with_grade": 1, "with_ore_t": 1, "with_waste": 1,
                                               "year_2019": 1}
    assert summary["skipped"] == {"no valid coordinates": 1}
    back = read_sites(out)
    # 9,000,000 t ore x Cu value share 432.72 / 1,052.37 M$ (2019 prices; tests/test_mine_db_fineprint.py)
    assert back.set_index("mine_id").loc["FP-AAA00001-copper", "ore_t"] == pytest.approx(3_700_675.618, abs=1e-3)


def test_failed_import_leaves_no_file(tmp_path: Path) -> None:
    broken = tmp_path / "fp"
    shutil.copytree(FIXTURES / "fineprint", broken)
    (broken / "commodities.csv").write_text("not,the,layout\n1,2,3\n")
    out = tmp_path / "out" / "fp.parquet"
    result = runner.invoke(app, ["db", "import", "fineprint", str(broken), "--out", str(out)])
    assert isinstance(result.exception, InputError)
    assert result.exception.file == str(broken / "commodities.csv")
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
