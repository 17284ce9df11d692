"""The declared scenario schema: exported for editors, shipped in sync, printed by the CLI."""

from __future__ import annotations

import json
from importlib import resources

from typer.testing import CliRunner

from tracer.cli import app
from tracer.scenarios.schema import ScenarioFile, dotted, json_schema, json_schema_text

SHIPPED = resources.files("tracer").joinpath("data", "scenarios", "scenario.schema.json")


def test_shipped_schema_is_the_declared_one() -> None:
    """Regenerate with `tracer scenarios schema > tracer/data/scenarios/scenario.schema.json`."""
    assert SHIPPED.read_text(encoding="utf-8") == json_schema_text()


def test_schema_names_every_lever_and_requires_sources() -> None:
    schema = json_schema()
    assert set(schema["properties"]) == set(ScenarioFile.model_fields)
    assert schema["required"] == ["scenario"]
    assert schema["additionalProperties"] is False
    for name in ("RecycledContentTable", "BatteryMixTable", "ElectricityTable", "SourcingTable", "OreGradeTable",
                 "FleetTable", "LightweightingTable"):
        assert "source" in schema["$defs"][name]["required"], name


def test_cli_prints_the_schema() -> None:
    result = CliRunner().invoke(app, ["scenarios", "schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == json_schema()


def test_dotted_keys() -> None:
    assert dotted(("electricity", 0, "countries", 1)) == "electricity[0].countries[1]"
    assert dotted(("battery_mix", "shares", "LMO", "[key]")) == "battery_mix.shares.LMO"
    assert dotted(()) == ""


def test_bundled_scenarios_point_editors_at_the_schema() -> None:
    # taplo / Even Better TOML read a first-line `#:schema` directive; a bundled file
    # without it gets no completion or checking in an editor.
    folder = resources.files("tracer").joinpath("data", "scenarios")
    files = [f for f in folder.iterdir() if f.name.endswith(".toml")]
    assert len(files) >= 7
    for f in files:
        assert f.read_text(encoding="utf-8").splitlines()[0] == "#:schema ./scenario.schema.json", f.name
