"""`tracer reconcile`: side-by-side figures equal `tracer run`'s, the waterfall adds up,
elements plug in by selector or tag, bad reference files fail cleanly with no output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_engine_networks import chain_network
from typer.testing import CliRunner

from hfcommon.errors import InputError
from tracer import api
from tracer.cli import app, main
from tracer.reconcile import load_elements, load_reference, reconcile, switched_off
from tracer.reconcile.elements import Element, Selector

HEADER = "indicator,value,unit,relation,published,where,note,source\n"


def _elements(**selectors: str) -> tuple[Element, ...]:
    return tuple(Element(name, name, (Selector(((key, pattern),)),), "test") for name, (key, pattern)
                 in ((n, s.split("=", 1)) for n, s in selectors.items()))


def _reference(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "study.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_bundled_reference_reads_every_figure_in_its_unit() -> None:
    ref = load_reference()
    assert ref.figure("hidden_t").value == pytest.approx(1.106e9)
    assert ref.figure("car_sector_share").value == pytest.approx(0.03)
    assert ref.figure("top_abroad").value == ("CHL", "AUS", "PER", "ZAF")
    assert ref.figure("nev_to_conventional_hidden").relation == ">"
    assert all(f.where and f.source for f in ref.figures)


def test_waterfall_on_a_hand_solved_network_adds_up_with_overlap(tmp_path: Path) -> None:
    ref = _reference(tmp_path, "hidden_t,50,t,=,50 t,table 1,,test\n")
    elements = _elements(mine_a="id=mine:A", refinery="id=refining:cu")
    result = reconcile(ref, network=chain_network(), fleet={"BEV": 10}, elements=elements)
    steps = result.waterfall.set_index("step")["value"]
    assert steps["this_tool"] == pytest.approx(18.9 + 8.19 + 6.3)
    assert steps["core"] == pytest.approx(0.0)
    assert steps["mine_a"] == pytest.approx(18.9 + 0.6 * 0.315 * 30)  # mine A's overburden and tailings
    assert steps["refinery"] == pytest.approx(33.39)  # everything upstream of the refinery
    assert steps["overlap"] == pytest.approx(-steps["mine_a"])  # mine A is removed by both
    middle = steps.drop(["core", "this_tool", "published", "unexplained"]).sum()
    assert steps["core"] + middle == pytest.approx(steps["this_tool"], abs=1e-9)
    assert steps["this_tool"] + steps["unexplained"] == pytest.approx(steps["published"])
    ends = result.waterfall.set_index("step")["end"]
    assert ends["published"] == pytest.approx(50.0)


def test_switched_off_cuts_only_deliveries_leaving_the_element() -> None:
    G = chain_network()
    H = switched_off(G, {"mine:A", "refining:cu"})
    assert not H.has_edge("refining:cu", "material:copper")
    assert H.has_edge("mine:A", "refining:cu") and H.has_edge("mine:B", "refining:cu")
    assert G.has_edge("refining:cu", "material:copper")  # the input graph is untouched
    assert G.nodes["material:copper"]["stressors"]["process_residue"] == 0.05
    # the 1.05 t no longer delivered leaves the consumer's residue too (not below 0)
    assert H.nodes["material:copper"]["stressors"]["process_residue"] == 0.0


def test_a_flux_switched_off_leaves_the_consumers_residue_and_tmr_closes() -> None:
    from graphs import build_default_network

    G = build_default_network()
    residue = G.nodes["refining:pig_iron:CHN"]["stressors"]["process_residue"]
    flux = G.edges["market:limestone:CHN", "refining:pig_iron:CHN"]["amount"]
    H = switched_off(G, {"market:limestone:CHN"})
    assert H.nodes["refining:pig_iron:CHN"]["stressors"]["process_residue"] == pytest.approx(residue - flux)
    base, off = api.run(network=G).summary, api.run(network=H).summary
    assert base["hidden_t"] == pytest.approx(off["hidden_t"])  # limestone: no unused extraction (PMF factor 1.00 / 1.00)
    assert base["total_tmr_t"] - off["total_tmr_t"] > 0
    for summary in (base, off):
        assert sum(summary["by_stressor_t"].values()) == pytest.approx(summary["total_tmr_t"])


def test_elements_select_by_attributes_negation_and_tag() -> None:
    G = chain_network()
    G.nodes["component:motor"]["boundary_element"] = "motors"
    tagged = Element("motors", "motors", (Selector(()),), "tag only")
    assert tagged.members(G) == {"component:motor"}
    (abroad,) = _elements(abroad="country=!CHN")
    assert abroad.members(G) == {"mine:A", "mine:B"}
    (either,) = _elements(either="kind=mine|refining")
    assert either.members(G) == {"mine:A", "mine:B", "refining:cu"}
    declared = {e.name for e in load_elements()}
    assert {"coal_home", "iron_ore_home", "non_metals", "fluxes"} <= declared


def test_absent_element_contributes_zero_and_is_noted(tmp_path: Path) -> None:
    ref = _reference(tmp_path, "hidden_t,50,t,=,50 t,table 1,,test\n")
    result = reconcile(ref, network=chain_network(), fleet={"BEV": 10}, elements=_elements(none="kind=energy"))
    row = result.elements.iloc[0]
    assert not row["present"] and row["hidden_t"] == 0
    assert "none" not in set(result.waterfall["step"]) and any("'none'" in n for n in result.notes)


def test_side_by_side_equals_tracer_run_on_the_default_network() -> None:
    runner = CliRunner()
    ran = json.loads(runner.invoke(app, ["run", "--json"]).stdout)
    out = runner.invoke(app, ["reconcile", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    ours = {row["indicator"]: row for row in report["comparison"]}
    for key in ("total_tmr_t", "hidden_t", "hidden_to_used", "car_sector_share", "abroad_share",
                "nev_to_conventional_hidden"):
        assert ours[key]["ours_value"] == pytest.approx(ran[key], rel=1e-12)
    steps = {row["step"]: row for row in report["waterfall"]}
    assert steps["this_tool"]["value"] == pytest.approx(ran["hidden_t"], rel=1e-12)
    assert steps["published"]["value"] == pytest.approx(1.106e9)


def test_scenario_is_traced_as_compare_does(tmp_path: Path) -> None:
    from tracer.scenarios import load_scenario
    from tracer.scenarios.compare import scenario_inputs

    out = CliRunner().invoke(app, ["reconcile", "--scenario", "lfp", "--json", "--metric", "total_tmr_t",
                                   "--choice", "none"])  # the choices on a scenario: test_reconcile_choices
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    network, fleet = scenario_inputs(load_scenario("lfp"), api.default_network(), api.normalise_fleet(api.default_fleet()))
    expected = api.run(fleet=fleet, network=network).summary
    ours = {row["indicator"]: row["ours_value"] for row in report["comparison"]}
    assert report["scenario"] == "lfp" and report["metric"] == "total_tmr_t"
    assert ours["total_tmr_t"] == pytest.approx(expected["total_tmr_t"], rel=1e-12)


def test_out_writes_the_complete_set(tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["reconcile", "--out", str(tmp_path / "rec"), "--format", "csv",
                                   "--choice", "steel_yield_high"])
    assert out.exit_code == 0, out.output
    names = sorted(p.name for p in (tmp_path / "rec").iterdir())
    assert names == ["choices.csv", "comparison.csv", "datapackage.json", "elements.csv", "reconcile.json",
                     "waterfall.csv", "waterfall.png"]
    assert pd.read_csv(tmp_path / "rec" / "choices.csv")["choice"].tolist() == ["steel_yield_high"]
    assert (tmp_path / "rec" / "waterfall.png").read_bytes()[:4] == b"\x89PNG"
    table = pd.read_csv(tmp_path / "rec" / "waterfall.csv")
    assert {"step", "label", "kind", "value", "start", "end", "unit"} <= set(table.columns)


@pytest.mark.parametrize(
    ("row", "column", "needle"),
    [
        ("hidden_t,lots,t,=,x,p. 1,,s\n", "value", "not a number"),
        ("hidden_t,5,kg,=,x,p. 1,,s\n", "unit", "not a unit"),
        ("tmr_total,5,t,=,x,p. 1,,s\n", "indicator", "unknown indicator"),
        ("hidden_t,5,t,~,x,p. 1,,s\n", "relation", "is not one of"),
        ("top_abroad,CHL;Atlantis,ISO3,=,x,p. 1,,s\n", "value", "unknown country"),
        ("hidden_t,5,t,=,x,p. 1,,\n", "source", "is empty"),
    ],
)
def test_bad_reference_file_exits_2_naming_file_row_column_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], row: str, column: str,
    needle: str,
) -> None:
    path = _reference(tmp_path, "total_tmr_t,1,Mt,=,1 Mt,p. 1,,s\n" + row)
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["tracer", "reconcile", "--reference", str(path), "--out", str(out)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    message = capsys.readouterr().err.replace("\n", " ")
    assert "study.csv" in message and "row 3" in message and column in message and needle in message
    assert not out.exists()
    with pytest.raises(InputError):
        load_reference(path)
