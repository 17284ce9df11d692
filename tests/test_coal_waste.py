"""Washery rejects of coal mined abroad (coal_mines.csv tailings, chain_stressors.csv; issue 19).

Hand-checked against the derivations cited in graphs/data/parameters.csv: FINEPRINT's washed
mine-years (tools/defaults/fp_coal_rejects.py), rejects per t saleable = ROM / clean - 1.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import graphs
from graphs.build import default_parameters
from graphs.energy import add_coal_mines
from hfcommon.errors import InputError
from hfcommon.vocabulary import HIDDEN_STRESSORS
from tracer.engine import compile_network, multipliers

STAND_IN = 0.225 * 0.5  # pool median of 30 washed mines x assumed washed share (coal_washed_share_unread)


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _tailings(G: nx.DiGraph, country: str) -> float:
    return G.nodes[f"energy:coal:{country}"]["stressors"]["tailings"]


def test_australian_coal_hidden_flow_per_t_is_overburden_plus_rejects(default: nx.DiGraph) -> None:
    """AUS: 532.8 Mt ROM to 419.9 Mt clean (18 FINEPRINT mines, 2015-2020); overburden 65 % x 6.42 bcm/t x 1.22 t/bcm."""
    assert _tailings(default, "AUS") == pytest.approx(532.8 / 419.9 - 1, abs=5e-4)
    compiled = compile_network(default)
    M = multipliers(compiled)
    j = compiled.index["energy:coal:AUS"]
    hidden = sum(M[compiled.stressors.index(h), j] for h in HIDDEN_STRESSORS)
    assert hidden == pytest.approx(0.65 * 6.42 * 1.22 + 0.269 + 0.35 * 0.0047)  # + rock hoisted apart (test_coal_rock.py)
    assert default.nodes["energy:coal:AUS"]["stressor_uncertainty"]["tailings"].params == (0.143, 0.269, 0.434)
    assert "FINEPRINT" in default.nodes["energy:coal:AUS"]["stressor_sources"]["tailings"]


def test_each_country_takes_its_own_rejects_or_the_stand_in(default: nx.DiGraph) -> None:
    # Indonesia: 198.3 Mt ROM to 194.5 Mt clean (6 mines); South Africa: 65 Mt discards over 258.4 Mt output
    assert _tailings(default, "IDN") == pytest.approx(198.3 / 194.5 - 1, abs=5e-4)
    assert _tailings(default, "ZAF") == pytest.approx(65 / 258.4)
    # India: washed at most up to its washeries' 131.24 Mt a year (2016) of 753.9 Mt output
    assert _tailings(default, "IND") == pytest.approx(0.225 * 131.24 / 753.9 * 0.5)
    assert default.nodes["energy:coal:IND"]["stressor_uncertainty"]["tailings"].params == pytest.approx(
        (0.0, 0.225 * 131.24 / 753.9 * 0.5, 0.434 * 131.24 / 753.9))
    for country in ("USA", "RUS", "WLD"):
        assert _tailings(default, country) == pytest.approx(STAND_IN)
        low, mode, high = default.nodes[f"energy:coal:{country}"]["stressor_uncertainty"]["tailings"].params
        assert (low, mode, high) == pytest.approx((0.0, STAND_IN, 0.434))  # none washed .. all washed at the pool's Q3
    params = default_parameters()
    assert params["coal_washed_share_unread"].uncertainty.params == (0.0, 1.0)
    assert 0 < _tailings(default, "IND") < _tailings(default, "IDN") < STAND_IN < _tailings(default, "ZAF") < _tailings(default, "AUS")


def test_chinese_coal_books_its_rejects_once_as_gangue(default: nx.DiGraph) -> None:
    """cn_coal_gangue_t_per_t already covers China's washery rejects: no second tailings stressor."""
    stressors = default.nodes["energy:coal:CHN"]["stressors"]
    assert "tailings" not in stressors and stressors["waste_rock"] == pytest.approx(0.15)


@pytest.mark.parametrize("stressor", ["tailings", "waste_rock"])
def test_a_users_table_may_leave_out_an_optional_stressor_and_a_bad_cell_is_located(tmp_path: Path,
                                                                                   stressor: str) -> None:
    path = tmp_path / "coal_mines.csv"
    path.write_text("country,name,overburden,source\nAUS,Coal,1.5,x\n", encoding="utf-8")
    G = nx.DiGraph()
    add_coal_mines(G, default_parameters(), path)
    assert stressor not in G.nodes["energy:coal:AUS"]["stressors"]
    path.write_text(f"country,name,overburden,{stressor},source\nAUS,Coal,1.5,,x\nIDN,Coal,1,-0.2,x\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        add_coal_mines(nx.DiGraph(), default_parameters(), path)
    assert (info.value.row, info.value.column) == (3, stressor)


FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")


@pytest.mark.skipif(not FINEPRINT.exists(), reason="shared FINEPRINT copy not available")
def test_the_committed_script_rederives_the_bundled_rejects() -> None:
    """tools/defaults/fp_coal_rejects.py on FINEPRINT final_2022-06 prints the values in parameters.csv."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "tools" / "defaults" / "fp_coal_rejects.py"
    out = subprocess.run([sys.executable, script.name, str(FINEPRINT)], cwd=script.parent, check=True,
                         capture_output=True, text=True).stdout
    lines = {line.split(":")[0]: line for line in out.splitlines()}
    assert "18 mines" in lines["AUS"] and "coal-weighted 0.269" in lines["AUS"] and "IQR 0.143-0.434" in lines["AUS"]
    assert "6 mines" in lines["IDN"] and "coal-weighted 0.020" in lines["IDN"] and "IQR 0.019-0.159" in lines["IDN"]
    assert "ROM 34.6 Mt, clean 23.7 Mt" in lines["ZAF"] and "coal-weighted 0.463" in lines["ZAF"]
    pool = lines["pool outside CHN"]
    assert "30 mines" in pool and "median 0.225 (IQR 0.125-0.434" in pool
    params = default_parameters()
    assert params.value("aus_coal_rejects_t_per_t") == 0.269 and params.value("coal_rejects_pool_t_per_t") == 0.225
