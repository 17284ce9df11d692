"""Work spread over workers (tracer.parallel) gives the same numbers as work run here."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from test_scenarios_compare import CU, FLEET
from test_scenarios_network import tiny_network
from test_uncertainty import chain_network

from tracer.parallel import ONE_THREAD, dask_mapper, local_cluster, local_map
from tracer.scenarios.sweep import sweep
from tracer.uncertainty import montecarlo, sensitivity


def backwards(fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], done: Callable[[int], None] | None = None) -> list[Any]:
    """A mapper that runs the items last first and reports them out of order, as workers may."""
    results: list[Any] = [None] * len(items)
    for i in reversed(range(len(items))):
        results[i] = fn(shared, items[i])
        if done is not None:
            done(i)
    return results


def test_local_map_keeps_item_order_and_reports_each_item() -> None:
    seen: list[int] = []
    assert local_map(lambda shared, item: shared * item, 3, [1, 2, 5], seen.append) == [3, 6, 15]
    assert seen == [0, 1, 2]


def test_sensitivity_spread_over_pieces_in_any_order_is_identical(monkeypatch) -> None:
    monkeypatch.setattr(sensitivity, "PIECE", sensitivity.BATCH)  # several pieces even for a small network
    setup = montecarlo.prepare(chain_network((0.6, 0.05, 0.05), (20.0, 0.05, 1.5), 4.0), seed=5, vehicles=["BEV"])
    headline = sensitivity.Headline.of(setup)
    counted: list[int] = []
    alone = sensitivity.sobol(setup, headline, n=256, seed=5)
    spread = sensitivity.sobol(setup, headline, n=256, seed=5, progress=counted.append, spread=backwards)
    pd.testing.assert_frame_equal(spread, alone, check_exact=True)
    assert sum(counted) == sensitivity.sobol_evaluations(setup, 256) and len(counted) > 1


def test_sweep_on_a_local_cluster_equals_sweep_here(tmp_path: Path) -> None:
    base = tmp_path / "cu.toml"
    base.write_text(CU, encoding="utf-8")
    args = ("recycled_content.copper.share", [0.0, 0.25, 0.5])
    alone = sweep(*args, base=base, network=tiny_network(), fleet=FLEET)
    backward = sweep(*args, base=base, network=tiny_network(), fleet=FLEET, spread=backwards)
    pd.testing.assert_frame_equal(backward.table, alone.table, check_exact=True)
    with local_cluster(1) as client:
        remote = sweep(*args, base=base, network=tiny_network(), fleet=FLEET, spread=dask_mapper(client))
        worker_env = client.run(lambda: {k: os.environ.get(k) for k in ONE_THREAD})
    pd.testing.assert_frame_equal(remote.table, alone.table, check_exact=True)
    assert list(worker_env.values()) == [ONE_THREAD]
