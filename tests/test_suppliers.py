"""A carmaker's supplier file (`tracer run --suppliers`) and a user's mine table (`--mines`):
hand-checked overrides, errors naming file, row and column, and the national comparison."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

import graphs
from graphs.steel import BOF, DRI_EAF, EAF
from hfcommon.errors import InputError
from tracer.cli import app, main
from tracer.suppliers import read_suppliers

SITES = Path(__file__).parent / "fixtures" / "mine_db" / "sites.csv"
HEADER = "material,country,supplier,share\n"


@pytest.fixture(scope="module")
def network() -> nx.DiGraph:
    return graphs.build_default_network()


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "suppliers.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_supplier_rows_override_the_national_sourcing(network: nx.DiGraph, tmp_path: Path) -> None:
    path = _file(tmp_path, "steel,CHN,EAF,0.5\nsteel,China,BOF,0.5\niron_ore,BRA,,0.6\niron_ore,AUS,,0.4\n"
                           "copper,CHL,chl-escondida-copper,1\naluminium,CHN,hydro,1\n")
    H = read_suppliers(path).apply(network)
    assert H.edges[EAF, "material:steel"]["amount"] == pytest.approx(H.edges[BOF, "material:steel"]["amount"])
    ore = "market:iron_ore:supply-CHN"
    shares = {u: H.edges[u, ore]["amount"] for u in H.predecessors(ore)}
    assert shares == pytest.approx({"market:iron_ore:BRA": 0.6, "market:iron_ore:AUS": 0.4})
    assert {u: H.edges[u, "market:copper:supply-CHN"]["amount"]
            for u in H.predecessors("market:copper:supply-CHN")} == {"market:copper:CHL": 1.0}
    assert list(H.predecessors("market:copper:CHL")) == ["beneficiation:chl-escondida-copper"]
    assert not H.has_edge("energy:smelter_power:CHN", "smelting:aluminium:CHN")
    assert graphs.validate(H).ok
    assert network.edges["market:iron_ore:CHN", ore]["amount"] > 0  # the national network is untouched


def test_direct_reduction_steel_is_a_supplier_route(network: nx.DiGraph, tmp_path: Path) -> None:
    H = read_suppliers(_file(tmp_path, "steel,CHN,DRI,0.25\nsteel,CHN,EAF,0.25\nsteel,CHN,BOF,0.5\n")).apply(network)
    got = [H.edges[r, "material:steel"]["amount"] for r in (BOF, EAF, DRI_EAF)]
    assert got == pytest.approx([2 * got[1], got[1], got[1]])
    assert graphs.validate(H).ok


@pytest.mark.parametrize(("body", "row", "column", "text"), [
    ("steel,CHN,EAF,0.5\nsteel,CHN,BOF,0.4\n", 3, "share", "sum to 0.9"),
    ("unobtainium,CHN,,1\n", 2, "material", "unknown material"),
    ("steel,JPN,EAF,1\n", 2, "country", "CHN only"),
    ("steel,CHN,OHF,1\n", 2, "supplier", "by route"),
    ("copper,CHL,,0.5\ncopper,CHL,chl-escondida-copper,0.5\n", 2, "supplier", "every copper row"),
    ("copper,CHL,nowhere,1\n", 2, "supplier", "no copper mine"),
    ("copper,CHL,,1.5\n", 2, "share", "above 1"),
])
def test_bad_supplier_rows_name_file_row_and_column(network: nx.DiGraph, tmp_path: Path, body: str, row: int,
                                                    column: str, text: str) -> None:
    path = _file(tmp_path, body)
    with pytest.raises(InputError) as err:
        read_suppliers(path).apply(network)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), row, column)
    assert text in err.value.message


def test_run_compares_the_suppliers_with_the_national_average(tmp_path: Path) -> None:
    path = _file(tmp_path, "aluminium,CHN,hydro,1\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--suppliers", str(path), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    plain = json.loads(CliRunner().invoke(app, ["run", "--json"]).output)
    compared = summary["suppliers"]
    assert compared["national_co2_t"] == pytest.approx(plain["co2_t"])
    assert compared["suppliers_co2_t"] == pytest.approx(summary["co2_t"]) and summary["co2_t"] < plain["co2_t"]
    icev = next(r for r in compared["per_vehicle"] if r["vehicle"] == "ICEV")
    assert icev["national_co2_t"] == pytest.approx(plain["per_vehicle_co2_t"]["ICEV"])
    assert json.loads((out / "summary.json").read_text())["suppliers"]["file"] == str(path)


def test_bad_supplier_file_exits_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, "steel,CHN,EAF,0.7\n")
    monkeypatch.setattr(sys, "argv", ["tracer", "run", "--suppliers", str(path), "--out", str(tmp_path / "out")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "row 2, column 'share'" in capsys.readouterr().err.replace("\n", " ")
    assert not (tmp_path / "out").exists()


def test_mines_option_traces_the_users_table(tmp_path: Path) -> None:
    own = json.loads(CliRunner().invoke(app, ["run", "--mines", str(SITES), "--json"]).output)
    plain = json.loads(CliRunner().invoke(app, ["run", "--json"]).output)
    assert own["hidden_t"] != pytest.approx(plain["hidden_t"])
    report = CliRunner().invoke(app, ["report", "--mines", str(SITES), "--out", str(tmp_path / "r.html"), "--json"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["hidden_t"] == pytest.approx(own["hidden_t"])


def test_the_bundled_example_supplier_file_applies(network: nx.DiGraph) -> None:
    example = Path(__file__).parents[1] / "examples" / "suppliers.csv"
    H = read_suppliers(example).apply(network)
    assert graphs.validate(H).ok
    assert H.edges[EAF, "material:steel"]["amount"] == pytest.approx(
        0.3 / 0.7 * H.edges[BOF, "material:steel"]["amount"])
