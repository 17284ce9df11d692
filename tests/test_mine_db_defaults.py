"""Sourced defaults by commodity, method and deposit type, and fills that respect their kind of mine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hfcommon.assumptions import assumption_ids
from hfcommon.errors import InputError
from mine_db import commodities
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])


@pytest.mark.parametrize("code", commodities.CODES)
def test_every_commodity_and_method_has_a_sourced_default(code: str) -> None:
    methods = ["surface", "underground"] + (["brine"] if commodities.get(code).has_brine else [])
    for method in methods:
        for variable in commodities.VARIABLES:
            row = commodities.default(code, method, None, variable)
            assert len(row.source) > 10 and len(row.where_read) > 5


def test_every_assumption_is_in_the_one_assumptions_table() -> None:
    listed = assumption_ids("mine_db")
    rows = commodities.coefficients()
    cited = {r.assumption_id for r in rows if r.assumption_id}
    assert cited and cited <= listed
    assert all(r.assumption_id for r in rows if r.quality == "assumption")
    # a value with no document behind it is an assumption with a range, never a bare number
    for r in rows:
        assert r.quality != "assumption" or (r.low is not None and r.high is not None)


def test_the_most_specific_default_wins() -> None:
    d = commodities.default
    assert d("copper", "surface", None, "strip_ratio").value == 2.04  # 22 FINEPRINT pits
    assert d("copper", "surface", "porphyry", "strip_ratio").value == 1.40
    assert d("copper", "surface", "sediment_hosted", "strip_ratio").value == 4.50
    assert d("copper", "underground", "porphyry", "strip_ratio").value == 0.2733  # the all-commodity row (6 mines)
    assert d("copper", "surface", None, "strip_ratio").commodity == "copper"  # the commodity's own row first
    assert d("lead", "underground", None, "strip_ratio").value == 0.2733  # no lead row of its own: all mines
    assert d("nickel", "surface", "laterite", "grade").value == 0.01263
    assert d("nickel", "underground", "sulphide", "grade").value == 0.0100
    assert d("bauxite", "surface", None, "strip_ratio").assumption_id == "A38"
    assert d("manganese", "surface", None, "strip_ratio").assumption_id == "A31"


def test_a_range_gives_the_spread_and_weak_values_say_so() -> None:
    porphyry = commodities.default("copper", "surface", "porphyry", "strip_ratio")
    assert porphyry.sigma == pytest.approx(np.log(4.43 / 0.37) / (2 * 1.645))
    clay = commodities.default("rare_earths", "surface", "ion_adsorption_clay", "grade")
    assert clay.quality == "weak" and clay.citation.startswith("WEAK: ")


def test_a_bad_defaults_row_names_file_row_and_column(tmp_path: Path) -> None:
    text = commodities.COEFFICIENT_TABLE.read_text()
    header, first, *rest = text.splitlines()
    bad = tmp_path / "defaults.csv"
    # a value outside its own published range
    bad.write_text("\n".join([header, first, first.replace(",2.8,0.35,6.12,", ",9.0,0.35,6.12,")]) + "\n")
    with pytest.raises(InputError) as err:
        commodities.read_coefficients(bad)
    assert (err.value.file, err.value.row) == (str(bad), 3)
    assert err.value.column == "value"
    # an assumption id that is not a mine_db row of the one assumptions table (A14 is a stock row)
    cites = next(line for line in rest if ",A38," in line)
    bad.write_text("\n".join([header, first, cites.replace(",A38,", ",A14,")]) + "\n")
    with pytest.raises(InputError, match="not a mine_db row") as err:
        commodities.read_coefficients(bad)
    assert (err.value.file, err.value.row, err.value.column) == (str(bad), 3, "assumption_id")


def _sites(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["mine_id", "country", "commodity", "mine_type", "deposit_type", "metal_t",
                                     "strip_ratio"])
    df = df.assign(name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    return fill_gaps(validate(df, "kinds.csv"), NO_NATIONAL).set_index("mine_id")


def test_a_typed_row_fills_from_its_own_kind_first() -> None:
    porphyries = [(f"P{i}", "Chile", "copper", "open_pit", "porphyry", 100.0, float(i)) for i in range(1, 6)]
    sediments = [(f"S{i}", "Zambia", "copper", "open_pit", "sediment_hosted", 100.0, 10.0) for i in range(1, 3)]
    out = _sites([*porphyries, *sediments,
                  ("PX", "Peru", "copper", "open_pit", "porphyry", 10.0, None),
                  ("SX", "Zambia", "copper", "open_pit", "sediment_hosted", 10.0, None),
                  ("UX", "Peru", "copper", "open_pit", None, 10.0, None)])
    # five porphyries anywhere: the porphyry global mean (3), not the mix with the Copperbelt pits
    assert out.loc["PX", ["strip_ratio", "strip_ratio_fill", "strip_ratio_fill_n"]].tolist() == [3.0, "global", 5]
    assert out.loc["PX", "strip_ratio_fill_group"] == "strip_ratio|global|copper|surface|porphyry|*"
    # two sediment-hosted pits are no sample of their kind: the wider sample (Zambia's 2 pooled with 7 pits)
    world = (500 * 3.0 + 200 * 10.0) / 700
    pooled = (2 * 10.0 + 5 * world) / (2 + 5)
    assert out.loc["SX", ["strip_ratio", "strip_ratio_fill"]].tolist() == [pytest.approx(pooled), "pooled"]
    assert out.loc["SX", "strip_ratio_fill_group"] == "strip_ratio|pooled|copper|surface|*|ZMB"
    # a row of unknown type takes the whole surface copper sample
    assert out.loc["UX", ["strip_ratio", "strip_ratio_fill", "strip_ratio_fill_n"]].tolist() == [
        pytest.approx(world), "global", 7]


def test_the_default_tier_is_deposit_specific_with_its_range() -> None:
    out = _sites([("L", "Indonesia", "nickel", "open_pit", "laterite", 10.0, None),
                  ("S", "Canada", "nickel", "underground", "sulphide", 10.0, None)])
    assert out.loc["L", ["grade", "grade_fill", "grade_fill_n"]].tolist() == [0.01263, "default", 38]
    assert out.loc["L", "grade_fill_sigma"] == pytest.approx(np.log(0.01825 / 0.00906) / (2 * 1.645))
    assert out.loc["L", "grade_fill_group"] == "grade|default|nickel|surface|laterite"
    assert out.loc["S", ["grade", "grade_fill_group"]].tolist() == [0.0100, "grade|default|nickel|*|sulphide"]
    # the laterite pit takes the nickel laterite pits' own strip ratio (tools/defaults/strip_reads.csv)
    assert out.loc["L", ["strip_ratio", "strip_ratio_fill_group"]].tolist() == [1.0,
                                                                              "strip_ratio|default|nickel|surface|laterite"]


def test_an_unknown_deposit_type_is_refused() -> None:
    with pytest.raises(InputError) as err:
        _sites([("X", "Chile", "copper", "open_pit", "volcanic", 10.0, None)])
    assert (err.value.file, err.value.row, err.value.column) == ("kinds.csv", 2, "deposit_type")


def test_bundled_deposit_types_cite_their_source_and_reach_the_rows() -> None:
    from mine_db.default import load_default, read_deposit_types

    types = read_deposit_types()
    assert types["source"].str.len().gt(20).all() and types["where_read"].str.len().gt(10).all()
    shipped = load_default().set_index("mine_id")
    assert shipped.loc["cod-rest-copper", "deposit_type"] == "sediment_hosted"
    assert shipped.loc["idn-rest-nickel", "deposit_type"] == "laterite"
    assert shipped.loc["chl-escondida-copper", "deposit_type"] == "porphyry"


def test_default_fills_carry_their_coefficient_and_the_mc_brackets_the_nominal() -> None:
    """Every default-filled row carries its coefficient's range as spread (one shared unknown per
    coefficient), and on the default fleet the nominal hidden flows and TMR lie inside p5-p95."""
    import json

    from typer.testing import CliRunner

    from mine_db.default import load_default
    from tracer.cli import app

    shipped = load_default()
    # rows sharing an ore body take their strip ratio from it (mine_db.allocation)
    alone = shipped["byproduct_host"].isna() & shipped["coproduct_group"].isna()
    on_default = shipped[(shipped["strip_ratio_fill"] == "default") & alone]
    assert len(on_default) > 100
    for row in on_default.itertuples():
        method = "underground" if row.mine_type == "underground" else "brine" if row.mine_type == "brine" else "surface"
        coefficient = commodities.default(row.commodity, method, row.deposit_type, "strip_ratio")
        value, sigma = coefficient.value, coefficient.sigma
        if row.strip_ratio_fill_group.endswith("|pooled"):  # fewer than five mines: shrunk toward the wider sample
            wider = commodities.wider_default(method, "strip_ratio")
            value = (coefficient.n * value + 5 * wider.value) / (coefficient.n + 5)
            sigma = wider.sigma
        assert row.strip_ratio == pytest.approx(value)  # allocation recomputes waste / ore
        np.testing.assert_allclose(row.strip_ratio_fill_sigma, np.nan if sigma is None else sigma, equal_nan=True)
    result = CliRunner().invoke(app, ["mc", "--iterations", "512", "--workers", "1", "--chunk-size", "256",
                                      "--seed", "2", "--json"])
    assert result.exit_code == 0, result.output
    totals = [r for r in json.loads(result.stdout)["headline"]
              if r["split"] == "total" and r["stressor"] in ("hidden", "tmr")]
    assert len(totals) >= 4
    for r in totals:
        assert r["p5"] <= r["nominal"] <= r["p95"], r


def _two_mines_on_one_strip_fill(**fill: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Waste rock of two mines (strip 2.8 and 0.7) on one strip-ratio fill, over 20,000 draws; parameter names."""
    import networkx as nx

    from graphs.model import add_flow, add_node
    from tracer.engine import compile_network
    from tracer.uncertainty.parameters import collect

    G = nx.DiGraph()
    add_node(G, "material:cu", kind="material", name="cu", country="CHN", unit="t", stressors={"used": 1.0},
             stressor_sources={"used": "test"})
    add_node(G, "BEV", kind="vehicle", name="BEV", country="CHN", unit="vehicle")
    for mine, strip in (("p", 2.8), ("q", 0.7)):
        add_node(G, f"mine:{mine}", kind="mine", name=mine, country="CHL", unit="t", mine_id=mine,
                 stressors={"waste_rock": strip}, stressor_sources={"waste_rock": "test"}, grade=0.01, recovery=0.9,
                 strip_ratio=strip, resolution="mine", strip_ratio_fill_group="strip_ratio|default|all|surface|*",
                 **fill)
        add_node(G, f"beneficiation:{mine}", kind="beneficiation", name=mine, country="CHL", unit="t", mine_id=mine,
                 stressors={"tailings": 100.0}, stressor_sources={"tailings": "test"})
        add_flow(G, f"mine:{mine}", f"beneficiation:{mine}", 1 / 0.009, "test")
        add_flow(G, f"beneficiation:{mine}", "material:cu", 0.5, "test")
    add_flow(G, "material:cu", "BEV", 0.08, "test")
    compiled = compile_network(G)
    params = collect(G, compiled)
    _, b = params.values(params.table.sample(np.random.default_rng(3), 20_000))
    row = compiled.stressors.index("waste_rock")
    B = compiled.B.tocsr()
    p, q = (B.indptr[row] + int(np.flatnonzero(B.indices[B.indptr[row]:B.indptr[row + 1]]
                                               == compiled.index[f"mine:{m}"])[0]) for m in ("p", "q"))
    return b[p].astype(float), b[q].astype(float), list(params.names)


