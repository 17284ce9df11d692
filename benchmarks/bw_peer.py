"""bw2calc, the peer, on the engine benchmark's matrices: in this process or in another Python.

bw2calc and bw2data pin their own versions of much of the stack, so they may live in a
virtual environment of their own (python -m venv venv-bw; venv-bw/bin/pip install
bw2calc bw2data pypardiso: bw2calc uses PARDISO when present, as its docs advise on x86,
else SuperLU on the transposed matrix). `lci_ms` then runs this file with that environment's Python, handing
the matrices over as one .npz file and reading the timing back as JSON, on one thread
(ONE_THREAD); the timing is taken inside the peer, so the subprocess's start-up is not counted. This file imports
nothing from the project, so it runs in a bare bw2calc environment.

    python benchmarks/bw_peer.py MATRICES.npz REPEAT   # prints {"ms": ..., "bw2calc": version}
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
    solver = "PARDISO" if bw2calc.PYPARDISO else "UMFPACK" if bw2calc.UMFPACK else "SuperLU"
    threads = os.environ.get("MKL_NUM_THREADS", "all")
    return {"ms": 1e3 * statistics.median(times), "bw2calc": str(bw2calc.__version__), "solver": solver, "threads": threads}


def lci_ms(A: Any, B: Any, vehicles: list[int], repeat: int, python: str | None = None) -> dict[str, Any] | None:
    """Time bw2calc on scipy matrices A (n x n) and B: here if it imports, else with `python`; None if neither works."""
    A, B = A.tocoo(), B.tocoo()
    arrays = {"n": np.array(A.shape[0]), "A_row": A.row, "A_col": A.col, "A_data": A.data, "B_row": B.row, "B_col": B.col,
              "B_data": B.data, "vehicles": np.array(vehicles)}  # fmt: skip
    if python is None:
        try:
            return _median_lci_ms(arrays, repeat)
        except ImportError:
            return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "matrices.npz"
        np.savez(path, **arrays)
        done = subprocess.run([python, __file__, str(path), str(repeat)], capture_output=True, text=True, check=False,
                              env={**os.environ, **ONE_THREAD})
    if done.returncode != 0:
        print(f"bw2calc peer failed under {python}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    with np.load(sys.argv[1]) as data:
        print(json.dumps(_median_lci_ms(dict(data), int(sys.argv[2]))))
