"""`tracer export brightway`: the network as Brightway tables and databases; bw2calc agrees with tracer.

The tables are checked without Brightway; the round trip through a Brightway project and
bw2calc needs the `[brightway]` extra and skips cleanly without it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from hfcommon.errors import InputError
from hfcommon.vocabulary import HIDDEN_STRESSORS, MASS_STRESSORS
from tracer import api
from tracer.cli import app
from tracer.exchange import brightway as bw

VEHICLES = ("ICEV", "BEV-NMC811")


@pytest.fixture(scope="module")
def run() -> api.RunResult:
    return api.run()


@pytest.fixture(scope="module")
def tables(run: api.RunResult) -> bw.BrightwayTables:
    return bw.brightway_tables(run.compiled, run.network)


def test_tables_hold_every_coefficient_of_the_compiled_network(run: api.RunResult, tables: bw.BrightwayTables) -> None:
    c, ex = run.compiled, tables.exchanges
    assert list(tables.activities["code"]) == list(c.nodes)
    production = ex[ex["type"] == "production"]
    assert len(production) == c.n and (production["amount"] == 1.0).all()
    techno, bio = ex[ex["type"] == "technosphere"], ex[ex["type"] == "biosphere"]
    assert len(techno) == c.A.nnz and len(bio) == c.B.nnz
    A = c.A.toarray()
    rows, cols = techno["input"].map(c.index).to_numpy(), techno["output"].map(c.index).to_numpy()
    assert np.array_equal(A[rows, cols], techno["amount"].to_numpy())  # bit for bit
    assert set(bio["input"]) == set(c.stressors) == set(tables.biosphere["code"])


def test_locations_sources_and_methods(run: api.RunResult, tables: bw.BrightwayTables) -> None:
    acts = tables.activities.set_index("code")
    assert acts.at["energy:coal:CHN", "location"] == "CN"
    assert (acts.loc[acts["country"] == "WLD", "location"] == "GLO").all()
    ex = tables.exchanges
    edge = ex[(ex["input"] == "mine:aus-gove-rio-tinto-bauxite") & (ex["type"] == "technosphere")].iloc[0]
    assert "Rio Tinto" in edge["source"]
    coal = ex[(ex["output"] == "energy:coal:CHN") & (ex["input"] == "co2")].iloc[0]
    assert coal["uncertainty_type"] == 5 and coal["minimum"] < coal["amount"] < coal["maximum"]  # triangular
    methods = tables.characterisation.groupby("method")["flow"].apply(set)
    assert methods["Total Material Requirement"] == set(MASS_STRESSORS)
    assert methods["Hidden Flows"] == set(HIDDEN_STRESSORS)


def test_out_writes_tables_that_read_back(tmp_path: Path, tables: bw.BrightwayTables) -> None:
    result = CliRunner().invoke(app, ["export", "brightway", "--out", str(tmp_path), "--format", "csv", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["activities"] == len(tables.activities) and summary["project"] is None
    back = bw.read_tables(tmp_path)
    for name, table in tables.tables().items():
        assert list(getattr(back, name).columns) == list(table.columns), name
        assert len(getattr(back, name)) == len(table), name
    assert np.array_equal(back.exchanges["amount"].to_numpy(), tables.exchanges["amount"].to_numpy())
    assert (tmp_path / "datapackage.json").exists()


def test_export_needs_a_destination() -> None:
    result = CliRunner().invoke(app, ["export", "brightway"])
    assert isinstance(result.exception, InputError) and "--project" in str(result.exception)


@pytest.fixture(scope="module")
def brightway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """bw2data in a private, temporary Brightway directory (never the user's)."""
    base = tmp_path_factory.mktemp("brightway")
    previous = os.environ.get("BRIGHTWAY2_DIR")
    os.environ["BRIGHTWAY2_DIR"] = str(base)
    try:
        bd = pytest.importorskip("bw2data")
        pytest.importorskip("bw2calc")
        bd.projects.change_base_directories(base)
        yield bd
    finally:
        if previous is None:
            os.environ.pop("BRIGHTWAY2_DIR", None)
        else:
            os.environ["BRIGHTWAY2_DIR"] = previous


def _scores(bd: object, vehicle: str) -> dict[str, float]:
    import bw2calc as bc

    node = bd.get_node(database=bw.DATABASE, code=vehicle)
    lca = bc.LCA({node: 1}, method=(bw.METHOD_ROOT, "Total Material Requirement"))
    lca.lci()
    lca.lcia()
    scores = {"tmr": float(lca.score)}
    lca.switch_method((bw.METHOD_ROOT, "Hidden Flows"))
    lca.lcia()
    return {**scores, "hidden": float(lca.score)}


def test_bw2calc_reproduces_tracer_to_1e9(brightway: object, run: api.RunResult, tmp_path: Path) -> None:
    """Export with the CLI, read the folder back into a Brightway project, compute with bw2calc."""
    result = CliRunner().invoke(app, ["export", "brightway", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    bw.write_project(bw.read_tables(tmp_path), "tracer-iotable")
    for vehicle in VEHICLES:
        scores = _scores(brightway, vehicle)
        assert scores["tmr"] == pytest.approx(run.summary["per_vehicle_tmr_t"][vehicle], rel=1e-9)
        assert scores["hidden"] == pytest.approx(run.summary["per_vehicle_hidden_t"][vehicle], rel=1e-9)
    node = brightway.get_node(database=bw.DATABASE, code="energy:coal:CHN")
    assert node["location"] == "CN" and node["kind"] == "energy" and "underground" in node["source"]


def test_project_option_and_sqlite_backend(brightway: object, run: api.RunResult) -> None:
    """--project writes the databases; the SQLite backend keeps sources on exchanges, at Brightway's
    float32 precision of processed amounts (so 1e-6 here, not 1e-9)."""
    args = ["export", "brightway", "--project", "tracer-sqlite", "--backend", "sqlite", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["backend"] == "sqlite"
    scores = _scores(brightway, "BEV-NMC811")
    assert scores["tmr"] == pytest.approx(run.summary["per_vehicle_tmr_t"]["BEV-NMC811"], rel=1e-6)
    node = brightway.get_node(database=bw.DATABASE, code="beneficiation:aus-gove-rio-tinto-bauxite")
    inputs = [ex for ex in node.technosphere() if ex.input["code"] == "mine:aus-gove-rio-tinto-bauxite"]
    assert "Rio Tinto" in inputs[0]["comment"]
    again = CliRunner().invoke(app, args)
    assert isinstance(again.exception, InputError) and "--overwrite" in str(again.exception)
