"""The Monte Carlo's shortcuts give the numbers of the plain computation (issue #13 item 1).

Twins summarised once, compiled sums and draws, medians without np.nanmedian: each is
pinned here against the computation it replaces.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from test_uncertainty import FLEET, small_network

from tracer.uncertainty import kernels, montecarlo
from tracer.uncertainty.distributions import _triangular_ppf
from tracer.uncertainty.statistics import _median_of_numbers
from tracer.uncertainty.twins import Twins


def _summaries_equal(a: montecarlo.ChunkSummary, b: montecarlo.ChunkSummary) -> None:
    assert a.first_block == b.first_block
    for field in ("counts", "s1", "s2", "hist"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)


@pytest.fixture(scope="module")
def setup() -> montecarlo.Setup:
    return montecarlo.with_grid(montecarlo.prepare(small_network(), seed=11, fleet=FLEET), 1000)


def test_twins_are_found_and_summarised_once_with_the_same_numbers(setup: montecarlo.Setup) -> None:
    twins = setup.twins
    assert twins is not None and twins.repeats.size > 0
    pilot = setup.indicators(0, montecarlo.PILOT)[: setup.keep.size]
    # each kept row's summary comes from a row with exactly its pilot values
    np.testing.assert_array_equal(pilot[twins.rows[twins.expand]], pilot)
    plain = dataclasses.replace(setup, twins=None)
    for first, n in ((0, 384), (3, 200)):
        _summaries_equal(setup.chunk(first, n), plain.chunk(first, n))


def test_a_false_twin_makes_the_chunk_summarise_every_row(setup: montecarlo.Setup) -> None:
    twins = setup.twins
    assert twins is not None
    # declare kept row 1 a twin of row 0 although their values differ in every draw
    values = setup.indicators(0, 256)
    assert not np.array_equal(values[0], values[1])
    expand = twins.expand.copy()
    expand[1] = expand[0]
    false = Twins(
        rows=twins.rows, cells=twins.cells, expand=expand,
        repeats=np.r_[twins.repeats, setup.keep[1]], originals=np.r_[twins.originals, setup.keep[0]],
    )  # fmt: skip
    lied = dataclasses.replace(setup, twins=false)
    plain = dataclasses.replace(setup, twins=None)
    _summaries_equal(lied.chunk(0, 256), plain.chunk(0, 256))


def _runs(rng: np.random.Generator, runs: int) -> tuple[np.ndarray, np.ndarray]:
    """Run number of each term (sorted) and the run boundaries."""
    length = rng.integers(1, 12, size=runs)
    return np.repeat(np.arange(runs), length), np.concatenate([[0], np.cumsum(length)]).astype(np.int64)


def _ones(run: np.ndarray, runs: int) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(run.size, dtype=np.float32), (run, np.arange(run.size))), shape=(runs, run.size))


def test_material_sums_kernel_gives_the_numpy_sums() -> None:
    rng = np.random.default_rng(1)
    run, starts = _runs(rng, 40)
    X = rng.lognormal(0, 2, size=(6, 3, 17)).astype(np.float32)
    Q = rng.lognormal(0, 2, size=(run.size, 17)).astype(np.float32)
    material = rng.integers(0, 6, size=run.size)
    targets = rng.permutation(50)[:40]
    out = np.full((50, 3, 17), np.nan, dtype=np.float32)
    kernels.material_sums(X, Q, material, starts, targets, out)
    terms = X[material] * Q[:, None, :]
    expected = (_ones(run, 40) @ terms.reshape(run.size, -1)).reshape(40, 3, 17)
    np.testing.assert_array_equal(out[targets], expected)
    assert np.isnan(np.delete(out, targets, axis=0)).all()  # other rows untouched


def test_sweep_kernel_adds_what_a_sparse_sum_adds() -> None:
    rng = np.random.default_rng(2)
    run, starts = _runs(rng, 30)
    values = rng.lognormal(0, 1, size=(80, 9)).astype(np.float32)
    value, source = rng.integers(0, 80, size=run.size), rng.integers(0, 30, size=run.size)
    X = rng.lognormal(0, 1, size=(60, 4, 9)).astype(np.float32)
    targets = 30 + np.arange(30)  # no target is a source, as in one generation of a DAG
    out = X.copy()
    kernels.sweep(values, value, source, starts, targets, X, out)
    expected = X.copy()
    terms = (X[source] * values[value][:, None, :]).reshape(run.size, -1)
    expected[targets] += (_ones(run, 30) @ terms).reshape(30, 4, 9)
    np.testing.assert_array_equal(out, expected)


def test_summed_products_kernel_is_scipy_csr_product() -> None:
    rng = np.random.default_rng(3)
    M = sp.random(20, 50, density=0.2, random_state=4, dtype=np.float32, format="csr")
    M.data[:] = 1.0
    # the last row gets a repeated entry (a cell named twice by the wiring)
    data, indices, indptr = np.r_[M.data, 1.0], np.r_[M.indices, M.indices[0]], np.r_[M.indptr[:-1], M.nnz + 1]
    M = sp.csr_matrix((data.astype(np.float32), indices, indptr), shape=M.shape)
    left, right = (rng.lognormal(0, 1, size=(70, 8)).astype(np.float32) for _ in range(2))
    left_row, right_row = rng.integers(0, 70, size=50), rng.integers(0, 70, size=50)
    got = kernels.summed_products(M.indptr, M.indices, M.data, left, left_row, right, right_row)
    np.testing.assert_array_equal(got, M @ (left[left_row] * right[right_row]))


def test_triangular_kernel_is_the_inverse_cdf() -> None:
    rng = np.random.default_rng(6)
    low = rng.uniform(0, 1, 40)
    high = low + rng.uniform(0.01, 2, 40)
    mode = low + (high - low) * rng.uniform(0, 1, 40)
    u = rng.random((40, 33), dtype=np.float32)
    got = np.empty((40, 33))
    kernels.triangular(low, mode, high, u, got)
    np.testing.assert_array_equal(got, _triangular_ppf(low[:, None], mode[:, None], high[:, None], u.astype(float)))


def test_gathered_rows_get_the_block_sums_of_those_rows() -> None:
    rng = np.random.default_rng(7)
    full = rng.lognormal(0, 1, size=(30, 128)).astype(np.float32)
    cells = np.array([3, 4, 9, 29, 0])
    shift = rng.lognormal(0, 1, size=5).astype(np.float32)
    out, s1, s2 = np.empty((5, 128), dtype=np.float32), np.empty(5), np.empty(5)
    kernels.gather_sums(full, cells, shift, out, s1, s2)
    np.testing.assert_array_equal(out, full[cells])
    t1, t2 = np.empty(5), np.empty(5)
    kernels.block_sums(full[cells], shift, t1, t2)
    np.testing.assert_allclose(s1, t1, rtol=1e-12)
    np.testing.assert_allclose(s2, t2, rtol=1e-12)
    d = (full[cells] - shift[:, None]).astype(np.float64)
    np.testing.assert_allclose(s1, d.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(s2, (d * d).sum(axis=1), rtol=1e-6)


def test_rows_equal_kernel() -> None:
    values = np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 3.0], [np.nan, 2.0], [np.nan, 2.0]], dtype=np.float32)
    assert kernels.rows_equal(values, np.array([1]), np.array([0]))
    assert not kernels.rows_equal(values, np.array([1, 2]), np.array([0, 0]))
    assert not kernels.rows_equal(values, np.array([4]), np.array([3]))  # NaN equals nothing


def test_median_of_numbers_is_nanmedian() -> None:
    rng = np.random.default_rng(5)
    for _ in range(100):
        x = rng.normal(size=(rng.integers(1, 9), rng.integers(1, 30))).astype(np.float32)
        x[rng.random(x.shape) < rng.random()] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
            expected = np.nanmedian(x, axis=1)
        np.testing.assert_array_equal(_median_of_numbers(x), np.where(np.isnan(expected), 0.0, expected))
