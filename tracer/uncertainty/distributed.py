"""Run Monte Carlo chunks on dask.distributed: a LocalCluster or an existing scheduler.

(Clusters and clients come from tracer.parallel, which `tracer sensitivity` and
`tracer sweep` share.)

Why dask (see /work/shared/ECOSYSTEM.md): light, loopback-only by default, and the
same client code reaches a cluster through `--scheduler ADDRESS`. Results are
identical to the single-process run because chunks carry their block index and the
accumulator folds blocks in order (tracer.uncertainty.montecarlo); the workers only
change who computes a chunk, never what it computes.

The run's Setup (network matrices, distributions, grids) is scattered to every
worker once; each task then ships only (first block, draws) out and a chunk summary
back. At most `2 x workers` chunks are in flight, which bounds memory on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tracer.uncertainty.montecarlo import Executor, Setup
from tracer.uncertainty.statistics import ChunkSummary


def _run_chunk(setup: Setup, first_block: int, n: int) -> ChunkSummary:
    return setup.chunk(first_block, n)


def dask_executor(client: object) -> Executor:
    """An executor for `montecarlo.run` that spreads chunks over `client`'s workers."""
    from dask.distributed import as_completed

    def execute(setup: Setup, plan: list[tuple[int, int]], take: Callable[[ChunkSummary], None]) -> int:
        workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))  # type: ignore[attr-defined]
        [shared] = client.scatter([setup], broadcast=True)  # type: ignore[attr-defined]
        pending = iter(plan)
        window = 2 * workers
        futures = as_completed()
        for first, n in _take(pending, window):
            futures.add(client.submit(_run_chunk, shared, first, n, pure=False))  # type: ignore[attr-defined]
        for future in futures:
            take(future.result())
            future.release()
            for first, n in _take(pending, 1):
                futures.add(client.submit(_run_chunk, shared, first, n, pure=False))  # type: ignore[attr-defined]
        return workers

    return execute


def _take(items: Iterator[tuple[int, int]], k: int) -> list[tuple[int, int]]:
    out = []
    for _ in range(k):
        item = next(items, None)
        if item is None:
            break
        out.append(item)
    return out
