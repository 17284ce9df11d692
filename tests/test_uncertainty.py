"""Monte Carlo, distributions, batched model and sensitivity on small hand-built networks."""

from __future__ import annotations

import json
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from graphs.model import Distribution, add_flow, add_node
from hfcommon.errors import InputError
from hfcommon.vocabulary import HIDDEN_STRESSORS, MASS_STRESSORS
from tracer import api, attribution
from tracer.cli import app
from tracer.engine import compile_network, solve
from tracer.parallel import local_cluster
from tracer.uncertainty import batch, montecarlo, sensitivity
from tracer.uncertainty.distributed import dask_executor
from tracer.uncertainty.distributions import DistributionTable, check
from tracer.uncertainty.parameters import collect
from tracer.uncertainty.propagation import Propagation

FLEET = {"BEV": 10.0, "ICEV": 20.0}


def _node(G: nx.DiGraph, nid: str, kind: str, country: str = "CHN", mine_id: str | None = None, uncertain: dict | None = None, **st: float) -> None:
    add_node(
        G, nid, kind=kind, name=nid, country=country, unit="vehicle" if kind == "vehicle" else "t", mine_id=mine_id,
        stressors=st, stressor_sources={k: "test" for k in st}, stressor_uncertainty=uncertain or {},
    )  # fmt: skip


def _ln(value: float, sigma: float) -> Distribution:
    return Distribution("lognormal", (math.log(value), sigma))


def small_network(cyclic: bool = False) -> nx.DiGraph:
    """Two mines behind a copper market, a coal-fired grid, steel, two components, two vehicles."""
    G = nx.DiGraph()
    _node(G, "mine:a", "mine", "CHL", "a", {"overburden": _ln(50, 0.3)}, overburden=50.0, tailings=10.0)
    _node(G, "mine:b", "mine", "PER", "b", waste_rock=30.0, tailings=20.0)
    _node(G, "energy:grid", "energy", co2=0.2)
    _node(G, "mine:coal", "mine", "CHN", "coal", overburden=5.0)
    _node(G, "market:cu", "market", "WLD")
    _node(G, "smelting:cu", "smelting", process_residue=2.0, energy=10.0)
    _node(G, "material:copper", "material", used=1.0, process_residue=0.05)
    _node(G, "material:steel", "material", used=1.0)
    _node(G, "mine:fe", "mine", "AUS", "fe", overburden=3.0)
    _node(G, "component:motor", "component", process_residue=0.01)
    _node(G, "component:wire", "component")
    _node(G, "BEV", "vehicle", process_residue=0.02)
    _node(G, "ICEV", "vehicle")
    flows = [
        ("mine:a", "market:cu", 0.6, Distribution("triangular", (0.4, 0.6, 0.8))),
        ("mine:b", "market:cu", 0.4, Distribution("uniform", (0.3, 0.5))),
        ("mine:coal", "energy:grid", 0.1, None),
        ("market:cu", "smelting:cu", 1.1, Distribution("normal", (1.1, 0.05))),
        ("energy:grid", "smelting:cu", 3.0, _ln(3.0, 0.2)),
        ("energy:grid", "component:motor", 1.0, None),
        ("smelting:cu", "material:copper", 1.0, None),
        ("mine:fe", "material:steel", 1.6, _ln(1.6, 0.1)),
        ("material:copper", "component:motor", 0.05, _ln(0.05, 0.2)),
        ("material:copper", "component:wire", 0.02, None),
        ("material:steel", "component:motor", 0.03, None),
        ("component:wire", "component:motor", 1.0, None),
        ("component:motor", "BEV", 1.0, None),
        ("component:wire", "BEV", 1.0, None),
        ("material:steel", "BEV", 0.9, _ln(0.9, 0.1)),
        ("material:steel", "ICEV", 1.0, _ln(1.0, 0.1)),
        ("component:wire", "ICEV", 0.5, None),
        ("energy:grid", "ICEV", 2.0, None),
    ]
    if cyclic:  # secondary copper: part of the smelter's output comes back through scrap
        _node(G, "recycling:cu", "recycling", energy=2.0)
        flows += [("smelting:cu", "recycling:cu", 0.9, None), ("recycling:cu", "smelting:cu", 0.3, _ln(0.3, 0.2))]
    for supplier, consumer, amount, dist in flows:
        add_flow(G, supplier, consumer, amount, "test", dist)
    return G


