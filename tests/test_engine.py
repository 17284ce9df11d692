"""The engine against hand-solved networks, bad input, and random networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_networks import chain_network, random_network, recycling_network

from hfcommon.errors import InputError
from tracer.engine import (
    NonConvergentNetworkError,
    compile_network,
    make_solver,
    multipliers,
    solve,
    solver_for,
    spectral_radius,
)


def _x(compiled, method, fleet):
    return dict(zip(compiled.nodes, solve(compiled, compiled.demand(fleet), method), strict=True))


@pytest.mark.parametrize("method", ["lu", "propagation", "auto"])
def test_chain_activities_by_hand(method: str) -> None:
    c = compile_network(chain_network())
    x = _x(c, method, {"BEV": 10})
    assert x["BEV"] == pytest.approx(10)
    assert x["component:motor"] == pytest.approx(10)
    assert x["material:copper"] == pytest.approx(0.3)
    assert x["refining:cu"] == pytest.approx(0.315)
    assert x["mine:A"] == pytest.approx(0.189)
    assert x["mine:B"] == pytest.approx(0.126)


def test_chain_multipliers_by_hand() -> None:
    c = compile_network(chain_network())
    BL = multipliers(c)
    s = {name: i for i, name in enumerate(c.stressors)}
    bev = c.index["BEV"]
    # per BEV: 0.03 t copper; overburden 100 * 0.6 * 1.05 * 0.03
    assert BL[s["overburden"], bev] == pytest.approx(1.89)
    assert BL[s["used"], bev] == pytest.approx(0.03)
    assert BL[s["energy"], bev] == pytest.approx(30 * 1.05 * 0.03)
    assert BL[s["process_residue"], c.index["material:copper"]] == pytest.approx(0.2 * 1.05 + 0.05)
    assert c.stressor_unit("energy") == "GJ"


def test_recycling_loop_by_hand() -> None:
    c = compile_network(recycling_network())
    assert not c.is_acyclic
    x = _x(c, "auto", {"ICEV": 1})
    assert x["refining:cu"] == pytest.approx(1 / 0.85, rel=1e-12)
    assert x["recycling:cu"] == pytest.approx(0.3 / 0.85, rel=1e-12)
    assert x["mine:C"] == pytest.approx(0.8 / 0.85, rel=1e-12)
    with pytest.raises(ValueError, match="acyclic"):
        solve(c, c.demand({"ICEV": 1}), "propagation")


@pytest.mark.parametrize("gain_to_refinery", [2.0, 2.5])
def test_loop_gain_reaching_one_is_a_clear_error(gain_to_refinery: float) -> None:
    # gain 2.0 * 0.5 = 1: singular; 2.5 * 0.5 = 1.25: no non-negative solution.
    c = compile_network(recycling_network(gain_to_refinery=gain_to_refinery))
    with pytest.raises(NonConvergentNetworkError, match=r"refining:cu.*recycling:cu|recycling:cu.*refining:cu") as err:
        solver_for(c)
    assert "spectral radius" in str(err.value)
    assert isinstance(err.value, InputError)


def test_empty_network() -> None:
    with pytest.raises(InputError, match="empty"):
        compile_network(nx.DiGraph())


def test_unknown_vehicle_and_bad_counts() -> None:
    c = compile_network(chain_network())
    with pytest.raises(InputError, match="unknown vehicle 'TRUCK'"):
        c.demand({"TRUCK": 1})
    with pytest.raises(InputError, match="material:copper"):
        c.demand({"material:copper": 1})
    with pytest.raises(InputError, match=">= 0"):
        c.demand({"BEV": -1})
    with pytest.raises(InputError, match="finite"):
        c.demand({"BEV": float("nan")})


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda G: G.edges["mine:A", "refining:cu"].update(amount=-1.0), ">= 0"),
        (lambda G: G.edges["mine:A", "refining:cu"].update(amount=float("inf")), "finite"),
        (lambda G: G.edges["mine:A", "refining:cu"].update(amount="lots"), "number"),
        (lambda G: G.edges["mine:A", "refining:cu"].pop("amount"), "no 'amount'"),
        (lambda G: G.nodes["mine:A"].update(kind="quarry"), "kind 'quarry'"),
        (lambda G: G.nodes["mine:A"].update(stressors={"water": 1.0}), "unknown stressor 'water'"),
        (lambda G: G.nodes["mine:A"].update(stressors={"tailings": -3.0}), "mass and must be >= 0"),
    ],
)
def test_bad_network_input_names_the_culprit(edit, message: str) -> None:
    G = chain_network()
    edit(G)
    with pytest.raises(InputError, match=message):
        compile_network(G)


def test_solver_is_reusable_and_transpose_is_consistent() -> None:
    c = compile_network(recycling_network())
    solver = solver_for(c)
    Y = np.zeros((c.n, 3))
    Y[c.index["ICEV"], 0] = 1
    Y[c.index["ICEV"], 1] = 2
    Y[c.index["material:copper"], 2] = 5
    X = solver.solve(Y)
    np.testing.assert_allclose(X[:, 1], 2 * X[:, 0])
    np.testing.assert_allclose((sp.identity(c.n) - c.A) @ X, Y, atol=1e-12)
    B = c.B.toarray()
    W = solver.solve_transpose(B.T)
    np.testing.assert_allclose(W.T @ Y, B @ X, rtol=1e-12)


def test_with_values_rescales_and_keeps_structure() -> None:
    c = compile_network(chain_network())
    doubled = c.with_values(B=c.B * 2)
    np.testing.assert_allclose(multipliers(doubled), 2 * multipliers(c))
    looped = c.with_values(A=c.A + sp.csc_matrix(([0.5], ([c.index["refining:cu"]], [c.index["refining:cu"]])), shape=(c.n, c.n)))
    assert not looped.is_acyclic
    x = solve(looped, looped.demand({"BEV": 10}))
    assert x[looped.index["refining:cu"]] == pytest.approx(0.315 / 0.5)


def test_compiled_arrays_are_read_only() -> None:
    c = compile_network(chain_network())
    with pytest.raises(ValueError):
        c.kind[0] = "vehicle"
    with pytest.raises(ValueError):
        c.A.data[0] = 9.0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_lu_and_propagation_agree_on_random_acyclic_networks(seed: int) -> None:
    c = compile_network(random_network(seed))
    assert c.is_acyclic
    Y = np.zeros((c.n, len(c.vehicles)))
    for col, v in enumerate(c.vehicles):
        Y[c.index[v], col] = 1000.0 * (col + 1)
    lu, prop = make_solver(c.A, "lu"), make_solver(c.A, "propagation")
    X_lu, X_prop = lu.solve(Y), prop.solve(Y)
    np.testing.assert_allclose(X_lu, X_prop, rtol=1e-9, atol=1e-9 * np.abs(X_lu).max())
    B = c.B.toarray().T
    W_lu, W_prop = lu.solve_transpose(B), prop.solve_transpose(B)
    np.testing.assert_allclose(W_lu, W_prop, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(W_lu).max()))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), radius=st.floats(0.05, 0.95))
def test_random_cyclic_matrices_converge_below_radius_one_and_fail_above(seed: int, radius: float) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 12))
    M = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.5)
    M[np.arange(n), (np.arange(n) + 1) % n] = rng.uniform(0.1, 1, n)  # one big loop: irreducible
    M *= radius / spectral_radius(sp.csr_matrix(M))
    x = make_solver(sp.csc_matrix(M)).solve(np.ones(n))
    # the Neumann series, summed until it stops changing
    series, term = np.ones(n), np.ones(n)
    for _ in range(5000):
        term = M @ term
        series += term
    np.testing.assert_allclose(x, series, rtol=1e-8)
    with pytest.raises(NonConvergentNetworkError):
        make_solver(sp.csc_matrix(M * (1.0 / radius) * 1.05))


def test_propagation_blocks_hold_each_levels_rows_in_order() -> None:
    c = compile_network(chain_network())
    solver = solver_for(c, "propagation")
    csr = c.A.tocsr()
    for idx, block in zip(c.levels[1:], solver.row_blocks, strict=True):
        assert (block != csr[idx]).nnz == 0 and block.shape == (idx.size, c.n)
    transposed = c.A.T.tocsr()
    for idx, block in zip(c.levels[:-1], solver.col_blocks, strict=True):
        assert (block != transposed[idx]).nnz == 0
    Y = np.random.default_rng(0).random((c.n, 2))
    np.testing.assert_allclose(solver.solve_transpose(Y), solver_for(c, "lu").solve_transpose(Y), rtol=1e-13, atol=0)
