"""compare and sweep on the tiny network: changes computed by hand, splits that add up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_scenarios_network import ORE_PER_CONC, tiny_network

from hfcommon.errors import InputError
from tracer.scenarios.compare import compare
from tracer.scenarios.spec import parse_scenario
from tracer.scenarios.sweep import sweep

BASE = parse_scenario({"scenario": {"name": "base"}}, "base.toml")
CU = """
[scenario]
name = "cu"
[recycled_content.copper]
share = 0.5
secondary_stressors = { process_residue = 1.0 }
source = "test"
"""
NEV = """
[scenario]
name = "nev"
[fleet]
nev_share = 0.5
source = "test"
"""
FLEET = pd.Series({"BEV-LFP": 2.0, "ICEV": 2.0})


def value(table: pd.DataFrame, scenario: str, column: str = "change", **where: str) -> float:
    rows = table[table["scenario"] == scenario]
    for key, wanted in where.items():
        rows = rows[rows[key] == wanted]
    assert len(rows) == 1, rows
    return float(rows[column].iloc[0])


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in (("cu", CU), ("nev", NEV)):
        out[name] = tmp_path / f"{name}.toml"
        out[name].write_text(text, encoding="utf-8")
    return out


def test_recycling_change_against_the_first_scenario(files: dict[str, Path]) -> None:
    c = compare([BASE, files["cu"]], network=tiny_network(), fleet=FLEET)
    assert c.labels == ["base", "cu"]
    copper = 2 * 0.03  # t Cu in two BEV-LFP
    ore = copper * 4.0 * ORE_PER_CONC
    # half the primary copper goes: its ore's waste rock (2 t/t) and tailings (ore - concentrate)
    assert value(c.totals, "cu", metric="waste_rock_t") == pytest.approx(-0.5 * 2.0 * ore)
    assert value(c.totals, "cu", metric="tailings_t") == pytest.approx(-0.5 * (ore - copper * 4.0))
    assert value(c.totals, "cu", column="change_pct", metric="tailings_t") == pytest.approx(-50.0)
    # residue: 2 t/t primary -> 0.5 x 2 + 0.5 x 1 secondary
    assert value(c.totals, "cu", metric="process_residue_t") == pytest.approx(copper * (1.5 - 2.0))
    assert value(c.totals, "cu", metric="used_t") == pytest.approx(0.0)
    # all copper mines are abroad (CHL, PER): the whole hidden change is abroad
    assert value(c.totals, "cu", metric="abroad_hidden_t") == pytest.approx(
        value(c.totals, "cu", metric="waste_rock_t") + value(c.totals, "cu", metric="tailings_t")
    )
    assert value(c.totals, "base", column="value", metric="hidden_t") > 0
    assert value(c.totals, "base", metric="hidden_t", column="change") == 0.0


def test_every_breakdown_adds_up_to_the_totals(files: dict[str, Path]) -> None:
    c = compare([BASE, files["cu"], files["nev"]], network=tiny_network(), fleet=FLEET)
    for label in c.labels:
        tmr = value(c.totals, label, column="value", metric="total_tmr_t")
        hidden = value(c.totals, label, column="value", metric="hidden_t")
        rows = c.breakdown[c.breakdown["scenario"] == label]
        for dimension in ("vehicle", "country", "material", "location"):
            part = rows[rows["dimension"] == dimension]
            assert part.loc[part["measure"] == "tmr", "value"].sum() == pytest.approx(tmr)
            assert part.loc[part["measure"] == "hidden", "value"].sum() == pytest.approx(hidden)
    changes = c.breakdown[(c.breakdown["dimension"] == "country") & (c.breakdown["measure"] == "hidden")]
    assert changes.groupby("scenario")["change"].sum()["cu"] == pytest.approx(
        value(c.totals, "cu", metric="hidden_t")
    )


def test_fleet_scenario_changes_counts_not_per_vehicle_coefficients(files: dict[str, Path]) -> None:
    c = compare([BASE, files["nev"]], network=tiny_network(), fleet=pd.Series({"BEV-LFP": 1.0, "ICEV": 3.0}))
    assert value(c.breakdown, "nev", column="value", dimension="vehicle", measure="tmr", key="BEV-LFP") == \
        pytest.approx(2 * value(c.breakdown, "base", column="value", dimension="vehicle", measure="tmr", key="BEV-LFP"))
    assert value(c.breakdown, "nev", dimension="per_vehicle", measure="tmr", key="BEV-LFP") == 0.0
    assert value(c.totals, "nev", metric="vehicles") == 0.0


def test_missing_rows_count_as_zero_and_labels_stay_unique(files: dict[str, Path]) -> None:
    c = compare([files["cu"], BASE, files["cu"]], network=tiny_network(), fleet=FLEET)
    assert c.labels == ["cu", "base", "cu#2"]
    secondary = c.breakdown[(c.breakdown["dimension"] == "flow_type") & (c.breakdown["key"] == "process_residue")]
    assert len(secondary) == 3
    assert list(c.assumptions["scenario"]) == ["cu", "cu#2"]
    doc = c.to_dict()
    assert doc["reference"] == "cu" and len(doc["scenarios"]) == 3


def test_compare_validates_every_file_before_running(tmp_path: Path, files: dict[str, Path]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "bad"\n[fleet]\nnev_share = 2\nsource = "x"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        compare([files["cu"], bad], network=tiny_network(), fleet=FLEET)
    assert err.value.file == str(bad) and err.value.column == "fleet.nev_share"
    with pytest.raises(InputError):
        compare([], network=tiny_network(), fleet=FLEET)


def test_sweep_over_a_network_parameter_matches_compare(files: dict[str, Path]) -> None:
    s = sweep("recycled_content.copper.share", [0.0, 0.25, 0.5], base=files["cu"],
              network=tiny_network(), fleet=FLEET)
    assert not s.reused_factorisation
    tailings = s.table[s.table["metric"] == "tailings_t"].set_index("value")["amount"]
    assert tailings[0.25] == pytest.approx(0.75 * tailings[0.0])
    assert tailings[0.5] == pytest.approx(0.5 * tailings[0.0])
    c = compare([BASE, files["cu"]], network=tiny_network(), fleet=FLEET)
    for metric in ("total_tmr_t", "hidden_t", "abroad_hidden_t", "domestic_hidden_t", "used_t"):
        swept = s.table[(s.table["metric"] == metric) & (s.table["value"] == 0.5)]["amount"].iloc[0]
        assert swept == pytest.approx(value(c.totals, "cu", column="value", metric=metric))


def test_sweep_over_the_fleet_reuses_one_factorisation(files: dict[str, Path]) -> None:
    fleet = pd.Series({"BEV-LFP": 1.0, "ICEV": 3.0})
    s = sweep("fleet.nev_share", [0.25, 0.5, 1.0], base=files["nev"], network=tiny_network(), fleet=fleet)
    assert s.reused_factorisation
    c = compare([BASE, files["nev"]], network=tiny_network(), fleet=fleet)
    hidden = s.table[s.table["metric"] == "hidden_t"].set_index("value")
    assert hidden.at[0.5, "amount"] == pytest.approx(value(c.totals, "nev", column="value", metric="hidden_t"))
    assert hidden.at[0.25, "amount"] == pytest.approx(value(c.totals, "base", column="value", metric="hidden_t"))
    assert hidden.at[0.25, "change"] == 0.0
    # linear in the demand: all-BEV minus quarter-BEV = 4/3 x (half - quarter) x 2 ... checked directly
    per_bev = hidden.at[1.0, "amount"] / 4.0
    assert np.isclose(hidden.at[0.5, "amount"], 2 * per_bev + 2 * (hidden.at[0.25, "amount"] - per_bev) / 3)
    assert s.to_dict()["steps"][0]["value"] == 0.25


def test_sweep_errors_name_the_parameter(files: dict[str, Path]) -> None:
    with pytest.raises(InputError) as err:
        sweep("recycled_content.copper.share", [0.5, 1.5], base=files["cu"], network=tiny_network(), fleet=FLEET)
    assert err.value.column == "recycled_content.copper.share"
    with pytest.raises(InputError) as err:
        sweep("recycled_content.copper.share", [0.5], base=files["nev"], network=tiny_network(), fleet=FLEET)
    assert err.value.column == "recycled_content"
    with pytest.raises(InputError, match="distinct"):
        sweep("fleet.nev_share", [0.5, 0.5], base=files["nev"], network=tiny_network(), fleet=FLEET)
    with pytest.raises(InputError):
        sweep("fleet.nev_share", [], base=files["nev"], network=tiny_network(), fleet=FLEET)