def test_rows_sharing_a_fill_move_by_one_ratio_around_their_own_nominal() -> None:
    """A fill with no sample size (one unknown): one draw moves both rows by the same ratio, and a
    row whose nominal differs from the group's (a by-product after allocation) stays centred on its own."""
    p, q, names = _two_mines_on_one_strip_fill(strip_ratio_fill_sigma=0.5)
    assert names.count("fill strip_ratio|default|all|surface|*") == 1
    np.testing.assert_allclose(p / 2.8, q / 0.7, rtol=1e-5)  # one unknown, one ratio
    assert q.mean() == pytest.approx(0.7, rel=0.03)  # centred on its own nominal, not the group's 2.8


def test_a_sampled_fill_is_a_shared_mean_times_each_rows_own_departure() -> None:
    """Mean of n = 4 mines with spread 0.5: the shared mean has sigma 0.5 / 2, each row its own 0.5, so a
    row spreads by 0.5 sqrt(1 + 1/4) and two rows correlate (in logs) by 1 / (n + 1) = 0.2."""
    p, q, names = _two_mines_on_one_strip_fill(strip_ratio_fill_sigma=0.5, strip_ratio_fill_n=4)
    assert names.count("fill strip_ratio|default|all|surface|*") == 1
    assert sum(name.startswith("mine ") and "within" in name for name in names) == 2
    assert np.log(p).std() == pytest.approx(0.5 * np.sqrt(1.25), rel=0.03)
    assert np.corrcoef(np.log(p), np.log(q))[0, 1] == pytest.approx(0.2, abs=0.03)
    assert p.mean() == pytest.approx(2.8, rel=0.03) and q.mean() == pytest.approx(0.7, rel=0.03)


