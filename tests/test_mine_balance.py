"""One mass balance (mine_db.balance) behind the site table, the grade lever and the Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest

from graphs.build import build_default_network
from mine_db import balance
from mine_db.default import load_default
from mine_db.flows import derive_hidden_flows
from tracer.scenarios import levers
from tracer.scenarios.spec import OreGradeDecline

SRC = "test"


def test_balance_closes_by_hand() -> None:
    # 10 t Cu at 1 % grade and 80 % recovery, 25 % concentrate, strip ratio 2
    ore = balance.ore(10.0, 0.01, 0.8)
    conc = balance.concentrate(10.0, 0.25)
    assert ore == pytest.approx(1250.0)
    assert conc == pytest.approx(40.0)
    assert balance.tailings(ore, conc) == pytest.approx(1210.0)
    assert balance.stripping(2.0, ore) == pytest.approx(2500.0)
    # halving the grade doubles the ore; the extra ore all leaves as tailings
    ore2 = balance.rescaled_ore(ore, 0.01, 0.8, 0.005, 0.8)
    assert ore2 == pytest.approx(2500.0)
    assert balance.rescaled_tailings(1210.0, ore, ore2) == pytest.approx(2460.0)
    assert balance.rescaled_stripping(2.0, 2.0, 3.0) == pytest.approx(3.0)


def test_balance_is_vectorised() -> None:
    g = np.array([0.01, 0.02])
    assert balance.ore(np.array([10.0, 10.0]), g, np.array([0.8, 0.8])) == pytest.approx([1250.0, 625.0])


@pytest.fixture(scope="module")
def copper_derived():
    """The default table with every copper tonnage re-derived from grade and recovery."""
    table = load_default()
    copper = table["commodity"] == "copper"
    for basis in ("ore_basis", "waste_basis", "tailings_basis"):
        table.loc[copper, basis] = "derived"
    return derive_hidden_flows(table), copper


def test_grade_lever_equals_rederiving_the_sites_at_the_lower_grade(copper_derived) -> None:
    base, copper = copper_derived
    factor = OreGradeDecline("copper", 0.02, 2019, 2030, SRC).grade_factor
    lower = base.copy()
    lower.loc[copper, "grade"] = lower.loc[copper, "grade"] * factor
    lower = derive_hidden_flows(lower)

    lever = levers.ore_grade(build_default_network(base), OreGradeDecline("copper", 0.02, 2019, 2030, SRC))
    rederived = build_default_network(lower)

    mines = [n for n, a in rederived.nodes(data=True) if a.get("kind") == "mine" and a.get("commodity") == "copper"]
    assert len(mines) > 50
    for mine in mines:
        (plant,) = [b for b in rederived.successors(mine) if rederived.nodes[b].get("kind") == "beneficiation"]
        assert lever.edges[mine, plant]["amount"] == pytest.approx(rederived.edges[mine, plant]["amount"], rel=1e-9)
        for stressor in ("overburden", "waste_rock"):
            assert lever.nodes[mine]["stressors"].get(stressor, 0.0) == pytest.approx(
                rederived.nodes[mine]["stressors"].get(stressor, 0.0), rel=1e-9, abs=1e-12)
        assert lever.nodes[plant]["stressors"].get("tailings", 0.0) == pytest.approx(
            rederived.nodes[plant]["stressors"].get("tailings", 0.0), rel=1e-9, abs=1e-9)
