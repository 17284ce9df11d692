"""Diesel per t of rock moved follows each draw's rock moved (tracer.uncertainty.moved), checked by hand."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from graphs.fuels import BASIS_ATTR, MOVED_STRESSORS, rock_moved_per_t_ore
from graphs.model import Distribution, add_flow, add_node
from tracer import api
from tracer.engine import compile_network
from tracer.uncertainty import montecarlo
from tracer.uncertainty.moved import MovedFuel, _rock_moved
from tracer.uncertainty.parameters import collect

G0, R0, S0, WASTE, CONC = 0.01, 0.9, 3.0, 0.5, 4.0
RATE = 0.02
"""GJ diesel per t of rock moved."""
CO2_PER_GJ = 0.0741
CU_PER_BEV = 0.08
ORE0 = 1.0 / (G0 * R0)


def _node(G: nx.DiGraph, nid: str, kind: str, uncertain: dict | None = None, **stressors: float) -> None:
    add_node(G, nid, kind=kind, name=nid, country="CHL", unit="vehicle" if kind == "vehicle" else "t", mine_id="m",
             stressors=stressors, stressor_sources={k: "test" for k in stressors},
             stressor_uncertainty=uncertain or {})  # fmt: skip


def diesel_mine(basis: str | None = "moved", uncertain: dict | None = None) -> nx.DiGraph:
    """One open pit (strip ratio 3 as overburden, 0.5 waste rock per t ore) burning diesel per t of rock moved."""
    G = nx.DiGraph()
    _node(G, "mine:m", "mine", uncertain, overburden=S0, waste_rock=WASTE)
    G.nodes["mine:m"].update(grade=G0, recovery=R0, strip_ratio=S0, resolution="mine")
    _node(G, "beneficiation:m", "beneficiation", tailings=ORE0 - CONC)
    _node(G, "energy:diesel:CHL", "energy", co2=CO2_PER_GJ)
    _node(G, "material:cu", "material", used=1.0)
    _node(G, "BEV", "vehicle")
    moved = rock_moved_per_t_ore(G.nodes["mine:m"])
    assert moved == 1.0 + S0 + WASTE
    add_flow(G, "energy:diesel:CHL", "mine:m", RATE * moved, "test",
             Distribution("triangular", (0.5 * RATE * moved, RATE * moved, 2 * RATE * moved)))
    if basis is not None:
        G.edges["energy:diesel:CHL", "mine:m"][BASIS_ATTR] = basis
    add_flow(G, "mine:m", "beneficiation:m", ORE0, "test")
    add_flow(G, "beneficiation:m", "material:cu", 1.0, "test")
    add_flow(G, "material:cu", "BEV", CU_PER_BEV, "test")
    return G


def _doubled_strip(params) -> np.ndarray:
    """Two draws: every parameter at its nominal, then the same with the strip ratio doubled."""
    draws = np.repeat(params.nominal[:, None], 2, axis=1).astype(np.float32)
    draws[params.names.index("mine m: strip ratio"), 1] = 2 * S0
    return draws


def test_doubling_the_strip_ratio_moves_the_diesel_and_its_co2_by_hand() -> None:
    G = diesel_mine()
    setup = montecarlo.prepare(G, seed=1, fleet={"BEV": 1.0})
    params = setup.params
    a, b = params.values(_doubled_strip(params))
    diesel = setup.params.moved.fuel_pos
    # by hand: 0.02 GJ/t moved x (1 + 3 + 0.5) = 0.09 GJ/t ore; overburden doubled: x (1 + 6 + 0.5) = 0.15
    np.testing.assert_allclose(a[diesel[0]], [0.09, 0.15], rtol=1e-6)
    out = setup.model.evaluate(a, b)
    rows = setup.model.rows
    co2 = int(np.flatnonzero((rows["split"] == "total").to_numpy() & (rows["stressor"] == "co2").to_numpy())[0])
    overburden = int(np.flatnonzero((rows["split"] == "total").to_numpy() & (rows["stressor"] == "overburden").to_numpy())[0])
    bev = list(setup.model.columns).index("BEV")
    ore_per_bev = CU_PER_BEV * ORE0  # 8.889 t ore per car
    np.testing.assert_allclose(out[overburden, bev], [ore_per_bev * 3.0, ore_per_bev * 6.0], rtol=1e-5)
    # 8.889 t ore x 0.09 GJ x 0.0741 t/GJ = 0.05928 t CO2; with twice the overburden 0.09880 t
    np.testing.assert_allclose(out[co2, bev], [0.0592800, 0.0988000], rtol=1e-5)


def test_a_drawn_rate_and_a_drawn_strip_ratio_multiply() -> None:
    G = diesel_mine()
    params = collect(G, compile_network(G))
    draws = _doubled_strip(params)
    rate_row = params.names.index("edge energy:diesel:CHL -> mine:m")
    draws[rate_row] = 2 * RATE * 4.5  # the rate drawn at twice its value, on the compiled rock moved
    a, _ = params.values(draws)
    np.testing.assert_allclose(a[params.moved.fuel_pos[0]], [2 * RATE * 4.5, 2 * RATE * 7.5], rtol=1e-6)


def test_a_declared_waste_rock_distribution_moves_the_diesel_too() -> None:
    G = diesel_mine(uncertain={"waste_rock": Distribution("lognormal", (math.log(WASTE), 0.5))})
    params = collect(G, compile_network(G))
    draws = np.repeat(params.nominal[:, None], 2, axis=1).astype(np.float32)
    draws[params.names.index("node mine:m: waste_rock"), 1] = 2.5
    a, _ = params.values(draws)
    np.testing.assert_allclose(a[params.moved.fuel_pos[0]], [RATE * 4.5, RATE * 6.5], rtol=1e-6)


def test_fuel_per_unit_of_output_and_fixed_stripping_stay_bit_identical() -> None:
    """An edge without the `moved` basis, or a mine whose stripping is fixed, keeps exactly its drawn value."""
    for G, assumptions in ((diesel_mine(basis=None), True), (diesel_mine(), False)):
        compiled = compile_network(G)
        params = collect(G, compiled) if assumptions else collect(G, compiled, assumptions=None)
        assert params.moved is None
        draws = params.table.sample(np.random.default_rng(3), 256)
        a, _ = params.values(draws)
        np.testing.assert_array_equal(a[params.a_position], draws[params.a_params])


def test_mc_with_moved_diesel_is_reproducible_across_chunks_and_follows_the_strip_ratio() -> None:
    setup = montecarlo.prepare(diesel_mine(), seed=7, fleet={"BEV": 1.0})
    one = montecarlo.run(setup, 512, chunk_size=128).table
    other = montecarlo.run(setup, 512, chunk_size=256).table
    np.testing.assert_array_equal(one[["mean", "sd", "p5", "p50", "p95"]], other[["mean", "sd", "p5", "p50", "p95"]])
    draws = setup.draws(0, 512)
    a, b = setup.params.values(draws)
    overburden = b[setup.params.mines.strip_pos[0]]
    rate = draws[setup.params.names.index("edge energy:diesel:CHL -> mine:m")] / 4.5
    np.testing.assert_allclose(a[setup.params.moved.fuel_pos[0]], rate * (1 + overburden + WASTE), rtol=1e-5)


def test_default_network_mine_diesel_is_marked_per_t_moved() -> None:
    G = api.default_network()
    diesel = [(u, v) for u, v in G.edges if u.startswith("energy:diesel:") and G.nodes[v]["kind"] == "mine"]
    assert diesel and all(G.edges[e].get(BASIS_ATTR) == "moved" for e in diesel)
    params = collect(G, compile_network(G))
    assert params.moved is not None and params.moved.fuel_pos.size >= 0.9 * len(diesel)
    assert params.moved.moved_pos.shape[1] == len(MOVED_STRESSORS)


def test_the_kernel_scales_exactly_as_the_numpy_formula() -> None:
    """The compiled scaling adds in float32 in numpy's order: bit-identical, and exactly 1 at the compiled values."""
    rng = np.random.default_rng(5)
    b = rng.uniform(0, 10, (6, 128)).astype(np.float32)
    moved_pos = np.array([[0, -1], [-1, 1], [2, 3], [-1, -1]])
    fuel_pos = np.array([4, 0, 2, 5])
    moved0 = _rock_moved(moved_pos, b[:, :1])[:, 0]
    a = rng.uniform(0, 1, (7, 128)).astype(np.float32)
    expected = a.copy()
    expected[fuel_pos] *= _rock_moved(moved_pos, b) / moved0[:, None]
    MovedFuel(fuel_pos, moved_pos, moved0).apply(a, b)
    np.testing.assert_array_equal(a, expected)
    at_compiled = np.ones((7, 1), dtype=np.float32)
    MovedFuel(fuel_pos, moved_pos, moved0).apply(at_compiled, b[:, :1])
    assert (at_compiled == 1.0).all()
