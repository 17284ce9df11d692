"""Engine speed and memory on synthetic supply chains, against a plain LU and bw2calc.

Builds networks shaped like the default one: at scale 1, 2,402 nodes (2,000 mines in
60 countries, 11 metals, 297 processing and market nodes, 40 materials, 60
components, 5 vehicles) and 14,592 edges; at scales 10 and 100 the mining and
processing side (and the edge count) grows tenfold and a hundredfold while the
product side stays as it is. Reports, per scale, the median of repeated runs (a single run at scale 100):

* compile: networkx graph -> sparse matrices (once per network);
* compile from tables: the same matrices from the tidy tables the graph was built
  from (tracer.compiled.compile_tables), with no per-edge Python;
* prepare: both factorisations and the per-material multipliers (once per network);
* attribute: the factorised attribution of all vehicles (per fleet);
* splits: totals by each label alone (vehicle, country, mine, material, component,
  stage), each with the stressor, multiplied out from the factors (groupings reused);
* engine total: prepare + attribute + the six splits of one fleet from scratch,
  timed in turn with the plain LU so both see the same load;
* table: the full joint long table (one row per label combination);
* plain LU: scipy splu of (I - A) and one multi-vehicle solve, the floor;
* numpy: a dense solve of (I - A) (numpy.linalg.solve), only at scale 1 (the dense
  matrix would not fit in memory at scale 10 and beyond);
* bw2calc: LCA from in-memory matrices, factorised once, one lci per vehicle, when
  bw2calc imports here (pip install -e ".[bench]") or under --bw-python, the Python of
  an environment of its own (benchmarks/bw_peer.py); left out otherwise.

Peak memory: Python-level peak (tracemalloc) of prepare + attribute + splits (+ table), and the
process's peak resident set size at the end. Not part of the test run.

    python benchmarks/bench_engine.py [--scales 1 10 100] [--repeat 20] [--bw-python PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import bw_peer
import networkx as nx
import numpy as np
import pandas as pd
import pyarrow.compute  # noqa: F401  (compile_tables imports it on first use: keep that out of the timing)
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from hfcommon.vocabulary import FLOW_LABEL_COLUMNS
from tracer.attribution import attribute_demand, prepare
from tracer.compiled import CompiledNetwork, compile_tables
from tracer.engine import compile_network

BASE_EDGES = 14_592
METALS = 11
MATERIALS = 40
COMPONENTS = 60
VEHICLES = ("ICEV", "HEV", "PHEV", "BEV-NMC811", "BEV-LFP")
DENSE_MAX_NODES = 6_000
"""The numpy baseline (dense solve of I - A) only where the dense matrix fits (288 MB at 6,000 nodes)."""


def synthetic_tables(scale: int = 1, seed: int = 2019) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A contract-shaped network as the tidy tables a builder would hand over (nodes, stressors, flows):
    mines -> beneficiation -> smelting -> refining -> market -> material -> component -> vehicle."""
    rng = np.random.default_rng(seed)
    countries = [f"C{i:02d}" for i in range(60)]
    nodes: list[dict[str, str]] = []
    stressors: list[tuple[str, str, float]] = []
    flows: dict[tuple[str, str], float] = {}  # insertion-ordered; a repeated pair is found in O(1)

    def add(node: str, attrs: dict[str, str], emits: dict[str, float]) -> None:
        nodes.append({"id": node, **attrs})
        stressors.extend((node, name, amount) for name, amount in emits.items())

    def country() -> str:
        return countries[rng.integers(len(countries))]

    mines_of: dict[int, list[str]] = {metal: [] for metal in range(METALS)}
    stage_nodes: dict[tuple[int, str], list[str]] = {}
    per_metal = {"beneficiation": 8, "smelting": 7, "refining": 6, "market": 6}
    for metal in range(METALS):
        for stage, count in per_metal.items():
            stage_nodes[(metal, stage)] = [f"{stage}:m{metal}:{i}" for i in range(count * scale)]
            for node in stage_nodes[(metal, stage)]:
                attrs = {"kind": stage, "country": country(), "commodity": f"m{metal}", "unit": "t"}
                add(node, attrs, {"process_residue": float(rng.uniform(0, 3)), "energy": float(rng.uniform(1, 50))})
    for m in range(2000 * scale):
        metal = m % METALS
        node = f"mine:{m}"
        attrs = {"kind": "mine", "country": country(), "mine_id": f"M{m}", "commodity": f"m{metal}", "unit": "t"}
        add(node, attrs, {"overburden": float(rng.uniform(0, 200)), "waste_rock": float(rng.uniform(0, 50)),
                          "tailings": float(rng.uniform(0, 100))})
        mines_of[metal].append(node)
        plants = stage_nodes[(metal, "beneficiation")]
        plant = plants[rng.integers(len(plants))]  # drawn before the amount, as in the graph-built original
        flows[(node, plant)] = float(rng.uniform(1, 50))
    chain = ("beneficiation", "smelting", "refining", "market")
    for metal in range(METALS):
        for upper, lower in pairwise(chain):
            for node in stage_nodes[(metal, lower)]:
                for supplier in rng.choice(stage_nodes[(metal, upper)], size=2, replace=False):
                    flows[(str(supplier), node)] = float(rng.uniform(0.5, 3))
    materials = [f"material:{k}" for k in range(MATERIALS)]
    for k, node in enumerate(materials):
        add(node, {"kind": "material", "country": "CHN", "unit": "t"}, {"used": 1.0, "process_residue": 0.05})
        for metal in {k % METALS, (3 * k + 1) % METALS}:
            for market in rng.choice(stage_nodes[(metal, "market")], size=2, replace=False):
                flows[(str(market), node)] = float(rng.uniform(0.1, 1.2))
    components = [f"component:{c}" for c in range(COMPONENTS)]
    for c, node in enumerate(components):
        add(node, {"kind": "component", "country": "CHN", "unit": "unit"}, {"process_residue": 0.01})
        for material in rng.choice(materials, size=8, replace=False):
            flows[(str(material), node)] = float(rng.uniform(0.001, 0.2))
        for sub in rng.choice(components[:c], size=min(c, 2), replace=False) if c else ():
            flows[(str(sub), node)] = 1.0
    for vehicle in VEHICLES:
        add(vehicle, {"kind": "vehicle", "country": "CHN", "unit": "vehicle"}, {"process_residue": 0.1})
        for comp in rng.choice(components, size=30, replace=False):
            flows[(str(comp), vehicle)] = float(rng.integers(1, 4))
    # top up with further mine -> beneficiation supply links to reach the edge target
    while len(flows) < BASE_EDGES * scale:
        metal = int(rng.integers(METALS))
        mines, plants = mines_of[metal], stage_nodes[(metal, "beneficiation")]
        pair = (mines[rng.integers(len(mines))], plants[rng.integers(len(plants))])
        if pair not in flows:
            flows[pair] = float(rng.uniform(1, 50))
    return (
        pd.DataFrame(nodes),
        pd.DataFrame(stressors, columns=["node", "stressor", "amount"]),
        pd.DataFrame([(u, v, a) for (u, v), a in flows.items()], columns=["supplier", "consumer", "amount"]),
    )


