"""Indicator rows that repeat another row exactly, summarised once.

Why: on the default network about 30 % of the indicators are, draw for draw, the
same numbers as another one (a lead mine's hidden flows per HEV and per ICEV, whose
lead comes the same way; a country's TMR where it has only hidden flows). Moments
and histograms, a third of a run's time, need computing only once for each.

Twins are found in the pilot (the run's first draws, the same for every layout)
and trusted only as far as they are checked: every batch compares each repeating
row with its twin, and a chunk in which one differs is summarised row by row. A
twin's summary is then a copy of numbers that would have been computed from the
same values, so the results are bit-identical to summarising every row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracer.uncertainty import kernels


@dataclass(frozen=True, eq=False)
class Twins:
    """Which model cells to summarise and how their summaries fill every indicator row."""

    rows: np.ndarray
    """Kept rows summarised (the first of each set of twins), in order ..."""
    cells: np.ndarray
    """... and their model output cells."""
    expand: np.ndarray
    """Position among those of each kept row's summary (its own or its twin's)."""
    repeats: np.ndarray
    """Model output cells of the rows that repeat another ..."""
    originals: np.ndarray
    """... and of the row each repeats."""

    @classmethod
    def from_pilot(cls, pilot: np.ndarray, keep: np.ndarray) -> Twins:
        """Twins among the kept rows (pilot: their values, kept rows x draws; keep: their cells)."""
        first: dict[bytes, int] = {}  # a row's bytes -> the first row with them (10x faster than np.unique)
        rows_bytes = (row.tobytes() for row in np.ascontiguousarray(pilot))
        twin = np.array([first.setdefault(key, i) for i, key in enumerate(rows_bytes)], dtype=np.int64)
        own = twin == np.arange(twin.size)
        position = np.cumsum(own) - 1
        repeats = np.flatnonzero(~own)
        rows = np.flatnonzero(own)
        return cls(
            rows=rows, cells=keep[rows], expand=position[twin], repeats=keep[repeats], originals=keep[twin[repeats]]
        )

    def hold(self, full: np.ndarray) -> bool:
        """Whether every repeating row equals its twin in this batch (full: the model output, cells x draws)."""
        return bool(kernels.rows_equal(full, self.repeats, self.originals))
