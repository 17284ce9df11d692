"""Every committed --out set carries a Frictionless `datapackage.json`; frictionless validates it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from typer.testing import CliRunner

from hfcommon.output import output_set, write_json, write_table
from tracer import __version__
from tracer.cli import app
from tracer.exchange.datapackage import DESCRIPTOR, describe, table_schema

frictionless = pytest.importorskip("frictionless")


@pytest.fixture(scope="module")
def export_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    args = ["export", "brightway", "--out", str(out), "--format", "csv", "--json"]
    with mock.patch.object(sys, "argv", ["tracer", *args]):  # the package records the command line as typed
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def test_package_of_a_command_validates_with_frictionless(export_csv: Path) -> None:
    report = frictionless.validate(str(export_csv / DESCRIPTOR))
    assert report.valid, report.flatten(["title", "message"])[:5]
    package = json.loads((export_csv / DESCRIPTOR).read_text())
    files = sorted(p.name for p in export_csv.iterdir() if p.name != DESCRIPTOR)
    assert sorted(r["path"] for r in package["resources"]) == files
    assert package["tracer"]["version"] == __version__
    assert package["tracer"]["command_line"].startswith("tracer export brightway --out ")
    sources = package["sources"]
    assert len(sources) > 100 and all(s["title"] and s["licence"] for s in sources)
    exchanges = next(r for r in package["resources"] if r["path"] == "exchanges.csv")
    fields = {f["name"]: f for f in exchanges["schema"]["fields"]}
    assert fields["amount"]["type"] == "number" and fields["uncertainty_type"]["type"] == "integer"
    assert fields["amount"]["unit"] == "per row: see column unit"


def test_tracer_run_out_is_a_valid_data_package(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--out", str(tmp_path), "--format", "csv", "--json"])
    assert result.exit_code == 0, result.output
    report = frictionless.validate(str(tmp_path / DESCRIPTOR))
    assert report.valid, report.flatten(["title", "message"])[:5]
    package = json.loads((tmp_path / DESCRIPTOR).read_text())
    assert sorted(r["path"] for r in package["resources"]) == ["coefficients.csv", "flows.csv", "summary.json"]
    flows = next(r for r in package["resources"] if r["path"] == "flows.csv")
    assert {f["name"]: f.get("unit") for f in flows["schema"]["fields"]}["value"] == "per row: see column unit"


def test_a_changed_file_no_longer_validates(export_csv: Path, tmp_path: Path) -> None:
    """The package pins each file by size and SHA-256: an edited table is caught."""
    for path in export_csv.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    table = pd.read_csv(tmp_path / "biosphere.csv")
    table.loc[0, "name"] = "Overburdens"
    table.to_csv(tmp_path / "biosphere.csv", index=False)
    assert not frictionless.validate(str(tmp_path / DESCRIPTOR)).valid


def test_every_staged_set_gets_a_package_and_a_failed_set_none(tmp_path: Path) -> None:
    frame = pd.DataFrame({"country": ["CHN", "PER"], "hidden_t": [1.5, 2.0], "n": [1, 2], "flag": [True, False]})
    with output_set(tmp_path / "ok") as stage:
        write_table(frame, stage / "t", "parquet")
        write_json({"a": 1}, stage / "s.json")
    package = json.loads((tmp_path / "ok" / DESCRIPTOR).read_text())
    # Parquet data needs frictionless's parquet plugin; the descriptor does not
    assert frictionless.Package.validate_descriptor(package).valid
    schema = next(r for r in package["resources"] if r["path"] == "t.parquet")["schema"]
    assert schema == {"fields": [{"name": "country", "type": "string"},
                                 {"name": "hidden_t", "type": "number", "unit": "t"},
                                 {"name": "n", "type": "integer"}, {"name": "flag", "type": "boolean"}]}
    with pytest.raises(RuntimeError), output_set(tmp_path / "failed") as stage:
        write_table(frame, stage / "t", "csv")
        raise RuntimeError("the command failed half way")
    assert not (tmp_path / "failed").exists() or list((tmp_path / "failed").iterdir()) == []


def test_table_schema_reads_units_from_a_unit_column(tmp_path: Path) -> None:
    frame = pd.DataFrame({"stressor": pd.Categorical(["co2", "co2"]), "value": [1.0, 2.0], "unit": ["t CO2-eq"] * 2})
    frame.to_parquet(tmp_path / "f.parquet", index=False)
    fields = table_schema(tmp_path / "f.parquet")["fields"]
    assert fields[1] == {"name": "value", "type": "number", "unit": "t CO2-eq"}
    assert describe(tmp_path, command="tracer run --out x")["tracer"]["command_line"] == "tracer run --out x"
