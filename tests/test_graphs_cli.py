"""`tracer graph info` and `tracer graph export`."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from typer.testing import CliRunner

import graphs
from hfcommon.errors import InputError
from tracer.cli import app

runner = CliRunner()


def test_info_json() -> None:
    result = runner.invoke(app, ["graph", "info", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["nodes"] == sum(info["nodes_by_kind"].values())
    assert info["share_with_source"] == 1.0
    assert info["validation"]["errors"] == []
    assert "CHN" in info["countries"] and "ZAF" in info["countries"]


def test_info_text() -> None:
    result = runner.invoke(app, ["graph", "info"])
    assert result.exit_code == 0, result.output
    assert "coefficients with a source" in result.output and "validation: valid" in result.output


def test_export_parquet_and_graphml(tmp_path: Path) -> None:
    result = runner.invoke(app, ["graph", "export", "--format", "parquet", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)["files"]
    assert sorted(Path(f).name for f in files) == ["edges.parquet", "nodes.parquet"]
    G = graphs.read_parquet(tmp_path)
    assert graphs.validate(G).ok
    result = runner.invoke(app, ["graph", "export", "--format", "graphml", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    H = nx.read_graphml(tmp_path / "network.graphml")
    assert H.number_of_nodes() == G.number_of_nodes()


def test_bad_override_file_is_reported(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("component,material,kg_per_unit,source\nwiring_harness,copper_wire,-1,x\n", encoding="utf-8")
    result = runner.invoke(app, ["graph", "info", "--bom", str(bom)])
    assert isinstance(result.exception, InputError)
    assert (result.exception.row, result.exception.column) == (2, "kg_per_unit")
    assert not list(tmp_path.glob("*.parquet"))
