"""Uncertainty: vectorised, chunked, seeded Monte Carlo (single process or dask) and sensitivity.

Modules: `distributions` (declared forms -> vectorised draws), `parameters` (which
coefficients are uncertain, draws -> matrix values), `propagation` (batched sweeps
over a sparse structure), `model` (every indicator and split for a batch),
`statistics` (streaming, mergeable mean, sd and percentiles), `montecarlo` (chunks,
seeds, the run), `distributed` (dask), `sensitivity` (tornado and Sobol).
"""