def test_the_default_network_draws_a_sampled_fill_mean_with_its_standard_error() -> None:
    """The sample size reaches the Monte Carlo: the shared draw of the surface-mine strip-ratio default
    (85 FINEPRINT mines) spreads by sigma / sqrt(85), and each row on it has its own departure draw."""
    import graphs
    from tracer.engine import compile_network
    from tracer.uncertainty.parameters import collect

    G = graphs.build_default_network()
    group = "strip_ratio|default|all|surface|*"
    on_fill = [a for _, a in G.nodes(data=True) if a.get("kind") == "mine" and a.get("strip_ratio_fill_group") == group]
    assert on_fill and all(a["strip_ratio_fill_n"] == 85 for a in on_fill)
    sigma = on_fill[0]["strip_ratio_fill_sigma"]
    params = collect(G, compile_network(G))
    assert params.table.b[params.names.index(f"fill {group}")] == pytest.approx(sigma / np.sqrt(85))
    assert sum(name.endswith(f"within {group}") for name in params.names) >= len(on_fill) // 2


def test_the_default_table_read_without_geopandas_equals_the_geoparquet_read() -> None:
    """load_default skips the geometry column (it only repeats latitude/longitude): same table, same dtypes."""
    from mine_db.default import PARQUET, load_default
    from mine_db.loaders import read_table

    shipped = load_default()
    assert "geometry" not in shipped.columns and len(shipped) > 500
    pd.testing.assert_frame_equal(shipped, read_table(PARQUET), check_exact=True)
