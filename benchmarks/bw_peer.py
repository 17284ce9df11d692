"""bw2calc, the peer, on the engine benchmark's matrices: in this process or in another Python.

bw2calc and bw2data pin their own versions of much of the stack, so they may live in a
virtual environment of their own (python -m venv venv-bw; venv-bw/bin/pip install
bw2calc bw2data pypardiso: bw2calc uses PARDISO when present, as its docs advise on x86,
else SuperLU on the transposed matrix). `lci_ms` then runs this file with that environment's Python, handing
the matrices over as one .npz file and reading the timing back as JSON, on one thread
(ONE_THREAD); the timing is taken inside the peer, so the subprocess's start-up is not counted. This file imports
nothing from the project, so it runs in a bare bw2calc environment.

    python benchmarks/bw_peer.py lci MATRICES.npz REPEAT   # prints {"ms": ..., "bw2calc": version}
    python benchmarks/bw_peer.py mc MATRICES.npz ITERATIONS   # stochastic MultiLCA: iterations per (CPU) second
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ONE_THREAD = {"MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
"""The peer runs on one core, like the project's engine (PARDISO would otherwise spread over
every core, which on a shared machine mostly adds contention)."""


def _median_lci_ms(arrays: dict[str, np.ndarray], repeat: int) -> dict[str, Any]:
    """bw2calc 2.5-style LCA from in-memory matrices: build, factorise, one lci per vehicle (median ms)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import bw2calc
        import bw_processing as bwp
    n = int(arrays["n"])
    tech_idx = np.empty(n + arrays["A_row"].size, dtype=bwp.INDICES_DTYPE)
    tech_idx["row"] = np.r_[np.arange(n), arrays["A_row"]]
    tech_idx["col"] = np.r_[np.arange(n), arrays["A_col"]]
    bio_idx = np.empty(arrays["B_row"].size, dtype=bwp.INDICES_DTYPE)
    bio_idx["row"], bio_idx["col"] = arrays["B_row"] + n, arrays["B_col"]
    dp = bwp.create_datapackage()
    dp.add_persistent_vector(
        matrix="technosphere_matrix", indices_array=tech_idx, data_array=np.r_[np.ones(n), arrays["A_data"]],
        flip_array=np.r_[np.zeros(n, dtype=bool), np.ones(arrays["A_row"].size, dtype=bool)],
    )  # fmt: skip
    dp.add_persistent_vector(matrix="biosphere_matrix", indices_array=bio_idx, data_array=arrays["B_data"])
    vehicles = [int(v) for v in arrays["vehicles"]]

    def run() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lca = bw2calc.LCA({vehicles[0]: 1.0}, data_objs=[dp])
            lca.lci(factorize=True)
            for v in vehicles[1:]:
                lca.lci(demand={v: 1.0})

    if repeat > 1:
        run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    solver, threads = _solver(bw2calc).split(", MKL threads: ")
    return {"ms": 1e3 * statistics.median(times), "bw2calc": str(bw2calc.__version__), "solver": solver, "threads": threads}