def chain_network(sigmas: tuple[float, ...], medians: tuple[float, ...], overburden: float) -> nx.DiGraph:
    """mine -> beneficiation -> material -> vehicle, every amount lognormal: a closed-form product."""
    G = nx.DiGraph()
    _node(G, "mine:x", "mine", "CHL", "x", overburden=overburden)
    _node(G, "beneficiation:x", "beneficiation", "CHL", "x")
    _node(G, "material:x", "material", used=1.0)
    _node(G, "BEV", "vehicle")
    chain = ["mine:x", "beneficiation:x", "material:x", "BEV"]
    for (s, c), sigma, median in zip(zip(chain, chain[1:]), sigmas, medians, strict=True):
        add_flow(G, s, c, median, "test", _ln(median, sigma))
    return G


def _engine_value(flows: pd.DataFrame, split: str, group: str, stressor: str, vehicle: str) -> float:
    if stressor in ("tmr", "hidden"):
        f = flows[flows["stressor"].isin(MASS_STRESSORS if stressor == "tmr" else HIDDEN_STRESSORS)]
    else:
        f = flows[flows["stressor"] == stressor]
    if split != "total":
        labels = f[split].astype(str).replace("", attribution.NONE_LABEL)
        f = f[labels == group]
    if vehicle == batch.FLEET:
        return float(f["value"].sum())
    return float(f.loc[f["vehicle"].astype(str) == vehicle, "value"].sum()) / FLEET[vehicle]


@pytest.mark.parametrize("cyclic", [False, True])
def test_batch_model_at_nominal_equals_engine_attribution(cyclic: bool) -> None:
    G = small_network(cyclic)
    compiled = compile_network(G)
    model = batch.build(compiled, fleet=FLEET, mine_stressors=("hidden", "tmr"))
    assert (model.up.sweeps is None) == cyclic
    out = model.evaluate(compiled.A.data[:, None].astype(np.float32), compiled.B.data[:, None].astype(np.float32))
    flows = attribution.attribute(compiled, FLEET)
    checked = 0
    for r, row in model.rows.iterrows():
        for c, vehicle in enumerate(model.columns):
            expected = _engine_value(flows, row["split"], row["group"], row["stressor"], vehicle)
            assert out[r, c, 0] == pytest.approx(expected, rel=2e-5, abs=1e-9), (row.to_dict(), vehicle)
            checked += 1
    assert checked > 100
    # every split sums to its total
    for split in ("country", "stage", "mine", "material", "component"):
        for stressor in ("hidden", "tmr"):
            part = model.rows.index[(model.rows["split"] == split) & (model.rows["stressor"] == stressor)]
            total = model.rows.index[(model.rows["split"] == "total") & (model.rows["stressor"] == stressor)]
            np.testing.assert_allclose(out[part].sum(axis=0), out[total].sum(axis=0), rtol=1e-5)


def test_propagation_detects_cycle_and_solves_it() -> None:
    # x0 = 1 (demand); x1 = 0.5 x0 + 0.5 x2; x2 = 0.5 x1  -> x1 = 2/3, x2 = 1/3
    prop = Propagation.build(3, np.array([0, 1, 2]), np.array([0, 1, 2]), np.array([1, 2, 1]), ("a", "b", "c"))
    assert prop.sweeps is None
    values = np.full((3, 4), 0.5, dtype=np.float32)
    inject = np.zeros((3, 1, 4), dtype=np.float32)
    inject[0] = 1.0
    X = prop.run(values, inject)
    np.testing.assert_allclose(X[:, 0, 0], [1.0, 2 / 3, 1 / 3], rtol=1e-5)
    with pytest.raises(InputError, match="did not converge"):
        prop.run(np.full((3, 4), 1.0, dtype=np.float32), inject)