def graph_from_tables(nodes: pd.DataFrame, stressors: pd.DataFrame, flows: pd.DataFrame) -> nx.DiGraph:
    """The networkx graph of the same tables, nodes and edges in table order (absent attributes left out)."""
    emits: dict[str, dict[str, float]] = {}
    for node, name, amount in stressors.itertuples(index=False):
        emits.setdefault(node, {})[name] = amount
    G = nx.DiGraph()
    for row in nodes.to_dict("records"):
        attrs = {k: v for k, v in row.items() if k != "id" and isinstance(v, str)}
        G.add_node(row["id"], **attrs, stressors=emits.get(row["id"], {}))
    G.add_edges_from((u, v, {"amount": a}) for u, v, a in flows.itertuples(index=False))
    return G


def synthetic_network(scale: int = 1, seed: int = 2019) -> nx.DiGraph:
    """The synthetic network of `synthetic_tables` as a networkx graph."""
    return graph_from_tables(*synthetic_tables(scale, seed))


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of `repeat` calls after one warm-up call (none when repeat is 1)."""
    if repeat > 1:
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def _paired_median_ms(first: Callable[[], Any], second: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall times of two functions timed in turn, so that both see the same load on a shared machine."""
    first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in zip((first, second), times, strict=True):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times[0]), 1e3 * statistics.median(times[1])


def _compile_timed(compile_: Callable[[], CompiledNetwork]) -> tuple[CompiledNetwork, float, float, int]:
    """One compile timed (wall and CPU ms), then a second one traced for its Python-level peak (bytes)."""
    start, cpu = time.perf_counter(), time.process_time()
    compiled = compile_()
    wall_ms, cpu_ms = 1e3 * (time.perf_counter() - start), 1e3 * (time.process_time() - cpu)
    tracemalloc.start()
    compile_()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return compiled, wall_ms, cpu_ms, peak


