"""Which uncertain coefficients drive the headline indicators: tornado and Sobol indices.

* One-at-a-time (tornado): every coefficient alone at its 5th and 95th percentile,
  all others at their declared (nominal) values; the swing of each headline
  indicator ranks the coefficients. Cheap (2 evaluations per coefficient, batched)
  and easy to read, but blind to interactions.
* Global (Sobol, via SALib): first-order (S1) and total (ST) indices per group of
  coefficients (grouped by kind, e.g. "mine -> beneficiation" or "tailings at
  beneficiation"), since individual indices for thousands of coefficients would need
  millions of runs and say little. Saltelli's scheme with SALib's Sobol sequence;
  every coefficient enters through its inverse CDF, so correlation-free sampling of
  the declared distributions is exact.

Both evaluate through the same batched model as the Monte Carlo, so they measure
exactly the indicators `tracer mc` reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

from tracer.parallel import Mapper, local_map
from tracer.uncertainty.distributions import DTYPE
from tracer.uncertainty.montecarlo import Setup

HEADLINE: tuple[str, ...] = ("tmr", "hidden")
BATCH = 256
PIECE = 16 * BATCH
"""Draws per task when the evaluations are spread over workers (whole batches)."""
EDGE = 1e-9
"""Probabilities are kept in [EDGE, 1 - EDGE]: the 0 and 1 quantiles of a lognormal are infinite."""

Progress = Callable[[int], None]


@dataclass(frozen=True, eq=False)
class Headline:
    """Positions of the headline indicators (total of each stressor in HEADLINE per column)."""

    labels: tuple[tuple[str, str], ...]
    """(column, stressor) of each headline indicator."""
    flat: np.ndarray
    """Flat (row, column) index into the model's evaluate output."""

    @classmethod
    def of(cls, setup: Setup, columns: tuple[str, ...] | None = None) -> Headline:
        model = setup.model
        rows = model.rows
        wanted = columns or model.columns
        C = len(model.columns)
        labels, flat = [], []
        for stressor in HEADLINE:
            hit = rows.index[(rows["split"] == "total") & (rows["stressor"] == stressor)]
            for r in hit:
                for c, column in enumerate(model.columns):
                    if column in wanted:
                        labels.append((column, stressor))
                        flat.append(int(r) * C + c)
        return cls(labels=tuple(labels), flat=np.array(flat, dtype=np.int64))


def evaluate_draws(
    setup: Setup, draws: np.ndarray, headline: Headline, progress: Progress | None = None, spread: Mapper = local_map
) -> np.ndarray:
    """Headline indicators (draws, indicators) for parameter values (P, draws), `PIECE` draws per task.

    Every draw is evaluated on its own, so how the draws are cut and where the pieces
    run does not change a number.
    """
    pieces = [draws[:, start : start + PIECE] for start in range(0, draws.shape[1], PIECE)]
    done = None if progress is None else (lambda i: progress(pieces[i].shape[1]))
    parts = spread(_evaluate_piece, (setup, headline), pieces, done)
    return np.concatenate(parts) if parts else np.empty((0, headline.flat.size))


def _evaluate_piece(shared: tuple[Setup, Headline], draws: np.ndarray) -> np.ndarray:
    setup, headline = shared
    out = np.empty((draws.shape[1], headline.flat.size))
    for start in range(0, draws.shape[1], BATCH):
        part = draws[:, start : start + BATCH].astype(DTYPE)
        a, b = setup.params.values(part)
        values = setup.model.evaluate(a, b).reshape(-1, part.shape[1])
        out[start : start + part.shape[1]] = values[headline.flat].T
    return out


def tornado(
    setup: Setup, headline: Headline, low: float = 5.0, high: float = 95.0, progress: Progress | None = None,
    spread: Mapper = local_map,
) -> pd.DataFrame:
    """One row per (coefficient, headline indicator): value at the low and high percentile and the swing."""
    params = setup.params
    P = params.size
    nominal = params.nominal
    base = evaluate_draws(setup, nominal[:, None], headline)[0]
    ends = params.table.ppf(np.tile([[low / 100.0, high / 100.0]], (P, 1)))
    draws = np.repeat(nominal[:, None], 2 * P, axis=1)
    idx = np.arange(P)
    draws[idx, 2 * idx] = ends[:, 0]
    draws[idx, 2 * idx + 1] = ends[:, 1]
    results = evaluate_draws(setup, draws, headline, progress, spread)
    at_low, at_high = results[0::2], results[1::2]
    frames = []
    for k, (column, stressor) in enumerate(headline.labels):
        frames.append(
            pd.DataFrame(
                {
                    "vehicle": column,
                    "indicator": stressor,
                    "parameter": params.names,
                    "group": params.group,
                    "nominal_value": nominal,
                    f"p{low:g}_value": ends[:, 0],
                    f"p{high:g}_value": ends[:, 1],
                    "indicator_nominal": base[k],
                    "indicator_at_low": at_low[:, k],
                    "indicator_at_high": at_high[:, k],
                    "swing": np.abs(at_high[:, k] - at_low[:, k]),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["vehicle", "indicator", "swing"], ascending=[True, True, False], kind="stable").reset_index(drop=True)


def sobol(
    setup: Setup, headline: Headline, n: int = 1024, seed: int = 1, progress: Progress | None = None,
    spread: Mapper = local_map,
) -> pd.DataFrame:
    """Grouped first-order and total Sobol indices (with 95 % confidence half-widths) per headline indicator."""
    params = setup.params
    groups = list(params.group)
    problem = {
        "num_vars": params.size,
        "names": list(params.names),
        "bounds": [[EDGE, 1.0 - EDGE]] * params.size,
        "groups": groups,
    }
    unit = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    draws = params.table.ppf(np.clip(unit, EDGE, 1.0 - EDGE).T)
    Y = evaluate_draws(setup, draws, headline, progress, spread)
    names = list(dict.fromkeys(groups))
    frames = []
    for k, (column, stressor) in enumerate(headline.labels):
        result = sobol_analyze.analyze(problem, Y[:, k], calc_second_order=False, seed=seed, print_to_console=False)
        frames.append(
            pd.DataFrame(
                {
                    "vehicle": column,
                    "indicator": stressor,
                    "group": names,
                    "S1": result["S1"],
                    "S1_conf": result["S1_conf"],
                    "ST": result["ST"],
                    "ST_conf": result["ST_conf"],
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["vehicle", "indicator", "ST"], ascending=[True, True, False], kind="stable").reset_index(drop=True)


def sobol_evaluations(setup: Setup, n: int) -> int:
    """Model evaluations a Sobol run of base size n needs (for the progress bar)."""
    return n * (len(set(setup.params.group)) + 2)