def _stochastic_rate(arrays: dict[str, np.ndarray], iterations: int) -> dict[str, Any]:
    """bw2calc's stochastic MultiLCA (every technosphere edge lognormal, TMR score of each vehicle per draw):
    its fastest Monte Carlo mode, timed over `iterations` draws after the first."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import bw2calc
        import bw_processing as bwp
    n, m = int(arrays["n"]), arrays["A_row"].size
    tech_idx = np.empty(n + m, dtype=bwp.INDICES_DTYPE)
    tech_idx["row"] = np.r_[np.arange(n), arrays["A_row"]]
    tech_idx["col"] = np.r_[np.arange(n), arrays["A_col"]]
    unc = np.zeros(n + m, dtype=bwp.UNCERTAINTY_DTYPE)
    unc["uncertainty_type"][n:] = 2  # stats_arrays lognormal
    unc["loc"] = np.r_[np.ones(n), arrays["A_loc"]]
    unc["scale"][n:] = arrays["A_scale"]
    for field in ("minimum", "maximum", "shape"):
        unc[field] = np.nan
    bio_idx = np.empty(arrays["B_row"].size, dtype=bwp.INDICES_DTYPE)
    bio_idx["row"], bio_idx["col"] = arrays["B_row"] + n, arrays["B_col"]
    cf_idx = np.empty(arrays["mass_rows"].size, dtype=bwp.INDICES_DTYPE)
    cf_idx["row"], cf_idx["col"] = arrays["mass_rows"] + n, 0
    dp = bwp.create_datapackage()
    dp.add_persistent_vector(
        matrix="technosphere_matrix", indices_array=tech_idx, data_array=np.r_[np.ones(n), arrays["A_data"]],
        flip_array=np.r_[np.zeros(n, dtype=bool), np.ones(m, dtype=bool)], distributions_array=unc,
    )  # fmt: skip
    dp.add_persistent_vector(matrix="biosphere_matrix", indices_array=bio_idx, data_array=arrays["B_data"])
    dp.add_persistent_vector(matrix="characterization_matrix", indices_array=cf_idx,
                             data_array=np.ones(cf_idx.size), identifier=["tmr"])
    demands = {str(v): {int(v): 1.0} for v in arrays["vehicles"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lca = bw2calc.MultiLCA(demands=demands, method_config={"impact_categories": [("tmr",)]}, data_objs=[dp],
                               use_distributions=True, seed_override=1)
        lca.lci()
        lca.lcia()
        cpu, started = time.process_time(), time.perf_counter()
        for _ in range(iterations):
            next(lca)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"iterations": float(iterations), "seconds": seconds, "cpu_seconds": cpu,
            "iterations_per_s": iterations / seconds, "iterations_per_cpu_s": iterations / cpu,
            "bw2calc": str(bw2calc.__version__), "solver": _solver(bw2calc)}


def _solver(bw2calc: Any) -> str:
    """The sparse solver bw2calc picked (its speed depends on it: PARDISO on x86 when pypardiso is installed)."""
    solver = "PARDISO" if bw2calc.PYPARDISO else "UMFPACK" if bw2calc.UMFPACK else "SuperLU"
    return f"{solver}, MKL threads: {os.environ.get('MKL_NUM_THREADS', 'all')}"


MODES = {"lci": _median_lci_ms, "mc": _stochastic_rate}
"""What the peer can run: name -> function(arrays, count)."""


def run_peer(mode: str, arrays: dict[str, np.ndarray], count: int, python: str | None = None) -> dict[str, Any] | None:
    """Run `mode` here if bw2calc imports, else under `python` (arrays handed over as .npz); None if neither works."""
    if python is None:
        try:
            return MODES[mode](arrays, count)
        except ImportError:
            return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "matrices.npz"
        np.savez(path, **arrays)
        done = subprocess.run([python, __file__, mode, str(path), str(count)], capture_output=True, text=True,
                              check=False, env={**os.environ, **ONE_THREAD})
    if done.returncode != 0:
        print(f"bw2calc peer failed under {python}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def lci_ms(A: Any, B: Any, vehicles: list[int], repeat: int, python: str | None = None) -> dict[str, Any] | None:
    """Time bw2calc on scipy matrices A (n x n) and B: here if it imports, else with `python`; None if neither works."""
    A, B = A.tocoo(), B.tocoo()
    arrays = {"n": np.array(A.shape[0]), "A_row": A.row, "A_col": A.col, "A_data": A.data, "B_row": B.row, "B_col": B.col,
              "B_data": B.data, "vehicles": np.array(vehicles)}  # fmt: skip
    return run_peer("lci", arrays, repeat, python)


if __name__ == "__main__":
    with np.load(sys.argv[2]) as data:
        print(json.dumps(MODES[sys.argv[1]](dict(data), int(sys.argv[3]))))
