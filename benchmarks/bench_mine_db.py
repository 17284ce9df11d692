"""CPU time of rebuilding the default mine table: the steps `tracer reconcile`'s declared choices repeat.

A choice that changes the allocation or drops the mines' site data rebuilds the table from the
source CSVs (`build_standalone`) and shares its ore bodies again (`allocated`). CPU time, not
wall time: on a shared machine it barely moves with the other load. Best of `repeat`, after
one warm-up build (imports and file caches).

    python benchmarks/bench_mine_db.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
from collections.abc import Callable
from typing import Any

from mine_db.default import allocated, build_default, build_standalone


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _best(step: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        before = _cpu()
        step()
        times.append(_cpu() - before)
    return min(times)


def bench(repeat: int = 3) -> dict[str, float]:
    """Best-of-`repeat` CPU seconds of each rebuild step, on the bundled sources (609 rows)."""
    standalone, _ = build_standalone()
    return {
        "rows": float(len(standalone)),
        "standalone_cpu_s": _best(build_standalone, repeat),
        "standalone_fill_only_cpu_s": _best(lambda: build_standalone(site_data=False), repeat),
        "allocate_value_cpu_s": _best(lambda: allocated(standalone, "value"), repeat),
        "allocate_mass_cpu_s": _best(lambda: allocated(standalone, "mass"), repeat),
        "build_default_value_cpu_s": _best(build_default, repeat),
        "build_default_mass_cpu_s": _best(lambda: build_default(allocation="mass"), repeat),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    print(json.dumps(bench(parser.parse_args().repeat), indent=1))