def bench(scale: int, repeat: int, with_table: bool, with_baselines: bool, bw_python: str | None = None) -> dict[str, Any]:
    """Time and measure one scale; the full joint table and the baselines only when asked.

    bw2calc runs in this process when it imports here, else under `bw_python` (see bw_peer.py).
    """
    nodes, stressors, flows = synthetic_tables(scale)
    G = graph_from_tables(nodes, stressors, flows)
    compiled, compile_ms, compile_cpu_ms, compile_peak = _compile_timed(lambda: compile_network(G))
    _, tables_ms, tables_cpu_ms, tables_peak = _compile_timed(lambda: compile_tables(nodes, flows, stressors))
    y = compiled.demand(dict.fromkeys(VEHICLES, 1000.0))
    plan = prepare(compiled)
    result = attribute_demand(plan, y)

    def all_splits() -> None:
        for label in FLOW_LABEL_COLUMNS[:6]:
            result.split([label])

    def engine() -> None:
        """One fleet from scratch, as `tracer run` does it: no factorisation or grouping reused."""
        fresh = attribute_demand(prepare(compiled), y)
        for label in FLOW_LABEL_COLUMNS[:6]:
            fresh.split([label])

    def plain_lu() -> None:
        lu = spla.splu((sp.identity(compiled.n, format="csc") - compiled.A).tocsc())
        lu.solve(np.column_stack([compiled.demand({v: 1.0}) for v in VEHICLES]))

    def numpy_dense() -> None:
        np.linalg.solve(np.eye(compiled.n) - compiled.A.toarray(), np.column_stack([compiled.demand({v: 1.0}) for v in VEHICLES]))

    dense_fits = compiled.n <= DENSE_MAX_NODES
    vehicles = [compiled.index[v] for v in compiled.vehicles]
    peer = bw_peer.lci_ms(compiled.A, compiled.B, vehicles, max(1, repeat // 4), bw_python) if with_baselines else None

    tracemalloc.start()
    traced = attribute_demand(prepare(compiled), y)
    for label in FLOW_LABEL_COLUMNS[:6]:
        traced.split([label])
    table = traced.table() if with_table else None
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    prepare_ms = _median_ms(lambda: prepare(compiled), repeat)
    attribute_ms = _median_ms(lambda: attribute_demand(plan, y), repeat)
    splits_ms = _median_ms(all_splits, repeat)
    engine_ms, lu_ms = _paired_median_ms(engine, plain_lu, repeat) if with_baselines else (_median_ms(engine, repeat), None)
    return {
        "scale": scale,
        "nodes": compiled.n,
        "edges": compiled.A.nnz,
        "solver": plan.solver.method,
        "compile_ms": compile_ms,
        "compile_cpu_ms": compile_cpu_ms,
        "compile_tables_ms": tables_ms,
        "compile_tables_cpu_ms": tables_cpu_ms,
        "compile_tables_peak_MiB": tables_peak / 2**20,
        "prepare_ms": prepare_ms,
        "attribute_ms": attribute_ms,
        "splits_ms": splits_ms,
        "engine_total_ms": engine_ms,
        "table_ms": _median_ms(result.table, max(1, repeat // 4)) if with_table else None,
        "table_rows": None if table is None else len(table),
        "plain_lu_ms": lu_ms,
        "numpy_dense_ms": _median_ms(numpy_dense, max(1, repeat // 4)) if with_baselines and dense_fits else None,
        "bw2calc_ms": None if peer is None else peer["ms"],
        "bw2calc_version": None if peer is None else f"{peer['bw2calc']} ({peer['solver']}, MKL threads: {peer['threads']})",
        "compile_peak_MiB": compile_peak / 2**20,
        "python_peak_MiB": peak / 2**20,
        "process_peak_rss_MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    """Command-line entry: print a table (or JSON) of the measurements."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--table-scales", type=int, nargs="*", default=[1],
                        help="scales at which to also build the full joint table (it grows with mines x materials x components)")
    parser.add_argument("--baseline-scales", type=int, nargs="*", default=None,
                        help="scales at which to time plain LU and bw2calc (default: all)")
    parser.add_argument("--bw-python", default=os.environ.get("BW2CALC_PYTHON"),
                        help="Python of an environment with bw2calc, when this one lacks it (default: $BW2CALC_PYTHON)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    columns = ("scale", "nodes", "edges", "solver", "compile_ms", "compile_cpu_ms", "compile_tables_ms", "prepare_ms", "attribute_ms", "splits_ms",
               "engine_total_ms", "table_ms",
               "table_rows", "plain_lu_ms", "numpy_dense_ms", "bw2calc_ms", "compile_peak_MiB", "python_peak_MiB",
               "process_peak_rss_MiB")
    if not args.json:
        print(" | ".join(columns), flush=True)
    results = []
    for scale in args.scales:  # report each scale as soon as it is measured
        baselines = args.baseline_scales is None or scale in args.baseline_scales
        r = bench(scale, args.repeat if scale < 100 else 1, scale in args.table_scales, baselines, args.bw_python)
        results.append(r)
        if args.json:
            continue
        print(" | ".join(f"{r[c]:.2f}" if isinstance(r[c], float) else str(r[c]) for c in columns), flush=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
