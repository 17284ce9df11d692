"""The Monte Carlo's shortcuts give the numbers of the plain computation (issue #13 item 1).

Twins summarised once, runs summed a block at a time, medians without np.nanmedian,
block moments in float32: each is pinned here against the computation it replaces.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from test_uncertainty import FLEET, small_network

from tracer.uncertainty import montecarlo
from tracer.uncertainty.propagation import RUN_BLOCK, SegmentSum
from tracer.uncertainty.statistics import _median_of_numbers, block_moments
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


@pytest.mark.parametrize("runs", [7, RUN_BLOCK + 5, 3 * RUN_BLOCK])
def test_segment_sum_adds_each_run_in_order_like_a_sparse_sum(runs: int) -> None:
    rng = np.random.default_rng(runs)
    length = rng.integers(1, 12, size=runs)
    run = np.repeat(np.arange(runs), length)
    terms = rng.lognormal(0, 2, size=(run.size, 3, 5)).astype(np.float32)
    sums = np.zeros((runs, 3, 5), dtype=np.float32)
    segment = SegmentSum.of(run)

    def put(which: slice, acc: np.ndarray) -> None:
        sums[segment.runs[which]] = acc

    segment.total(lambda positions: terms[positions].copy(), put)
    ones = sp.csr_matrix((np.ones(run.size, dtype=np.float32), (run, np.arange(run.size))), shape=(runs, run.size))
    expected = (ones @ terms.reshape(run.size, -1)).reshape(runs, 3, 5)
    np.testing.assert_array_equal(sums, expected)


def test_median_of_numbers_is_nanmedian() -> None:
    rng = np.random.default_rng(5)
    for _ in range(100):
        x = rng.normal(size=(rng.integers(1, 9), rng.integers(1, 30))).astype(np.float32)
        x[rng.random(x.shape) < rng.random()] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows
            expected = np.nanmedian(x, axis=1)
        np.testing.assert_array_equal(_median_of_numbers(x), np.where(np.isnan(expected), 0.0, expected))


def test_float32_block_sums_move_mean_and_sd_by_under_1e_6() -> None:
    rng = np.random.default_rng(2)
    values = (1e9 * rng.lognormal(0, 0.3, size=(50, 1024))).astype(np.float32)
    ref = values[:, 0].astype(float) * 0.9
    counts, s1, s2 = block_moments(values, ref, 128)
    n = counts.sum()
    mean = ref + s1.sum(axis=0) / n
    sd = np.sqrt((s2.sum(axis=0) - s1.sum(axis=0) ** 2 / n) / (n - 1))
    exact = values.astype(np.float64)
    np.testing.assert_allclose(mean, exact.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(sd, exact.std(axis=1, ddof=1), rtol=1e-6)
