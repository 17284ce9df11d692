"""Monte Carlo speed and memory: tracer vs bw2calc's stochastic LCA, same network, same run.

The network is synthetic but shaped like the real one (mines -> beneficiation ->
smelting -> refining -> markets -> materials -> components -> vehicles, with coal
mines behind the power grids of smelters and refineries): exactly 14,592 edges, every
one lognormal, 5 vehicles, as in issue 6. Both tools draw every edge independently.

Ours: every indicator and split (totals per stressor; country, stage, mine,
material, component for hidden flows and TMR) for five vehicles, with mean, sd and
p5/p50/p95. bw2calc: five functional units (MultiLCA) scored for TMR per draw, its
fastest stochastic mode; it computes one number per vehicle and no split.

    .venv/bin/python benchmarks/bench_montecarlo.py [--iterations 100000] [--workers 2]
        [--bw-iterations 200] [--json]      (--workers: default 1, the fastest on two cores)

Timings on a shared machine are noisy: run it twice and report both.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time

import bw_peer
import networkx as nx
import numpy as np

from graphs.model import Distribution, add_flow, add_node
from hfcommon.vocabulary import MASS_STRESSORS
from tracer.engine import compile_network
from tracer.parallel import DEFAULT_WORKERS, local_cluster
from tracer.uncertainty import montecarlo
from tracer.uncertainty.allocator import keep_freed_memory
from tracer.uncertainty.distributed import dask_executor

EDGES = 14_592
VEHICLES = ("ICEV", "HEV", "PHEV", "BEV", "FCV")
COMMODITIES = (
    "copper", "nickel", "cobalt", "lithium", "iron_ore", "bauxite",
    "manganese", "graphite", "zinc", "lead", "pgm", "rare_earths",
)  # fmt: skip
COUNTRIES = ("CHL", "PER", "AUS", "CHN", "COD", "IDN", "ZAF", "BRA", "RUS", "CAN", "USA", "PHL", "GIN", "ARG", "MNG")


def synthetic_network(seed: int = 2019, edges: int = EDGES) -> nx.DiGraph:
    """A layered supply chain with exactly `edges` edges, every amount lognormal."""
    rng = np.random.default_rng(seed)
    G = nx.DiGraph()

    def node(nid: str, kind: str, unit: str = "t", **stressors: float) -> None:
        add_node(
            G, nid, kind=kind, name=nid, country=str(rng.choice(COUNTRIES)), unit=unit,
            mine_id=nid if kind == "mine" else None, stressors=stressors,
            stressor_sources={k: "synthetic" for k in stressors},
        )  # fmt: skip

    def flow(supplier: str, consumer: str, amount: float) -> None:
        sigma = float(rng.uniform(0.05, 0.3))
        add_flow(G, supplier, consumer, amount, "synthetic", Distribution("lognormal", (math.log(amount), sigma)))

    grids = [f"energy:grid{i}" for i in range(20)]
    for g in grids:
        node(g, "energy", "GJ", co2=0.2)
        for c in range(10):
            coal = f"mine:coal:{g}:{c}"
            node(coal, "mine", overburden=float(rng.uniform(3, 10)))
            flow(coal, g, float(rng.uniform(0.001, 0.005)))
    markets = {}
    for com in COMMODITIES:
        bens = []
        for m in range(100):
            mine, ben = f"mine:{com}:{m}", f"beneficiation:{com}:{m}"
            node(mine, "mine", overburden=float(rng.uniform(0.5, 5)), waste_rock=float(rng.uniform(0.2, 2)))
            node(ben, "beneficiation", tailings=float(rng.lognormal(3, 0.7)))
            flow(mine, ben, float(rng.lognormal(3, 0.7)))
            bens.append(ben)
        smelters = [f"smelting:{com}:{s}" for s in range(8)]
        for s in smelters:
            node(s, "smelting", process_residue=float(rng.uniform(0.5, 3)), energy=float(rng.uniform(10, 40)))
            for ben in bens:
                flow(ben, s, float(rng.uniform(0.02, 0.05)))
            flow(str(rng.choice(grids)), s, float(rng.uniform(5, 20)))
        market = f"market:{com}"
        node(market, "market")
        for r in range(8):
            ref = f"refining:{com}:{r}"
            node(ref, "refining", process_residue=float(rng.uniform(0.01, 0.2)))
            for s in smelters:
                flow(s, ref, float(rng.uniform(0.1, 0.15)))
            flow(str(rng.choice(grids)), ref, float(rng.uniform(1, 5)))
            flow(ref, market, 0.125)
        markets[com] = market
    materials = []
    for com in COMMODITIES:
        mat = f"material:{com}"
        node(mat, "material", used=1.0, process_residue=float(rng.uniform(0.01, 0.1)))
        flow(markets[com], mat, float(rng.uniform(1.0, 1.1)))
        materials.append(mat)
    for name, parts in (("steel", ("iron_ore", "manganese", "nickel")), ("cathode", ("nickel", "cobalt", "lithium", "manganese"))):
        mat = f"material:{name}"
        node(mat, "material", used=1.0)
        for com in parts:
            flow(markets[com], mat, float(rng.uniform(0.1, 1.0)))
        materials.append(mat)
    components = [f"component:{i}" for i in range(200)]
    for comp in components:
        node(comp, "component", process_residue=float(rng.uniform(0.01, 0.05)))
        for mat in rng.choice(materials, size=6, replace=False):
            flow(str(mat), comp, float(rng.uniform(0.01, 0.3)))
    for v in VEHICLES:
        node(v, "vehicle", "vehicle", process_residue=0.05)
        for comp in rng.choice(components, size=120, replace=False):
            flow(str(comp), v, float(rng.uniform(0.001, 0.03)))
    while G.number_of_edges() < edges:  # sub-components: lower index feeds higher (acyclic)
        i, j = sorted(rng.choice(len(components), size=2, replace=False))
        if not G.has_edge(components[i], components[j]):
            flow(components[i], components[j], float(rng.uniform(0.01, 0.1)))
    if G.number_of_edges() != edges:
        raise RuntimeError(f"built {G.number_of_edges()} edges, wanted {edges}")
    return G


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process: robust to other load on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_ours(G: nx.DiGraph, iterations: int, workers: int, chunk: int, seed: int) -> dict[str, float]:
    """Wall and CPU time of a full run (every split, five vehicles) on `workers` processes."""
    setup = montecarlo.prepare(G, seed=seed, vehicles=VEHICLES)
    montecarlo.run(setup, 2 * montecarlo.BLOCK)  # compiles (or loads) the numba kernels, outside the timing
    out: dict[str, float] = {"indicator_rows": float(setup.keep.size), "parameters": float(setup.params.size)}
    if workers > 1:
        with local_cluster(workers) as client:
            client.run(keep_freed_memory)
            before = sum(client.run(_cpu_seconds).values()) + _cpu_seconds()
            started = time.perf_counter()
            result = montecarlo.run(setup, iterations, chunk, executor=dask_executor(client))
            out["seconds"] = time.perf_counter() - started
            out["cpu_seconds"] = sum(client.run(_cpu_seconds).values()) + _cpu_seconds() - before
            worker_peak = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            out["worker_peak_mb"] = max(worker_peak.values())
    else:
        before = _cpu_seconds()
        started = time.perf_counter()
        result = montecarlo.run(setup, iterations, chunk)
        out["seconds"] = time.perf_counter() - started
        out["cpu_seconds"] = _cpu_seconds() - before
    out["iterations_per_s"] = iterations / out["seconds"]
    out["iterations_per_cpu_s"] = iterations / out["cpu_seconds"]
    out["outside_grid"] = float(result.outside_grid)
    out["client_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def bench_bw2calc(G: nx.DiGraph, iterations: int, python: str | None = None) -> dict[str, float] | None:
    """bw2calc stochastic MultiLCA on the same matrices and lognormals, here or under `python` (bw_peer.py);
    None if bw2calc is not available (or 0 iterations)."""
    if iterations <= 0:
        return None
    compiled = compile_network(G)
    A, B = compiled.A.tocoo(), compiled.B.tocoo()
    params = {(compiled.index[s], compiled.index[c]): attrs["uncertainty"].params for s, c, attrs in G.edges(data=True)}
    loc_scale = np.array([params[(r, c)][:2] for r, c in zip(A.row, A.col, strict=True)])
    arrays = {"n": np.array(compiled.n), "A_row": A.row, "A_col": A.col, "A_data": A.data,
              "A_loc": loc_scale[:, 0], "A_scale": loc_scale[:, 1], "B_row": B.row, "B_col": B.col, "B_data": B.data,
              "mass_rows": np.array([i for i, s in enumerate(compiled.stressors) if s in MASS_STRESSORS]),
              "vehicles": np.array([compiled.index[v] for v in VEHICLES])}  # fmt: skip
    return bw_peer.run_peer("mc", arrays, iterations, python)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--chunk-size", type=int, default=montecarlo.DEFAULT_CHUNK)
    parser.add_argument("--bw-iterations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--bw-python", default=os.environ.get("BW2CALC_PYTHON"),
                        help="Python of an environment with bw2calc, when this one lacks it (default: $BW2CALC_PYTHON)")
    args = parser.parse_args(argv)
    G = synthetic_network()
    ours = bench_ours(G, args.iterations, args.workers, args.chunk_size, args.seed)
    bw = bench_bw2calc(G, args.bw_iterations, args.bw_python)
    report = {"edges": G.number_of_edges(), "vehicles": len(VEHICLES), "iterations": args.iterations, "ours": ours, "bw2calc": bw}
    if bw:
        report["ratio"] = ours["iterations_per_s"] / bw["iterations_per_s"]
        report["ratio_per_cpu_second"] = ours["iterations_per_cpu_s"] / bw["iterations_per_cpu_s"]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"network: {report['edges']} edges (all lognormal), {len(VEHICLES)} vehicles, {int(ours['indicator_rows'])} indicator rows")
        print(
            f"tracer : {args.iterations} iterations in {ours['seconds']:.1f} s = {ours['iterations_per_s']:,.0f} it/s "
            f"({args.workers} workers); {ours['cpu_seconds']:.1f} CPU-s = {ours['iterations_per_cpu_s']:,.0f} it per CPU-s"
        )
        print(f"memory : client peak {ours['client_peak_mb']:.0f} MB" + (f", worker peak {ours['worker_peak_mb']:.0f} MB" if "worker_peak_mb" in ours else ""))
        if bw:
            print(
                f"bw2calc: {bw['iterations']:.0f} iterations in {bw['seconds']:.1f} s = {bw['iterations_per_s']:,.1f} it/s, "
                f"{bw['iterations_per_cpu_s']:,.1f} it per CPU-s (MultiLCA, 5 vehicles, TMR score only)"
            )
            print(f"ratio  : {report['ratio']:,.0f}x wall clock, {report['ratio_per_cpu_second']:,.0f}x per CPU-second")
        else:
            print("bw2calc: not installed (pip install -e '.[bench]')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
