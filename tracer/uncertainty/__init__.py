"""Uncertainty: vectorised, chunked, seeded Monte Carlo (single process or dask) and sensitivity.

Modules: `distributions` (declared forms -> vectorised draws), `parameters` (which
coefficients are uncertain, draws -> matrix values), `sources` (mine grade, recovery
and strip ratio drawn at the source), `moved` (fuel per t of rock moved follows the
drawn rock), `propagation` (batched sweeps over a sparse structure), `batch` (the batch
model: every indicator and split for a batch; its wiring in `batch_wiring`),
`statistics` (streaming, mergeable mean, sd and percentiles), `montecarlo` (blocks,
seeds, chunks, the run), `distributed` (dask), `allocator` (reuse of freed batch
memory), `sensitivity` (tornado and Sobol), `runs` (what `tracer mc` and `tracer
sensitivity` run and report).
"""
