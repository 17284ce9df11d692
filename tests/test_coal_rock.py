"""Rock hoisted apart from the coal at underground mines abroad (coal_mines.csv waste_rock; issue 19).

Per t of saleable coal = the country's underground share (1 - open-pit share) x the assumed rock per
t of underground coal, `coal_ug_rock_t_per_t` (hfcommon/data/assumptions.csv): 0.0047, the median of
FINEPRINT's Bulga mine-years (2012-2014), range 0.0002 (Bulga's lowest per t of all its coal) to 0.024
(Poland: ~6 % of up to 400 kg of hard-coal mining waste per t is rock from development works). By hand.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import networkx as nx
import pytest

import graphs
from graphs.build import default_parameters
from tracer.engine import compile_network, multipliers

ROCK = 0.0047  # t per t of underground coal
#: Underground share of each coal node: 1 - its open-pit share (parameters.csv).
UNDERGROUND = {
    "AUS": 1 - 0.65,  # Scott et al. (2010): almost 65 % opencast
    "IDN": 1 - 0.982,  # FINEPRINT 2019: (331.3 + 12.4 / 2) / 343.7
    "IND": 1 - 0.520,  # FINEPRINT 2019: (24.9 + 606.9 / 2) / 631.8
    "USA": 1 - 0.716,
    "RUS": 1 - 0.523,
    "ZAF": 0.51,  # Department of Energy: ~51 % underground
    "WLD": 1 - 0.535,  # FINEPRINT coverage 2017-2019
}


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


@pytest.mark.parametrize("country", sorted(UNDERGROUND))
def test_each_coal_node_abroad_hoists_its_underground_share_of_rock(default: nx.DiGraph, country: str) -> None:
    node = default.nodes[f"energy:coal:{country}"]
    assert node["stressors"]["waste_rock"] == pytest.approx(UNDERGROUND[country] * ROCK, rel=2e-3)
    assert "coal_ug_rock_t_per_t" in node["stressor_sources"]["waste_rock"]


def test_the_assumption_spans_bulga_to_polands_development_rock() -> None:
    params = default_parameters()
    assert params.value("coal_ug_rock_t_per_t") == ROCK
    low, mode, high = params["coal_ug_rock_t_per_t"].uncertainty.params
    assert (low, mode) == (0.0002, ROCK)
    assert high == pytest.approx((1 - 0.94) * 0.400)  # Poland: 400 kg waste per t coal, 94 % of it washery waste
    assert high < params["cn_coal_gangue_t_per_t"].uncertainty.params[0]  # below China's rock and rejects together
    assert params.value("ind_coal_open_pit_share") == pytest.approx((24.9 + 606.9 / 2) / 631.8, abs=1e-3)
    assert {p.name for p in params.assumptions()} >= {"coal_ug_rock_t_per_t"}


def test_bulga_rock_per_t_of_underground_coal_by_hand() -> None:
    """Underground waste rock / (clean coal x the underground share of the rejects), 2012-2014."""
    years = {  # waste rock t, underground rejects t, surface rejects t, clean coal t (FINEPRINT final_2022-06)
        2012: (11976.74, 1211211, 4541733, 9250966),
        2013: (2466.84, 2507358, 3202810, 11377393),
        2014: (26453.26, 2950066, 3144117, 11652543),
    }
    per_t = {y: rock / (clean * ug / (ug + surface)) for y, (rock, ug, surface, clean) in years.items()}
    assert per_t == pytest.approx({2012: 0.00615, 2013: 0.00049, 2014: 0.00469}, abs=5e-6)
    assert round(statistics.median(per_t.values()), 4) == ROCK
    assert round(min(rock / clean for rock, _, _, clean in years.values()), 4) == 0.0002


FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")


@pytest.mark.skipif(not FINEPRINT.exists(), reason="shared FINEPRINT copy not available")
def test_bulga_is_fineprints_only_coal_mine_with_underground_waste_rock() -> None:
    import pandas as pd

    waste = pd.read_csv(FINEPRINT / "waste.csv")
    rock = waste[(waste.type_mining == "Underground") & (waste.waste_type == "Waste rock")]
    assert set(rock.facility_id) == {"COM00179.00"}  # Bulga
    assert dict(zip(rock.year, rock.value_tonnes)) == pytest.approx({2012: 11976.74, 2013: 2466.84, 2014: 26453.26})


def test_rock_is_booked_once_next_to_rejects_and_china_keeps_its_gangue(default: nx.DiGraph) -> None:
    """Rejects (tailings) stay as they were; China's 0.15 t gangue already holds its rock: no second row."""
    aus = default.nodes["energy:coal:AUS"]["stressors"]
    assert aus["tailings"] == pytest.approx(0.269) and aus["waste_rock"] < aus["tailings"] / 100
    china = default.nodes["energy:coal:CHN"]["stressors"]
    assert china["waste_rock"] == pytest.approx(0.15) and "tailings" not in china
    compiled = compile_network(default)
    M = multipliers(compiled)
    j = compiled.index["energy:coal:RUS"]
    assert M[compiled.stressors.index("waste_rock"), j] == pytest.approx((1 - 0.523) * ROCK, rel=2e-3)
