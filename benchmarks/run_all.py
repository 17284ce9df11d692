"""Every speed figure of README "### Speed" from one run: print, write JSON, regenerate the section.

One run measures, on this machine and under whatever else is running on it:

* start-up: wall time of `tracer --help` and `tracer run` (default network), best of 3;
* engine (benchmarks/bench_engine.py) at scales 1, 10 and 100 (14,592 to 1,459,200
  edges): compile (from the graph and from tables), prepare, attribute, six splits,
  beside scipy's plain LU, a dense numpy solve (scale 1 only) and bw2calc (when it
  imports here, or from its own environment: --bw-python venv-bw/bin/python);
* Monte Carlo on the default network (every indicator and split, the shipped
  distributions): draws per CPU-second in one process, and wall time with one process
  against a LocalCluster of two workers;
* Monte Carlo on the synthetic 14,592-edge network (benchmarks/bench_montecarlo.py),
  beside bw2calc's stochastic MultiLCA when installed;
* the default mine table's rebuild (benchmarks/bench_mine_db.py): CPU seconds of the
  stand-alone build and of value and mass allocation, which `tracer reconcile` repeats.

Ratios within one run are the figures to compare: on a shared machine the absolute
times move with the other load (the load average before and after is recorded).

    python benchmarks/run_all.py [--out benchmarks/results.json] [--readme README.md] [--quick] [--bw-python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_engine
import bench_mine_db
import bench_montecarlo

from tracer.parallel import local_cluster
from tracer.uncertainty import montecarlo
from tracer.uncertainty.distributed import dask_executor
from tracer.uncertainty.runs import prepare_setup

CLI = "from tracer.cli import main; main()"


def machine() -> dict[str, Any]:
    """What ran the benchmark: CPU, cores, memory, versions and the load on it."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), float("nan"))  # fmt: skip
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "memory_GiB": round(memory, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "load_average_start": os.getloadavg()[0],
    }


def startup(repeat: int = 3) -> dict[str, float]:
    """Best-of-`repeat` wall and CPU seconds of `tracer --help` and `tracer run` in fresh interpreters.

    CPU time (user + system of the child) barely moves with other load; wall time does.
    """
    out = {}
    for name, args in (("help", ["--help"]), ("run", ["run"])):
        walls, cpus = [], []
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", CLI, *args], check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        out[f"{name}_s"], out[f"{name}_cpu_s"] = min(walls), min(cpus)
    return out


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def default_network_mc(iterations: int, compare_iterations: int) -> dict[str, Any]:
    """Draws per CPU-second on the default network; one process against two LocalCluster workers."""
    setup = prepare_setup(None, seed=1)
    montecarlo.run(setup, 2 * montecarlo.BLOCK)  # warm-up
    before, started = _cpu(), time.perf_counter()
    result = montecarlo.run(setup, iterations)
    cpu, wall = _cpu() - before, time.perf_counter() - started
    started = time.perf_counter()
    one = montecarlo.run(setup, compare_iterations)
    one_s = time.perf_counter() - started
    started = time.perf_counter()
    with local_cluster(2) as client:
        ready = time.perf_counter()
        two = montecarlo.run(setup, compare_iterations, executor=dask_executor(client))
    two_run_s, two_total_s = time.perf_counter() - ready, time.perf_counter() - started
    assert one.table.equals(two.table), "two workers must give the numbers of one process"
    return {
        "parameters": setup.params.size,
        "indicators": setup.size,
        "iterations": iterations,
        "seconds": wall,
        "cpu_seconds": cpu,
        "draws_per_cpu_s": iterations / cpu,
        "compare_iterations": compare_iterations,
        "one_process_s": one_s,
        "two_workers_run_s": two_run_s,
        "two_workers_with_cluster_start_s": two_total_s,
        "speedup_two_workers": one_s / two_run_s,
        "outside_grid": result.outside_grid,
    }


def synthetic_mc(iterations: int, bw_iterations: int, bw_python: str | None = None) -> dict[str, Any]:
    """tracer (one process) and bw2calc (if installed) on the 14,592-edge synthetic network."""
    G = bench_montecarlo.synthetic_network()
    ours = bench_montecarlo.bench_ours(G, iterations, 1, montecarlo.DEFAULT_CHUNK, 1)
    bw = bench_montecarlo.bench_bw2calc(G, bw_iterations, bw_python)
    return {
        "edges": G.number_of_edges(),
        "iterations": iterations,
        "ours": ours,
        "bw2calc": bw,
        "ratio_per_cpu_s": None if bw is None else ours["iterations_per_cpu_s"] / bw["iterations_per_cpu_s"],
    }


def run(quick: bool, bw_python: str | None = None) -> dict[str, Any]:
    """All measurements, in the order they are reported."""
    report: dict[str, Any] = {"machine": machine()}
    report["startup"] = startup()
    print(f"start-up: --help {report['startup']['help_s']:.2f} s, run {report['startup']['run_s']:.2f} s", flush=True)
    scales = (1, 10) if quick else (1, 10, 100)
    report["engine"] = []
    for scale in scales:
        row = bench_engine.bench(scale, 10 if scale < 100 else 1, with_table=False, with_baselines=True, bw_python=bw_python)
        report["engine"].append(row)
        print(f"engine x{scale}: {json.dumps(row)}", flush=True)
    report["mc_default"] = default_network_mc(4_096 if quick else 20_480, 4_096 if quick else 16_384)
    print(f"mc default: {json.dumps(report['mc_default'])}", flush=True)
    report["mc_synthetic"] = synthetic_mc(8_192 if quick else 100_000, 50 if quick else 200, bw_python)
    print(f"mc synthetic: {json.dumps(report['mc_synthetic'])}", flush=True)
    report["mine_db"] = bench_mine_db.bench()
    print(f"mine table rebuild: {json.dumps(report['mine_db'])}", flush=True)
    report["machine"]["load_average_end"] = os.getloadavg()[0]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    parser.add_argument("--readme", type=Path, help="README whose '### Speed' section is regenerated")
    parser.add_argument("--quick", action="store_true", help="smaller runs, scales 1 and 10 only (a smoke test)")
    parser.add_argument("--from-json", type=Path, help="regenerate the README section from an earlier run")
    parser.add_argument("--bw-python", default=os.environ.get("BW2CALC_PYTHON"),
                        help="Python of a separate environment with bw2calc, when this one lacks it (default: $BW2CALC_PYTHON)")
    args = parser.parse_args(argv)
    if args.from_json:
        report = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        report = run(args.quick, args.bw_python)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    if args.readme:
        from speed_section import replace_section

        replace_section(args.readme, report)
        print(f"regenerated '### Speed' in {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