@pytest.mark.parametrize(
    "dist, message",
    [
        (Distribution("lognormal", (0.0, 0.0)), "sigma must be > 0"),
        (Distribution("normal", (1.0, 0.8)), "below zero"),
        (Distribution("triangular", (1.0, 1.0, 1.0)), "0 <= low < high"),
        (Distribution("uniform", (-1.0, 2.0)), "0 <= low < high"),
        ("lognormal(0, 1)", "graphs.model.Distribution"),
    ],
)
def test_invalid_distribution_is_a_clear_error(dist: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        check(dist, "edge mine:a -> market:cu")
    assert "edge mine:a -> market:cu" in str(info.value)


def test_invalid_distribution_on_the_network_names_the_edge() -> None:
    G = small_network()
    G.edges["mine:b", "market:cu"]["uncertainty"] = Distribution("normal", (0.4, 0.5))
    with pytest.raises(InputError, match="mine:b -> market:cu"):
        collect(G, compile_network(G))


def test_vectorised_sampling_and_inverse_cdf_match_scipy() -> None:
    dists = [
        Distribution("lognormal", (0.5, 0.4)),
        Distribution("normal", (10.0, 1.0)),
        Distribution("triangular", (1.0, 2.0, 5.0)),
        Distribution("uniform", (2.0, 3.0)),
    ]
    frozen = [
        stats.lognorm(s=0.4, scale=math.exp(0.5)),
        stats.norm(10.0, 1.0),
        stats.triang(c=0.25, loc=1.0, scale=4.0),
        stats.uniform(2.0, 1.0),
    ]
    table = DistributionTable.from_declared(dists, ["a", "b", "c", "d"])
    u = np.array([0.05, 0.3, 0.5, 0.9])
    got = table.ppf(np.tile(u, (4, 1)))
    for row, dist in enumerate(frozen):
        np.testing.assert_allclose(got[row], dist.ppf(u), rtol=1e-10)
    draws = table.sample(np.random.default_rng(3), 50_000)
    for row, dist in enumerate(frozen):
        assert stats.kstest(draws[row], dist.cdf).pvalue > 1e-3


def test_market_shares_stay_shares() -> None:
    G = small_network()
    compiled = compile_network(G)
    params = collect(G, compiled)
    a, _ = params.values(params.table.sample(np.random.default_rng(0), 500))
    market = compiled.index["market:cu"]
    lo, hi = compiled.A.indptr[market], compiled.A.indptr[market + 1]
    np.testing.assert_allclose(a[lo:hi].sum(axis=0), 1.0, rtol=1e-6)
    assert a[lo:hi].std(axis=1).min() > 0.01


def test_product_of_lognormals_matches_closed_form() -> None:
    sigmas, medians, b = (0.2, 0.3, 0.25), (20.0, 0.05, 1.5), 4.0
    G = chain_network(sigmas, medians, overburden=b)
    setup = montecarlo.prepare(G, seed=7, vehicles=["BEV"])
    result = montecarlo.run(setup, 40_960, chunk_size=1024)
    row = result.table.query("split == 'total' and stressor == 'overburden'").iloc[0]
    mu = math.log(b) + sum(math.log(m) for m in medians)
    sigma = math.sqrt(sum(s * s for s in sigmas))
    exact = stats.lognorm(s=sigma, scale=math.exp(mu))
    n = result.iterations
    assert row["nominal"] == pytest.approx(math.exp(mu), rel=1e-5)
    assert row["mean"] == pytest.approx(exact.mean(), abs=4 * exact.std() / math.sqrt(n))
    assert row["sd"] == pytest.approx(exact.std(), rel=0.03)
    for q in (5, 50, 95):
        # sampling error of a quantile: sqrt(q(1-q)/n) / density, four standard errors
        p = q / 100
        tolerance = 4 * math.sqrt(p * (1 - p) / n) / exact.pdf(exact.ppf(p))
        assert row[f"p{q}"] == pytest.approx(exact.ppf(p), abs=tolerance)
    assert result.outside_grid == 0


def test_same_seed_identical_for_any_chunk_size_and_worker_count() -> None:
    G = small_network()
    setup = montecarlo.prepare(G, seed=11, fleet=FLEET)
    reference = montecarlo.run(setup, 1000, chunk_size=128).table
    for chunk in (256, 640):
        pd.testing.assert_frame_equal(montecarlo.run(setup, 1000, chunk_size=chunk).table, reference, check_exact=True)
    with local_cluster(2) as client:
        distributed = montecarlo.run(setup, 1000, chunk_size=128, executor=dask_executor(client))
    assert distributed.workers == 2
    pd.testing.assert_frame_equal(distributed.table, reference, check_exact=True)
    other_seed = montecarlo.run(montecarlo.prepare(G, seed=12, fleet=FLEET), 1000, chunk_size=128).table
    assert not np.array_equal(other_seed["mean"].to_numpy(), reference["mean"].to_numpy())


def test_splits_of_the_mean_add_up_to_the_total() -> None:
    setup = montecarlo.prepare(small_network(), seed=3, fleet=FLEET, home="CHN")
    table = montecarlo.run(setup, 512, chunk_size=256).table
    fleet = table[(table["vehicle"] == "fleet") & (table["stressor"] == "tmr")]
    total = fleet.loc[fleet["split"] == "total", "mean"].item()
    for split in ("country", "stage", "material", "component"):
        assert fleet.loc[fleet["split"] == split, "mean"].sum() == pytest.approx(total, rel=1e-5)
    assert (table["p5"] <= table["p50"]).all() and (table["p50"] <= table["p95"]).all()
    totals = table[(table["vehicle"] == "fleet") & (table["split"] == "total")].set_index("stressor")
    assert totals.at["hidden_to_used", "nominal"] == pytest.approx(totals.at["hidden", "nominal"] / totals.at["used", "nominal"], rel=1e-6)
    assert totals.at["hidden_to_used", "unit"] == "t/t"
    engine = api.run(fleet=FLEET, network=small_network()).summary
    assert totals.at["hidden_abroad_share", "nominal"] == pytest.approx(engine["abroad_share"], rel=1e-5)
    assert 0 < totals.at["hidden_abroad_share", "p5"] < totals.at["hidden_abroad_share", "p95"] < 1


def test_bad_run_shapes_are_refused() -> None:
    setup = montecarlo.prepare(small_network(), seed=1, fleet=FLEET)
    with pytest.raises(InputError, match="multiple of"):
        montecarlo.run(setup, 1000, chunk_size=100)
    G = chain_network((0.1, 0.1, 0.1), (1.0, 1.0, 1.0), 1.0)
    for _, _, attrs in G.edges(data=True):
        attrs["uncertainty"] = None
    with pytest.raises(InputError, match="declares no uncertainty"):
        montecarlo.prepare(G, seed=1)


def test_tornado_ranks_the_widest_coefficient_first_and_sobol_agrees() -> None:
    # the first edge is far more uncertain than the others: it must dominate both measures
    G = chain_network((0.6, 0.05, 0.05), (20.0, 0.05, 1.5), 4.0)
    setup = montecarlo.prepare(G, seed=5, vehicles=["BEV"])
    headline = sensitivity.Headline.of(setup)
    tornado = sensitivity.tornado(setup, headline)
    top = tornado[tornado["indicator"] == "tmr"].iloc[0]
    assert top["parameter"] == "edge mine:x -> beneficiation:x"
    assert top["indicator_at_low"] < top["indicator_nominal"] < top["indicator_at_high"]
    sobol = sensitivity.sobol(setup, headline, n=256, seed=5)
    tmr = sobol[sobol["indicator"] == "tmr"].set_index("group")
    assert tmr["ST"].idxmax() == "mine -> beneficiation"
    assert tmr.loc["mine -> beneficiation", "S1"] > 0.8


def test_mc_cli_json_and_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(api, "default_network", lambda: small_network())
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series(FLEET))
    result = CliRunner().invoke(
        app, ["mc", "--iterations", "512", "--workers", "1", "--chunk-size", "256", "--seed", "4", "--json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["iterations"] == 512 and summary["seed"] == 4
    fleet_tmr = [r for r in summary["headline"] if r["vehicle"] == "fleet" and r["stressor"] == "tmr"]
    assert len(fleet_tmr) == 1 and fleet_tmr[0]["p5"] < fleet_tmr[0]["p50"] < fleet_tmr[0]["p95"]
    table = pd.read_parquet(tmp_path / "montecarlo.parquet")
    assert {"vehicle", "split", "group", "stressor", "unit", "mean", "sd", "p5", "p50", "p95"} <= set(table.columns)
    assert json.loads((tmp_path / "montecarlo.json").read_text())["iterations"] == 512
    ranges = json.loads((tmp_path / "ranges.json").read_text())["ranges"]
    assert ranges["total_tmr_t"][0] < fleet_tmr[0]["p50"] < ranges["total_tmr_t"][1]
    assert 0 < ranges["abroad_share"][0] < ranges["abroad_share"][1] < 1


def test_mc_cli_rejects_bad_chunk_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "default_network", lambda: small_network())
    result = CliRunner().invoke(app, ["mc", "--iterations", "512", "--workers", "1", "--chunk-size", "100"])
    assert result.exit_code != 0


def test_sensitivity_cli_json(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(api, "default_network", lambda: small_network())
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series(FLEET))
    result = CliRunner().invoke(app, ["sensitivity", "--samples", "64", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["tornado_top"] and summary["sobol"]
    assert (tmp_path / "tornado.parquet").exists() and (tmp_path / "sobol.parquet").exists()


def test_mine_sources_keep_every_draw_mass_consistent() -> None:
    g0, r0, s0, conc = 0.01, 0.9, 3.0, 4.0
    ore0 = 1.0 / (g0 * r0)
    G = nx.DiGraph()
    _node(G, "mine:m", "mine", "CHL", "m", overburden=s0)
    G.nodes["mine:m"].update(grade=g0, recovery=r0, strip_ratio=s0, resolution="mine")
    _node(G, "beneficiation:m", "beneficiation", "CHL", "m", tailings=ore0 - conc)
    _node(G, "material:cu", "material", used=1.0)
    _node(G, "BEV", "vehicle")
    add_flow(G, "mine:m", "beneficiation:m", ore0, "test")
    add_flow(G, "beneficiation:m", "material:cu", 1.0, "test")
    add_flow(G, "material:cu", "BEV", 0.08, "test")
    compiled = compile_network(G)
    params = collect(G, compiled)
    assert sorted(params.group) == ["ore grade at mine", "recovery at beneficiation", "strip ratio at mine"]
    draws = params.table.sample(np.random.default_rng(2), 2000)
    a, b = params.values(draws)
    g, r, s = (draws[params.names.index(f"mine m: {k}")] for k in ("grade", "recovery", "strip ratio"))
    ore = a[compiled.A.indptr[compiled.index["beneficiation:m"]]]
    np.testing.assert_allclose(ore, 1.0 / (g * r), rtol=1e-5)
    row = {s_: i for i, s_ in enumerate(compiled.stressors)}
    B = compiled.B.tocsr()

    def entry(stressor: str, node: str) -> int:
        lo, hi = B.indptr[row[stressor]], B.indptr[row[stressor] + 1]
        return lo + int(np.flatnonzero(B.indices[lo:hi] == compiled.index[node])[0])

    np.testing.assert_allclose(b[entry("overburden", "mine:m")], s, rtol=1e-5)
    np.testing.assert_allclose(b[entry("tailings", "beneficiation:m")] - ore, -conc, rtol=1e-4)
    assert (r <= 1.0).all() and np.corrcoef(1 / g, b[entry("tailings", "beneficiation:m")])[0, 1] > 0.9
    assert collect(G, compiled, assumptions=None).size == 0


def test_distribution_that_misses_its_own_value_is_flagged() -> None:
    G = small_network()
    G.edges["material:copper", "component:motor"]["uncertainty"] = Distribution("triangular", (10.0, 50.0, 80.0))
    params = collect(G, compile_network(G))
    assert len(params.warnings) == 1 and "material:copper -> component:motor" in params.warnings[0]
    assert "check the units" in params.warnings[0]


def test_box_muller_normals_are_standard_normal() -> None:
    from tracer.uncertainty.distributions import standard_normal

    z = standard_normal(np.random.Generator(np.random.SFC64(5)), (301, 1001)).ravel().astype(float)
    assert stats.kstest(z, "norm").pvalue > 1e-3
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert np.abs(z).max() <= 5.9
    pairs = z[: z.size // 2 * 2]
    assert abs(np.corrcoef(pairs[:-1], pairs[1:])[0, 1]) < 0.01


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_mines=st.integers(1, 6), n_materials=st.integers(1, 4), n_components=st.integers(1, 4))
def test_batch_totals_equal_engine_on_random_networks(seed: int, n_mines: int, n_materials: int, n_components: int) -> None:
    """Random layered supply chains (shared suppliers, sub-components): batch model == engine solve."""
    rng = np.random.default_rng(seed)
    G = nx.DiGraph()
    mines = [f"mine:{i}" for i in range(n_mines)]
    for m in mines:
        _node(G, m, "mine", str(rng.choice(["CHL", "AUS"])), m, overburden=float(rng.uniform(0, 10)), tailings=float(rng.uniform(0, 5)))
    _node(G, "energy:grid", "energy", co2=0.5)
    _node(G, "mine:coal", "mine", "CHN", "coal", overburden=2.0)
    add_flow(G, "mine:coal", "energy:grid", 0.01, "test")
    materials = [f"material:{i}" for i in range(n_materials)]
    for k, mat in enumerate(materials):
        _node(G, mat, "material", used=1.0, process_residue=float(rng.uniform(0, 0.2)))
        for m in rng.choice(mines, size=int(rng.integers(1, n_mines + 1)), replace=False):
            add_flow(G, str(m), mat, float(rng.uniform(0.1, 3)), "test", _ln(1.0, 0.1))
        if k % 2 == 0:
            add_flow(G, "energy:grid", mat, float(rng.uniform(1, 5)), "test")
    components = [f"component:{i}" for i in range(n_components)]
    for i, comp in enumerate(components):
        _node(G, comp, "component", process_residue=float(rng.uniform(0, 0.05)))
        for mat in rng.choice(materials, size=int(rng.integers(1, n_materials + 1)), replace=False):
            add_flow(G, str(mat), comp, float(rng.uniform(0.01, 0.5)), "test")
        if i and rng.random() < 0.5:
            add_flow(G, components[int(rng.integers(0, i))], comp, float(rng.uniform(0.1, 1)), "test")
    fleet = {}
    for v in ("BEV", "ICEV"):
        _node(G, v, "vehicle", process_residue=0.01)
        for comp in rng.choice(components, size=int(rng.integers(1, n_components + 1)), replace=False):
            add_flow(G, str(comp), v, float(rng.uniform(0.1, 2)), "test")
        add_flow(G, str(rng.choice(materials)), v, float(rng.uniform(0.1, 1)), "test")
        fleet[v] = float(rng.integers(1, 100))
    compiled = compile_network(G)
    model = batch.build(compiled, fleet=fleet)
    out = model.evaluate(compiled.A.data[:, None].astype(np.float32), compiled.B.data[:, None].astype(np.float32))[:, :, 0]
    y = np.zeros((compiled.n, len(model.columns)))
    for c, column in enumerate(model.columns):
        y[:, c] = compiled.demand(fleet) if column == batch.FLEET else compiled.demand({column: 1.0})
    flows = compiled.B @ solve(compiled, y)
    rows = model.rows
    for k, stressor in enumerate(compiled.stressors):
        r = rows.index[(rows["split"] == "total") & (rows["stressor"] == stressor)][0]
        np.testing.assert_allclose(out[r], flows[k], rtol=5e-5, atol=1e-9)
    tmr = rows.index[(rows["split"] == "total") & (rows["stressor"] == "tmr")][0]
    for split in ("country", "stage", "material", "component"):  # the mine split covers hidden flows only
        part = rows.index[(rows["split"] == split) & (rows["stressor"] == "tmr")]
        np.testing.assert_allclose(out[part].sum(axis=0), out[tmr], rtol=5e-5)


def test_mc_cli_chosen_percentiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "default_network", lambda: small_network())
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series(FLEET))
    args = ["mc", "-n", "256", "--workers", "1", "--chunk-size", "128", "--percentile", "2.5", "--percentile", "97.5", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)["headline"][0]
    assert row["p2.5"] < row["p97.5"] and "p5" not in row
    bad = CliRunner().invoke(app, ["mc", "-n", "256", "--workers", "1", "--percentile", "100"])
    assert bad.exit_code != 0


def test_mc_cli_on_an_existing_scheduler_equals_single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "default_network", lambda: small_network())
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series(FLEET))
    args = ["mc", "-n", "384", "--chunk-size", "128", "--seed", "9", "--json"]
    alone = CliRunner().invoke(app, [*args, "--workers", "1"])
    with local_cluster(1) as client:
        remote = CliRunner().invoke(app, [*args, "--scheduler", client.scheduler.address])
    assert alone.exit_code == 0 and remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout)["headline"] == json.loads(alone.stdout)["headline"]


