"""Where independent pieces of work run: here, a local dask cluster, or an existing scheduler.

`tracer mc`, `tracer sensitivity` and `tracer sweep` share this path: `--workers N`
starts a LocalCluster of N single-threaded processes, `--scheduler ADDRESS` sends the
work to a running cluster, and the default (one worker) runs everything in this
process without dask. Measured on the 2-core development machine, one process is
fastest (a LocalCluster costs seconds to start and the workers compete for the same
cores and memory bandwidth), hence the default; see README "### Speed".

Workers pin BLAS and OpenMP to one thread (`ONE_THREAD`): the work is already split
into one task per worker process, and a multi-threaded BLAS inside each would only
oversubscribe the cores. Workers of an existing cluster should be started with the
same variables (dask's own nanny sets them by default).

dask is imported only when a cluster is asked for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

Result = TypeVar("Result")

DEFAULT_WORKERS = 1
"""One process: the fastest measured layout on two cores (see the module docstring)."""

ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
"""Environment of every local worker process: single-threaded BLAS and OpenMP."""


class Mapper(Protocol):
    """Runs fn(shared, item) for every item (anywhere) and returns the results in item order.

    `done(i)` is told when item i has finished (in any order).
    """

    def __call__(
        self,
        fn: Callable[[Any, Any], Result],
        shared: Any,
        items: Sequence[Any],
        done: Callable[[int], None] | None = None,
    ) -> list[Result]: ...


def local_map(
    fn: Callable[[Any, Any], Result], shared: Any, items: Sequence[Any], done: Callable[[int], None] | None = None
) -> list[Result]:
    """Run every item here, in order."""
    results = []
    for item in items:
        results.append(fn(shared, item))
        if done is not None:
            done(len(results) - 1)
    return results


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator[Any]:
    """A client on a fresh LocalCluster of `workers` single-threaded processes (closed on exit)."""
    from dask.distributed import Client, LocalCluster

    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40,
            env=ONE_THREAD,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        yield client


@contextlib.contextmanager
def connect(address: str) -> Iterator[Any]:
    """A client on an existing scheduler (`tcp://host:port`)."""
    from dask.distributed import Client

    with Client(address, timeout="30s") as client:
        yield client


@contextlib.contextmanager
def client_for(workers: int, scheduler: str | None) -> Iterator[Any | None]:
    """The given scheduler's client, a LocalCluster's for more than one worker, else None (no dask)."""
    if scheduler:
        with connect(scheduler) as client:
            yield client
    elif workers > 1:
        with local_cluster(workers) as client:
            yield client
    else:
        yield None


def dask_mapper(client: Any) -> Mapper:
    """A mapper that ships `shared` to every worker once and runs one task per item."""
    from dask.distributed import as_completed

    def run(
        fn: Callable[[Any, Any], Result], shared: Any, items: Sequence[Any], done: Callable[[int], None] | None = None
    ) -> list[Result]:
        [remote] = client.scatter([shared], broadcast=True)
        futures = [client.submit(fn, remote, item, pure=False) for item in items]
        position = {future.key: i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(items)
        for future in as_completed(futures):
            i = position[future.key]
            results[i] = future.result()
            future.release()
            if done is not None:
                done(i)
        return results

    return run


@contextlib.contextmanager
def mapper_for(workers: int, scheduler: str | None) -> Iterator[Mapper]:
    """`local_map` for one local worker, else a dask mapper on a LocalCluster or the scheduler."""
    with client_for(workers, scheduler) as client:
        yield local_map if client is None else dask_mapper(client)
