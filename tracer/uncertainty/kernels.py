"""Compiled inner loops of the batched Monte Carlo (numba), where numpy needs big temporaries.

Why: the material sums and the propagation sweeps add up products of gathered rows;
in numpy each term is a gathered copy, a product and an addition over arrays larger
than the CPU cache (the material sums of the default network: 2.5 ms per 128 draws
in numpy, 0.4 ms here). The triangular draws, the block sums and the twins check
likewise save passes over memory.

The numbers are those of the numpy they replace: every sum adds its terms in the
same order in float32 (numba without fastmath fuses no multiply-add), and the
triangular inverse CDF runs in float64 like `distributions._triangular_ppf`. Only
`block_sums` and `gather_sums` reassociate (vectorised float64 sums); their order is
fixed by the compiled code and the row length, so on one machine a block's sums are
the same whichever chunk or worker computes them.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def material_sums(
    X: np.ndarray, Q: np.ndarray, material: np.ndarray, starts: np.ndarray, targets: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """out[targets[r]] = sum over p in run r (starts[r] to starts[r + 1]) of X[material[p]] * Q[p] (over columns)."""
    C, S = X.shape[1], X.shape[2]
    for r in range(targets.size):
        t, first = targets[r], starts[r]
        m = material[first]
        for c in range(C):
            for s in range(S):
                out[t, c, s] = X[m, c, s] * Q[first, s]
        for p in range(first + 1, starts[r + 1]):
            m = material[p]
            for c in range(C):
                for s in range(S):
                    out[t, c, s] += X[m, c, s] * Q[p, s]


@numba.njit(cache=True, nogil=True)
def sweep(
    values: np.ndarray, value: np.ndarray, source: np.ndarray, starts: np.ndarray, targets: np.ndarray,
    X: np.ndarray, out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """out[targets[r]] += sum over edges e of run r of X[source[e]] * values[value[e]] (over columns).

    `out` may be `X` itself when no target is a source (a generation of a DAG).
    """
    C, S = X.shape[1], X.shape[2]
    acc = np.empty((C, S), dtype=X.dtype)
    for r in range(targets.size):
        acc[:] = 0.0
        for e in range(starts[r], starts[r + 1]):
            j, v = source[e], value[e]
            for c in range(C):
                for s in range(S):
                    acc[c, s] += X[j, c, s] * values[v, s]
        t = targets[r]
        for c in range(C):
            for s in range(S):
                out[t, c, s] += acc[c, s]


@numba.njit(cache=True, nogil=True)
def summed_products(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
    left: np.ndarray, left_row: np.ndarray, right: np.ndarray, right_row: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """M @ (left[left_row] * right[right_row]) for a CSR matrix M, without the product's temporary.

    As scipy's CSR product: each output row sums its entries in stored order from zero.
    """
    rows, S = indptr.size - 1, left.shape[1]
    out = np.zeros((rows, S), dtype=left.dtype)
    for r in range(rows):
        for k in range(indptr[r], indptr[r + 1]):
            i, j, d = left_row[indices[k]], right_row[indices[k]], data[k]
            for s in range(S):
                out[r, s] += d * (left[i, s] * right[j, s])
    return out


@numba.njit(cache=True, nogil=True)
def rows_equal(values: np.ndarray, rows: np.ndarray, others: np.ndarray) -> bool:  # pragma: no cover - compiled
    """Whether values[rows[i]] == values[others[i]] for every i (NaN equals nothing)."""
    for i in range(rows.size):
        a, b = rows[i], others[i]
        for s in range(values.shape[1]):
            if values[a, s] != values[b, s]:
                return False
    return True


@numba.njit(cache=True, nogil=True)
def triangular(
    low: np.ndarray, mode: np.ndarray, high: np.ndarray, u: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """out[i] = inverse CDF of triangular(low[i], mode[i], high[i]) at u[i], in float64 (as `_triangular_ppf`)."""
    for i in range(u.shape[0]):
        a, m, b = low[i], mode[i], high[i]
        width = b - a
        split = (m - a) / width
        for s in range(u.shape[1]):  # both sides' arguments, one square root: no branch to mispredict
            p = np.float64(u[i, s])
            rising = p < split
            root = np.sqrt(p * width * (m - a) if rising else (1.0 - p) * width * (b - m))
            out[i, s] = a + root if rising else b - root


@numba.njit(cache=True, nogil=True, fastmath={"reassoc"})
def block_sums(values: np.ndarray, shift: np.ndarray, s1: np.ndarray, s2: np.ndarray) -> None:  # pragma: no cover
    """s1[r], s2[r] = sums of d and d * d over row r of a block, d = values[r] - shift[r] in float32, in float64.

    The sums may be reassociated (fastmath "reassoc" only: no NaN or infinity
    assumptions, no fused multiply-add), which vectorises them: 3x faster. The
    order is fixed by the compiled code and the row length, so a block's sums are
    the same whichever chunk or worker computes them on one machine.
    """
    for r in range(values.shape[0]):
        shifted = shift[r]
        t1 = t2 = 0.0
        for s in range(values.shape[1]):
            d = values[r, s] - shifted
            t1 += d
            t2 += d * d
        s1[r], s2[r] = t1, t2


@numba.njit(cache=True, nogil=True, fastmath={"reassoc"})
def gather_sums(
    full: np.ndarray, cells: np.ndarray, shift: np.ndarray, out: np.ndarray, s1: np.ndarray, s2: np.ndarray
) -> None:  # pragma: no cover - compiled
    """out[i] = full[cells[i]] and its block sums (as `block_sums`), in one pass over the row."""
    for i in range(cells.size):
        c, shifted = cells[i], shift[i]
        t1 = t2 = 0.0
        for s in range(full.shape[1]):
            x = full[c, s]
            out[i, s] = x
            d = x - shifted
            t1 += d
            t2 += d * d
        s1[i], s2[i] = t1, t2


@numba.njit(cache=True, nogil=True)
def scale_by_rock_moved(
    a: np.ndarray, b: np.ndarray, fuel: np.ndarray, moved: np.ndarray, moved0: np.ndarray
) -> None:  # pragma: no cover - compiled
    """a[fuel[k]] *= (1 + sum of b[moved[k, c]] over c with moved[k, c] >= 0) / moved0[k] (over columns), in float32.

    The sum runs in the order of `tracer.uncertainty.moved._rock_moved`, so a draw at the
    compiled values scales by exactly 1.
    """
    total = np.empty(a.shape[1], dtype=np.float32)
    for k in range(fuel.size):
        total[:] = 1.0
        for c in range(moved.shape[1]):
            p = moved[k, c]
            if p >= 0:
                for s in range(total.size):
                    total[s] += b[p, s]
        row, scale = fuel[k], moved0[k]
        for s in range(total.size):
            a[row, s] *= total[s] / scale
