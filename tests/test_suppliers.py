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
    ("steel,ISL,EAF,1\n", 2, "country", "no grid for ISL"),
    ("steel,CHN,BOF,0.5\naluminium,ARE,mix,1\nsteel,Atlantis,EAF,0.5\n", 4, "country", "Atlantis"),
    ("aluminium,CHN,mix,0.5\naluminium,ARE,mix,0.5\n", 3, "country", "no grid for ARE"),
    ("steel,CHN,OHF,1\n", 2, "supplier", "by route"),
    ("copper,CHL,,0.5\ncopper,CHL,chl-escondida-copper,0.5\n", 2, "supplier", "every copper row"),
    ("copper,CHL,nowhere,1\n", 2, "supplier", "no copper mine"),
    ("copper,CHL,,1.5\n", 2, "share", "above 1"),
    # component rows: the part is made abroad on that country's grid
    ("traction_battery_BEV_NMC81,KOR,,1\n", 2, "material", "did you mean 'traction_battery_BEV_NMC811'"),
    ("traction_battery_BEV_LFP,KOR,,0.5\ntraction_battery_BEV_LFP,CHN,,0.3\n", 3, "share", "sum to 0.8"),
    ("traction_battery_BEV_LFP,ISL,,1\n", 2, "country", "no grid for ISL"),
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


PACK = "component:traction_battery_BEV_NMC811"


def _grid_co2_per_gj(network: nx.DiGraph, countries: tuple[str, ...]) -> dict[str, float]:
    """CO2e per GJ of each country's grid, traced independently: a probe 'vehicle' drawing 1 GJ."""
    from tracer import api

    G = network.copy()
    for country in countries:
        G.add_node(f"probe-{country}", **{**G.nodes["BEV"], "stressors": {}, "stressor_uncertainty": {}})
        G.add_edge(f"energy:grid:{country}", f"probe-{country}", amount=1.0, source="test probe", uncertainty=None)
    per_vehicle = api.run(fleet={f"probe-{c}": 1.0 for c in countries}, network=G).summary["per_vehicle_co2_t"]
    return {c: per_vehicle[f"probe-{c}"] for c in countries}