def test_distribution_on_a_zero_coefficient_is_ignored_with_a_warning() -> None:
    G = small_network()
    G.nodes["mine:b"]["stressors"]["overburden"] = 0.0
    G.nodes["mine:b"]["stressor_sources"]["overburden"] = "test"
    G.nodes["mine:b"]["stressor_uncertainty"]["overburden"] = Distribution("uniform", (0.0, 1.0))
    G.add_edge("mine:fe", "component:wire", amount=0.0, source="test", uncertainty=Distribution("uniform", (0.0, 0.1)))
    compiled = compile_network(G)
    params = collect(G, compiled)
    assert not any("mine:b: overburden" in n or "mine:fe -> component:wire" in n for n in params.names)
    ignored = [w for w in params.warnings if "coefficient of 0" in w]
    assert len(ignored) == 2
    a, b = params.values(params.table.sample(np.random.default_rng(1), 64))
    assert a.shape == (compiled.A.nnz, 64) and b.shape == (compiled.B.nnz, 64)


def test_accumulator_is_order_independent_and_never_guesses_outside_its_grid() -> None:
    from tracer.uncertainty.kernels import block_sums
    from tracer.uncertainty.statistics import (
        BINS,
        Accumulator,
        ChunkSummary,
        Grid,
        histogram,
        percentiles,
    )

    def block_moments(part: np.ndarray, ref: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        starts = range(0, part.shape[1], block)
        s1, s2 = np.empty((len(starts), part.shape[0])), np.empty((len(starts), part.shape[0]))
        for i, start in enumerate(starts):
            block_sums(np.ascontiguousarray(part[:, start : start + block]), ref.astype(part.dtype), s1[i], s2[i])
        return np.array([min(block, part.shape[1] - start) for start in starts]), s1, s2

    rng = np.random.default_rng(0)
    values = np.exp(rng.normal(0, 0.3, size=(3, 1024))).astype(np.float32)
    ref = np.ones(3)
    grid = Grid.from_pilot(values[:, :256], ref)
    summaries = []
    for first in range(0, 1024, 256):
        part = values[:, first : first + 256]
        counts, s1, s2 = block_moments(part, ref, 128)
        summaries.append(ChunkSummary(first // 128, counts, s1, s2, histogram(part, grid)))
    forward, backward = Accumulator(ref, grid), Accumulator(ref, grid)
    for summary in summaries:
        forward.add(summary)
    for summary in reversed(summaries):
        backward.add(summary)
    assert forward.complete and backward.complete and forward.n == 1024
    np.testing.assert_array_equal(forward.mean(), backward.mean())
    np.testing.assert_array_equal(forward.sd(), backward.sd())
    np.testing.assert_allclose(forward.mean(), values.mean(axis=1), rtol=1e-6)
    got, outside = forward.percentiles((5.0, 50.0, 95.0))
    assert outside == 0
    np.testing.assert_allclose(got, np.percentile(values, [5, 50, 95], axis=1), rtol=0.01)
    hist = np.zeros((1, BINS + 2), dtype=np.int64)
    hist[0, -1] = 10  # everything above the grid
    value, outside = percentiles(hist, Grid(np.zeros(1), np.ones(1)), (50.0,))
    assert np.isnan(value[0, 0]) and outside == 1


def test_default_site_spreads_are_the_assumptions_table_rows() -> None:
    """A42-A46 set the spreads of values without a sample: one mine's year-to-year spread in FINEPRINT
    2000-2020 (tools/defaults/fp_year_spread.py: strip 0.339 over 88 mines, grade 0.183 over 118) and the
    rest-of-country assumptions; each lies inside its row's range."""
    from hfcommon.assumptions import load_assumptions
    from tracer.uncertainty.sources import SPREAD_ASSUMPTIONS, SourceAssumptions

    table = load_assumptions()
    spreads = SourceAssumptions()
    assert dict(spreads.strip_sigma) == {"mine": 0.34, "rest_of_country": 0.50}
    assert dict(spreads.grade_sigma) == {"mine": 0.18, "rest_of_country": 0.30}
    assert spreads.recovery_half_width == 0.05
    for (variable, resolution), assumption_id in SPREAD_ASSUMPTIONS.items():
        row = table[assumption_id]
        low, high = row.bounds  # type: ignore[misc]
        assert row.scope == "mine_db" and low <= float(row.value) <= high, assumption_id
