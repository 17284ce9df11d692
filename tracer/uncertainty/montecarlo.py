"""Chunked, vectorised, seeded Monte Carlo over every indicator and split.

A run is cut into blocks of `BLOCK` draws. Block b draws its random numbers from
`SeedSequence(seed, spawn_key=(b,))` (numpy's spawned child b), so every draw is
fixed by the seed and its block, not by who computes it: chunks are whole blocks,
workers take chunks in any order, and the statistics fold block by block in order
(tracer.uncertainty.statistics). Same seed -> identical results for any chunk size
(a multiple of BLOCK) and any number of workers.

Per chunk: draw (parameters x samples), scatter into A and B values (nnz x samples),
evaluate every indicator for the whole chunk (tracer.uncertainty.batch), reduce to
moments and histograms. Peak memory per worker is about
    chunk_size x (nnz(A) + nnz(B) + 2 x upstream edges + rows x columns) x 4 bytes
plus the histogram (rows x columns x (BINS + 2) x 8 bytes), whatever the iterations.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from hfcommon.errors import InputError
from hfcommon.vocabulary import UNKNOWN_ORIGIN
from tracer.engine import CompiledNetwork, compile_network
from tracer.uncertainty import batch, kernels
from tracer.uncertainty.allocator import keep_freed_memory
from tracer.uncertainty.distributions import DTYPE
from tracer.uncertainty.parameters import ParameterSet, collect
from tracer.uncertainty.statistics import (
    Accumulator,
    ChunkSummary,
    Grid,
    histogram,
)
from tracer.uncertainty.twins import Twins

BLOCK = 128
"""Draws per seeding block: the unit of reproducibility (chunks are whole blocks)."""
BATCH = BLOCK
"""Draws evaluated together inside a chunk: small enough for the CPU cache."""
PILOT = 512
"""Draws used to place each row's histogram grid (the run's first draws)."""
PERCENTILES: tuple[float, ...] = (5.0, 50.0, 95.0)
DEFAULT_CHUNK = 4096

Progress = Callable[[int], None]
"""Told how many more draws have been folded in."""

Executor = Callable[["Setup", list[tuple[int, int]], Callable[[ChunkSummary], None]], int]
"""Runs every (first block, draws) chunk of a plan, hands each summary to the callback
(in any order) and returns the number of workers used."""


class Batch(NamedTuple):
    """One batch (one seeding block) of indicator values, with its moment sums."""

    values: np.ndarray
    """(rows, draws)"""
    s1: np.ndarray
    """Per row: sum of (x - nominal) ..."""
    s2: np.ndarray
    """... and of its square."""
    hold: bool
    """Whether the twins held in it."""


@dataclass(frozen=True, eq=False)
class Setup:
    """Everything a worker needs to evaluate a chunk: picklable, built once per run."""

    model: batch.BatchModel
    params: ParameterSet
    seed: int
    keep: np.ndarray
    """Flat (row, column) positions of the model output that are not structurally zero."""
    numerators: sp.csr_matrix
    """(ratios x model output cells) weights of each ratio indicator's numerator."""
    denominators: np.ndarray
    """Model output cell of each ratio indicator's denominator."""
    labels: pd.DataFrame
    """vehicle, split, group, stressor, unit of every indicator (kept rows, then ratios)."""
    ref: np.ndarray
    """Nominal value of every indicator (the network as compiled)."""
    grid: Grid | None = None
    twins: Twins | None = None

    def draws(self, first_block: int, n: int) -> np.ndarray:
        """Parameter draws (P, n) for the n draws starting at block `first_block`."""
        blocks = []
        left = n
        b = first_block
        while left > 0:
            rng = np.random.Generator(np.random.SFC64(np.random.SeedSequence(self.seed, spawn_key=(b,))))
            take = min(BLOCK, left)
            blocks.append(self.params.table.sample(rng, BLOCK)[:, :take])
            left -= take
            b += 1
        return np.concatenate(blocks, axis=1) if len(blocks) > 1 else blocks[0]

    def batches(self, first_block: int, n: int, twins: Twins | None = None) -> Iterator[Batch]:
        """The indicator values of n draws from block `first_block`, `BATCH` (= one block) at a time.

        The rows are every indicator, or with `twins` the kept rows it summarises
        followed by the ratios. A batch is small enough for its temporaries to stay
        in cache; the batches lie one after another in one buffer, each contiguous,
        and each row's block sums are taken as it is gathered.
        """
        cells = self.keep if twins is None else twins.cells
        rows = cells.size + self.denominators.size
        shift = self.ref[self._rows(twins)].astype(DTYPE)
        buffer = np.empty(rows * n, dtype=DTYPE)
        for start in range(0, n, BATCH):
            m = min(BATCH, n - start)
            out = buffer[rows * start : rows * (start + m)].reshape(rows, m)
            s1, s2 = np.empty(rows), np.empty(rows)
            a, b = self.params.values(self.draws(first_block + start // BLOCK, m))
            full = self.model.evaluate(a, b).reshape(-1, m)
            kernels.gather_sums(full, cells, shift, out, s1, s2)
            if self.denominators.size:
                ratio = np.asarray(self.numerators @ full, dtype=DTYPE)
                np.divide(ratio, full[self.denominators], out=out[cells.size :])
                kernels.block_sums(out[cells.size :], shift[cells.size :], s1[cells.size :], s2[cells.size :])
            yield Batch(out, s1, s2, twins is None or twins.hold(full))

    def _rows(self, twins: Twins | None) -> np.ndarray:
        """The indicator rows that `batches` gives (all, or the twins' kept rows and the ratios)."""
        if twins is None:
            return np.arange(self.size)
        return np.concatenate([twins.rows, np.arange(self.keep.size, self.size)])

    @property
    def size(self) -> int:
        """Number of indicators."""
        return self.ref.size

    def indicators(self, first_block: int, n: int) -> np.ndarray:
        """Indicator values (indicators, n) for n draws starting at block `first_block`."""
        return np.concatenate([part.values for part in self.batches(first_block, n)], axis=1)

    def chunk(self, first_block: int, n: int) -> ChunkSummary:
        """Evaluate and reduce one chunk (what a worker runs): moments per batch, one histogram.

        Twins are summarised once where they hold throughout the chunk, else every row is.
        """
        assert self.grid is not None, "the grid is placed from the pilot before chunks run"
        keep_freed_memory()
        summary = self._summarise(first_block, n, self.twins) if self.twins is not None else None
        if summary is None:
            summary = self._summarise(first_block, n, None)
        assert summary is not None, "without twins every chunk has a summary"
        return summary

    def _summarise(self, first_block: int, n: int, twins: Twins | None) -> ChunkSummary | None:
        """The chunk's summary, its rows expanded from `twins`' (None if a pair of twins differs)."""
        assert self.grid is not None
        rows = self._rows(twins)
        parts = []
        for part in self.batches(first_block, n, twins):
            if not part.hold:
                return None
            parts.append(part)
        every = slice(None)
        if twins is not None:
            every = np.concatenate([twins.expand, np.arange(twins.rows.size, rows.size)])
        return ChunkSummary(
            first_block=first_block,
            counts=np.array([part.values.shape[1] for part in parts]),
            s1=np.stack([part.s1 for part in parts])[:, every],
            s2=np.stack([part.s2 for part in parts])[:, every],
            hist=histogram([part.values for part in parts], Grid(self.grid.low[rows], self.grid.width[rows]))[every],
        )


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Tidy statistics per indicator row plus how the run was made."""

    table: pd.DataFrame
    """vehicle, split, group, stressor, unit, nominal, mean, sd, p5, p50, p95."""
    iterations: int
    seed: int
    chunk_size: int
    workers: int
    parameters: int
    seconds: float
    outside_grid: int


def prepare(
    G: nx.DiGraph,
    seed: int,
    fleet: Mapping[str, float] | pd.Series | None = None,
    vehicles: Sequence[str] | None = None,
    compiled: CompiledNetwork | None = None,
    split_stressors: Sequence[str] = ("hidden", "tmr"),
    splits: Sequence[str] = batch.SPLITS,
    home: str | None = None,
) -> Setup:
    """Compile the network, collect its distributions and index the non-zero indicator rows.

    `home` (ISO3) adds the per-draw share of hidden flows abroad.
    """
    compiled = compiled or compile_network(G)
    params = collect(G, compiled)
    if params.size == 0:
        raise InputError("the network declares no uncertainty: no edge 'uncertainty' or node 'stressor_uncertainty'")
    model = batch.build(compiled, fleet=fleet, vehicles=vehicles, split_stressors=split_stressors, splits=splits)
    a = params.a_nominal[:, None].astype(np.float32)
    b = params.b_nominal[:, None].astype(np.float32)
    nominal = model.evaluate(a, b).reshape(-1).astype(np.float64)
    keep = np.flatnonzero(nominal != 0)
    rows = model.rows
    C = len(model.columns)
    labels = pd.DataFrame(
        {
            "vehicle": np.array(model.columns, dtype=object)[keep % C],
            **{k: rows[k].to_numpy()[keep // C] for k in ("split", "group", "stressor", "unit")},
        }
    )
    numerators, denominators, ratio_labels = _ratios(labels, home)
    labels = pd.concat([labels, ratio_labels], ignore_index=True)
    ref = nominal[keep]
    ref = np.concatenate([ref, (numerators @ ref) / ref[denominators]])
    # the ratios' terms as model output cells (keep is increasing, so each sum keeps its order)
    numerators = sp.csr_matrix(
        (numerators.data, keep[numerators.indices], numerators.indptr), shape=(len(denominators), nominal.size)
    )
    return Setup(
        model=model, params=params, seed=int(seed), keep=keep, numerators=numerators, denominators=keep[denominators],
        labels=labels, ref=ref,
    )  # fmt: skip


Key = tuple[str, str, str]
"""(split, group, stressor) of an indicator row."""


def ratio_definitions(home: str | None) -> tuple[tuple[str, tuple[tuple[float, Key], ...], Key], ...]:
    """Ratio indicators (name, numerator terms (coefficient, row), denominator row), drawn per draw.

    With a home country the share of hidden flows abroad is added as tracer.indicators
    defines it: (total - home - unknown origin WLD) / total.
    """
    hidden = ("total", "total", "hidden")
    ratios: list[tuple[str, tuple[tuple[float, Key], ...], Key]] = [
        ("hidden_to_used", ((1.0, hidden),), ("total", "total", "used"))
    ]
    if home:
        abroad = ((1.0, hidden), (-1.0, ("country", home, "hidden")))
        if home != UNKNOWN_ORIGIN:
            abroad += ((-1.0, ("country", UNKNOWN_ORIGIN, "hidden")),)
        ratios.append(("hidden_abroad_share", abroad, hidden))
    return tuple(ratios)


def _ratios(labels: pd.DataFrame, home: str | None) -> tuple[sp.csr_matrix, np.ndarray, pd.DataFrame]:
    """Numerator weights (ratios x rows), denominator rows and labels of each column's ratios.

    A numerator term whose row is absent (structurally zero) is left out; a ratio
    whose first term or denominator is absent is not reported.
    """
    where = {
        (v, (sp_, g, st)): i
        for i, v, sp_, g, st in zip(
            labels.index, labels["vehicle"], labels["split"], labels["group"], labels["stressor"], strict=True
        )
    }
    cells, denominators, rows = [], [], []
    for vehicle in dict.fromkeys(labels["vehicle"]):
        for name, terms, denominator in ratio_definitions(home):
            if (vehicle, terms[0][1]) not in where or (vehicle, denominator) not in where:
                continue
            r = len(denominators)
            cells.extend((r, where[vehicle, key], coef) for coef, key in terms if (vehicle, key) in where)
            denominators.append(where[vehicle, denominator])
            rows.append({"vehicle": vehicle, "split": "total", "group": "total", "stressor": name, "unit": "t/t"})
    numerators = sp.csr_matrix(
        ([c for _, _, c in cells], ([r for r, _, _ in cells], [i for _, i, _ in cells])),
        shape=(len(denominators), len(labels)),
        dtype=DTYPE,
    )
    return numerators, np.array(denominators, dtype=np.int64), pd.DataFrame(rows, columns=labels.columns)


def chunks(iterations: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """(first block, draws) of each chunk, in order."""
    per = chunk_size // BLOCK
    start = 0
    while start < iterations:
        n = min(chunk_size, iterations - start)
        yield start // BLOCK, n
        start += per * BLOCK


def check_run(iterations: int, chunk_size: int) -> None:
    """Refuse run shapes that would break reproducibility or the statistics."""
    if iterations < 2:
        raise InputError(f"--iterations must be at least 2, got {iterations}", column="--iterations")
    if chunk_size < BLOCK or chunk_size % BLOCK:
        raise InputError(
            f"--chunk-size must be a positive multiple of {BLOCK} (the seeding block), got {chunk_size}",
            column="chunk-size",
        )


def with_grid(setup: Setup, iterations: int) -> Setup:
    """Place the histogram grids and find the twins from the run's first draws (identical for every layout)."""
    n = min(PILOT, iterations)
    pilot = setup.indicators(0, n)
    twins = Twins.from_pilot(pilot[: setup.keep.size], setup.keep)
    return dataclasses.replace(
        setup, grid=Grid.from_pilot(pilot, setup.ref), twins=twins if twins.repeats.size else None
    )


def run(
    setup: Setup,
    iterations: int,
    chunk_size: int = DEFAULT_CHUNK,
    percentiles: tuple[float, ...] = PERCENTILES,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> MonteCarloResult:
    """Run `iterations` draws in chunks; `executor` (see tracer.uncertainty.distributed) spreads them.

    Without an executor the chunks run here, one after another.
    """
    check_run(iterations, chunk_size)
    keep_freed_memory()
    started = time.perf_counter()
    setup = with_grid(setup, iterations)
    assert setup.grid is not None
    acc = Accumulator(setup.ref, setup.grid)
    plan = list(chunks(iterations, chunk_size))

    def take(summary: ChunkSummary) -> None:
        acc.add(summary)
        if progress is not None:
            progress(int(summary.counts.sum()))

    if executor is None:
        workers = 1
        for first, n in plan:
            take(setup.chunk(first, n))
    else:
        workers = executor(setup, plan, take)
    if not acc.complete or acc.n != iterations:
        raise RuntimeError(f"only {acc.n} of {iterations} draws came back from the workers")
    values, outside = acc.percentiles(percentiles)
    table = _table(setup, acc, dict(zip(percentiles, values, strict=True)))
    return MonteCarloResult(
        table=table,
        iterations=iterations,
        seed=setup.seed,
        chunk_size=chunk_size,
        workers=workers,
        parameters=setup.params.size,
        seconds=time.perf_counter() - started,
        outside_grid=outside,
    )


def percentile_column(q: float) -> str:
    """Column name of a percentile: 5 -> p5, 2.5 -> p2.5."""
    return f"p{q:g}"


def _table(setup: Setup, acc: Accumulator, percentiles: dict[float, np.ndarray]) -> pd.DataFrame:
    table = setup.labels.assign(nominal=setup.ref, mean=acc.mean(), sd=acc.sd())
    for q, v in percentiles.items():
        table[percentile_column(q)] = v
    order = {s: i for i, s in enumerate(batch.SPLITS)}
    table["_split"] = table["split"].map(order)
    table = table.sort_values(["_split", "vehicle", "stressor", "mean"], ascending=[True, True, True, False], kind="stable")
    return table.drop(columns="_split").reset_index(drop=True)