@pytest.fixture(scope="module")
def pack_runs(network: nx.DiGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """BEV-NMC811 CO2e with its pack made in China (national), all in Korea, and 60/40 China/Korea."""
    from tracer import api

    tmp = tmp_path_factory.mktemp("packs")
    runs: dict[str, object] = {"national": api.run(fleet={"BEV-NMC811": 1.0}, network=network)}
    split = "traction_battery_BEV_NMC811,CHN,,0.6\ncomponent:traction_battery_BEV_NMC811,South Korea,LG plant,0.4\n"
    for label, body in (("korea", "traction_battery_BEV_NMC811,KOR,,1\n"), ("split", split)):
        (tmp / label).mkdir()
        H = read_suppliers(_file(tmp / label, body)).apply(network)
        runs[label] = api.run(fleet={"BEV-NMC811": 1.0}, network=H)
        runs[f"{label}_network"] = H
    return runs


def test_a_component_row_makes_the_part_in_the_supplier_country(network: nx.DiGraph, pack_runs: dict) -> None:
    H = pack_runs["korea_network"]
    copy = f"{PACK}:KOR"
    assert PACK not in H and H.nodes[copy]["country"] == "KOR" and H.nodes[copy]["group"] == "traction_battery"
    assert H.edges["energy:grid:KOR", copy]["amount"] == pytest.approx(network.edges["energy:grid:CHN", PACK]["amount"])
    assert not H.has_edge("energy:grid:CHN", copy)
    materials = {u: d["amount"] for u, d in network.pred[PACK].items() if u.startswith("material:")}
    assert {u: d["amount"] for u, d in H.pred[copy].items() if u.startswith("material:")} == materials
    assert {v: d["amount"] for v, d in H.succ[copy].items()} == {v: d["amount"] for v, d in network.succ[PACK].items()}
    assert graphs.validate(H).ok


def test_a_split_component_keeps_its_units_per_vehicle(network: nx.DiGraph, pack_runs: dict) -> None:
    H = pack_runs["split_network"]
    for v, edge in network.succ[PACK].items():
        assert H.edges[PACK, v]["amount"] + H.edges[f"{PACK}:KOR", v]["amount"] == pytest.approx(edge["amount"])
        assert H.edges[f"{PACK}:KOR", v]["amount"] == pytest.approx(0.4 * edge["amount"])
    assert "LG plant" in H.nodes[f"{PACK}:KOR"]["name"]


def test_a_cleaner_grid_cuts_co2_by_the_grid_difference_times_the_packs_electricity(
        network: nx.DiGraph, pack_runs: dict) -> None:
    grid = _grid_co2_per_gj(network, ("CHN", "KOR"))
    assert grid["KOR"] < grid["CHN"]
    electricity_gj = network.edges["energy:grid:CHN", PACK]["amount"]  # 57.5 kWh/kWh x 47.2 kWh x 0.0036 GJ/kWh
    assert electricity_gj == pytest.approx(9.7789, rel=1e-4)
    national = pack_runs["national"].summary["per_vehicle_co2_t"]["BEV-NMC811"]
    korea = pack_runs["korea"].summary["per_vehicle_co2_t"]["BEV-NMC811"]
    split = pack_runs["split"].summary["per_vehicle_co2_t"]["BEV-NMC811"]
    assert national - korea == pytest.approx((grid["CHN"] - grid["KOR"]) * electricity_gj, rel=1e-9)
    assert split == pytest.approx(0.6 * national + 0.4 * korea, rel=1e-9)  # linear in the share


def test_the_split_components_flows_sum_to_the_total(pack_runs: dict) -> None:
    result = pack_runs["split"]
    co2 = result.flows[result.flows["stressor"] == "co2"]
    by_component = co2.groupby("component", observed=True)["value"].sum()
    assert by_component.sum() == pytest.approx(result.summary["co2_t"], rel=1e-9)
    assert by_component[PACK] > 0 and by_component[f"{PACK}:KOR"] > 0


def test_a_part_without_electricity_may_come_from_a_country_without_a_grid(network: nx.DiGraph,
                                                                          tmp_path: Path) -> None:
    H = read_suppliers(_file(tmp_path, "body_chassis_ICEV,DEU,,0.25\nbody_chassis_ICEV,CHN,,0.75\n")).apply(network)
    assert H.edges["component:body_chassis_ICEV:DEU", "ICEV"]["amount"] == pytest.approx(0.25)
    assert H.edges["component:body_chassis_ICEV", "ICEV"]["amount"] == pytest.approx(0.75)
    assert graphs.validate(H).ok


def test_an_unknown_component_exits_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = _file(tmp_path, "traction_battery_BEV_NMC9,KOR,,1\n")
    monkeypatch.setattr(sys, "argv", ["tracer", "run", "--suppliers", str(path), "--out", str(tmp_path / "out")])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "row 2, column 'material'" in capsys.readouterr().err.replace("\n", " ")
    assert not (tmp_path / "out").exists()


# --- steel and aluminium bought from another producing country (tracer.suppliers.plants) ---

ICEV = {"ICEV": 1.0}


def _trace(network: nx.DiGraph, tmp_path: Path, body: str) -> tuple[nx.DiGraph, dict]:
    """The network under a supplier file, and the summary of one ICEV traced through it."""
    from tracer import api

    (tmp_path / "run").mkdir(exist_ok=True)
    H = read_suppliers(_file(tmp_path / "run", body)).apply(network)
    assert graphs.validate(H).ok
    result = api.run(fleet=ICEV, network=H)
    by_country = result.attribution.split(["country", "stressor"]).set_index(["country", "stressor"])["value"]
    return H, {**result.summary, "residue_by_country_t": by_country.xs("process_residue", level="stressor")}


def _used(network: nx.DiGraph, material: str) -> float:
    """t of a material in one ICEV (the material node's `used` flow)."""
    from tracer import api

    flows = api.run(fleet=ICEV, network=network).attribution.split(["material", "stressor"])
    return float(flows.set_index(["material", "stressor"])["value"][material, "used"])


def test_steel_from_abroad_moves_the_route_and_its_iron_making_to_that_grid(network: nx.DiGraph,
                                                                              tmp_path: Path) -> None:
    H, _ = _trace(network, tmp_path, "steel,JPN,EAF,1\n")
    eaf, iron = "smelting:steel_eaf:JPN", "refining:pig_iron:JPN"
    assert H.nodes[eaf]["country"] == H.nodes[iron]["country"] == "JPN"
    assert H.edges["energy:grid:JPN", eaf]["amount"] == pytest.approx(400 * 0.0036)
    assert H.edges[iron, eaf]["amount"] == network.edges["refining:pig_iron:CHN", EAF]["amount"]
    assert {u: d["amount"] for u, d in H.pred[iron].items()} == {
        u: d["amount"] for u, d in network.pred["refining:pig_iron:CHN"].items()}  # China's ore, coal and flux
    crude = sum(network.edges[r, "material:steel"]["amount"] for r in (BOF, EAF) if network.has_edge(r, "material:steel"))
    assert {u: d["amount"] for u, d in H.pred["material:steel"].items() if d["amount"] and "steel_" in u} == \
        pytest.approx({eaf: crude})
    spread = H.edges[eaf, "material:steel"]["uncertainty"]  # the BOF edge's relative range, rescaled
    bof = network.edges[BOF, "material:steel"]["uncertainty"].params
    assert spread.params == pytest.approx(tuple(p * crude / bof[1] for p in bof))


def test_steel_from_abroad_by_hand(network: nx.DiGraph, tmp_path: Path) -> None:
    """BOF steel draws no electricity here, so Japanese BOF steel is Chinese BOF steel booked in Japan;
    EAF steel differs by its furnace's 1.44 GJ/t x (China's grid - Japan's grid) CO2e."""
    grid = _grid_co2_per_gj(network, ("CHN", "JPN"))
    china_bof = _trace(network, tmp_path, "steel,CHN,BOF,1\n")[1]
    japan_bof = _trace(network, tmp_path, "steel,JPN,BOF,1\n")[1]
    assert japan_bof["per_vehicle_co2_t"]["ICEV"] == pytest.approx(china_bof["per_vehicle_co2_t"]["ICEV"], rel=1e-12)
    assert japan_bof["hidden_t"] == pytest.approx(china_bof["hidden_t"], rel=1e-12)
    assert "JPN" not in japan_bof["co2_by_country_t"]  # the blast furnace's coal CO2 is booked at its mines
    assert japan_bof["residue_by_country_t"]["JPN"] > 0  # its slag and converter losses in Japan
    china_eaf = _trace(network, tmp_path, "steel,CHN,EAF,1\n")[1]["per_vehicle_co2_t"]["ICEV"]
    japan_eaf = _trace(network, tmp_path, "steel,JPN,EAF,1\n")[1]["per_vehicle_co2_t"]["ICEV"]
    crude_per_t = sum(d["amount"] for u, d in network.pred["material:steel"].items() if u in (BOF, EAF))
    electricity_gj = _used(network, "material:steel") * crude_per_t * 400 * 0.0036
    assert china_eaf - japan_eaf == pytest.approx(electricity_gj * (grid["CHN"] - grid["JPN"]), rel=1e-9)


def test_aluminium_from_abroad_on_hydro_or_the_countrys_grid_by_hand(network: nx.DiGraph, tmp_path: Path) -> None:
    smelter = "smelting:aluminium:CAN"
    H, hydro = _trace(network, tmp_path, "aluminium,CAN,hydro,1\n")
    gj = network.edges["energy:smelter_power:CHN", "smelting:aluminium:CHN"]["amount"]
    assert H.edges["energy:other_power:CAN", smelter]["amount"] == pytest.approx(gj)
    assert not H.has_edge("energy:grid:CAN", smelter) and "smelting:aluminium:CHN" in H
    assert not any(H.has_edge("smelting:aluminium:CHN", m) for m in ("material:wrought_aluminium",
                                                                      "material:cast_aluminium"))
    china_hydro = _trace(network, tmp_path, "aluminium,CHN,hydro,1\n")[1]
    assert hydro["per_vehicle_co2_t"]["ICEV"] == pytest.approx(china_hydro["per_vehicle_co2_t"]["ICEV"], rel=1e-12)
    assert hydro["co2_by_country_t"]["CAN"] > 0  # the anode and PFC CO2 is booked at the Canadian smelter
    mix = _trace(network, tmp_path, "aluminium,CAN,mix,1\n")[1]["per_vehicle_co2_t"]["ICEV"]
    grid = _grid_co2_per_gj(network, ("CAN",))["CAN"]
    primary_t = sum(_used(network, m) * network.edges["smelting:aluminium:CHN", m]["amount"]
                    for m in ("material:wrought_aluminium", "material:cast_aluminium"))
    assert mix - hydro["per_vehicle_co2_t"]["ICEV"] == pytest.approx(primary_t * gj * grid, rel=1e-9)


def test_aluminium_split_between_countries_is_linear_in_the_shares(network: nx.DiGraph, tmp_path: Path) -> None:
    national = _trace(network, tmp_path, "aluminium,CHN,mix,1\n")[1]["per_vehicle_co2_t"]["ICEV"]
    canada = _trace(network, tmp_path, "aluminium,CAN,hydro,1\n")[1]["per_vehicle_co2_t"]["ICEV"]
    H, split = _trace(network, tmp_path, "aluminium,CAN,hydro,0.4\naluminium,CHN,mix,0.6\n")
    assert split["per_vehicle_co2_t"]["ICEV"] == pytest.approx(0.4 * canada + 0.6 * national, rel=1e-9)
    for m in ("material:wrought_aluminium", "material:cast_aluminium"):
        total = network.edges["smelting:aluminium:CHN", m]["amount"]
        assert H.edges["smelting:aluminium:CAN", m]["amount"] == pytest.approx(0.4 * total)
        assert H.edges["smelting:aluminium:CHN", m]["amount"] == pytest.approx(0.6 * total)
