"""README "### Speed", written from one benchmarks/run_all.py report (never edited by hand)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

HEADING = "### Speed"


def _ms(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value / 1e3:.2f} s" if value >= 1000 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def engine_table(rows: list[dict[str, Any]]) -> str:
    """One line per scale: the project's steps beside the plain LU, numpy and bw2calc."""
    head = (
        "| scale | nodes | edges | compile from graph (peak) | compile from tables (peak) | prepare | attribute "
        "| six splits | engine total | scipy LU, 5 vehicles | numpy dense solve | bw2calc | engine / LU | engine / bw2calc |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    lines = [head]
    for r in rows:
        tables = (f"{_ms(r['compile_tables_ms'])} ({r['compile_tables_peak_MiB']:.0f} MiB)"
                  if r.get("compile_tables_ms") is not None else "n/a")  # fmt: skip
        lines.append(
            f"| {r['scale']} | {r['nodes']:,} | {r['edges']:,} | {_ms(r['compile_ms'])} ({r['compile_peak_MiB']:.0f} MiB) "
            f"| {tables} | {_ms(r['prepare_ms'])} | {_ms(r['attribute_ms'])} | {_ms(r['splits_ms'])} "
            f"| {_ms(r['engine_total_ms'])} | {_ms(r['plain_lu_ms'])} | {_ms(r.get('numpy_dense_ms'))} | {_ms(r['bw2calc_ms'])} "
            f"| {_ratio(r['engine_total_ms'], r['plain_lu_ms'])} | {_ratio(r['engine_total_ms'], r['bw2calc_ms'])} |"
        )
    return "\n".join(lines)


def targets(report: dict[str, Any]) -> str:
    """Issue #13's measurable targets, each marked met or missed on this run."""
    largest = report["engine"][-1]
    s = report["startup"]
    checks = [
        ("`tracer --help` under 0.5 s", s["help_s"] < 0.5, f"{s['help_s']:.2f} s wall, {s.get('help_cpu_s', math.nan):.2f} s of CPU"),
        ("`tracer run` under 1.5 s", s["run_s"] < 1.5, f"{s['run_s']:.2f} s wall, {s.get('run_cpu_s', math.nan):.2f} s of CPU"),
        (
            "10,000 Monte Carlo draws per CPU-second on the default network",
            report["mc_default"]["draws_per_cpu_s"] >= 10_000,
            f"{report['mc_default']['draws_per_cpu_s']:,.0f}",
        ),
    ]
    if largest["edges"] >= 1_000_000:
        fastest = min(("compile_tables_ms", "compile_ms"), key=lambda k: math.inf if largest.get(k) is None else largest[k])
        checks.append(
            (
                f"compile {largest['edges']:,} edges under 1 s",
                largest[fastest] < 1000,
                (f"{_ms(largest[fastest])} wall, {_ms(largest.get(fastest.replace('_ms', '_cpu_ms')))} of CPU, "
                f"from {'tables' if fastest == 'compile_tables_ms' else 'the graph'}"),
            )
        )
    if all(r.get("plain_lu_ms") for r in report["engine"]):
        ratios = [r["engine_total_ms"] / r["plain_lu_ms"] for r in report["engine"]]
        checks.append(
            (
                "attribution with all six splits no slower than a plain LU of the same vehicles, at every scale",
                max(ratios) <= 1,
                "engine / LU " + ", ".join(f"{x:.2f}" for x in ratios) + " at scales " + ", ".join(str(r["scale"]) for r in report["engine"]),
            )
        )
    syn = report["mc_synthetic"]
    if syn.get("ratio_per_cpu_s"):
        checks.append(
            (
                "Monte Carlo at least 50x bw2calc's draws per CPU-second on the synthetic network",
                syn["ratio_per_cpu_s"] >= 50,
                f"{syn['ratio_per_cpu_s']:,.0f}x against bw2calc on {syn['bw2calc'].get('solver', 'its default solver')}",
            )
        )
    return "\n".join(f"- {what}: {'met' if ok else 'missed'} ({value})" for what, ok, value in checks)


def mine_db_line(report: dict[str, Any]) -> str:
    """The mine-table rebuild paragraph (`benchmarks/bench_mine_db.py`), empty for reports made before it existed."""
    db = report.get("mine_db")
    if not db:
        return ""
    return (f"**Mine table rebuild** (`benchmarks/bench_mine_db.py`, {db['rows']:,.0f} rows, CPU, best of 3): "
            f"stand-alone build {db['standalone_cpu_s']:.2f} s ({db['standalone_fill_only_cpu_s']:.2f} s with "
            f"gap fills only), allocation {db['allocate_value_cpu_s']:.3f} s by value and "
            f"{db['allocate_mass_cpu_s']:.3f} s by mass; `build_default()` {db['build_default_value_cpu_s']:.2f} s. "
            "`tracer reconcile` repeats these for its allocation and site-data choices.\n\n")


def section(report: dict[str, Any]) -> str:
    """The whole section's text from a report."""
    m, s, mc, syn = report["machine"], report["startup"], report["mc_default"], report["mc_synthetic"]
    ours, bw = syn["ours"], syn["bw2calc"]
    largest = report["engine"][-1]
    bw_version = next((r["bw2calc_version"] for r in report["engine"] if r.get("bw2calc_version")), None)
    bw_engine = (
        f"bw2calc {bw_version} builds its LCA from the same matrices, factorises once and solves each "
        "vehicle (`lci`), without splits."
        if bw_version
        else "bw2calc was not available in this run (it runs in this environment, or in one of its own "
        "given by `--bw-python`), so its column is empty."
    )
    bw_line = (
        f"bw2calc {bw.get('bw2calc', '')}'s stochastic `MultiLCA` ({bw.get('solver', 'solver not reported')}; "
        f"TMR score per vehicle, no splits) managed {bw['iterations_per_cpu_s']:,.1f} draws per CPU-second on the "
        f"same matrices and lognormals: {syn['ratio_per_cpu_s']:,.0f}x fewer than tracer. Its pace depends on its "
        "sparse solver: PARDISO, which bw2calc prefers on x86, pays a fixed cost per factorisation that dominates "
        "on a network this small."
        if bw
        else "bw2calc was not available in this run (it runs in this environment, or in one of its own given by "
        "`--bw-python`), so the ratio against it is not measured here."
    )
    return f"""{HEADING}

Every figure below comes from one run of `python benchmarks/run_all.py --readme README.md`,
which prints them, writes `benchmarks/results.json` and rewrites this section. Machine:
{m['cpu']}, {m['logical_cores']} logical cores, {m['memory_GiB']} GiB; Python {m['python']},
numpy {m['numpy']}, scipy {m['scipy']}. The machine was shared with other work (load
average {m['load_average_start']:.1f} at the start and {m['load_average_end']:.1f} at the end
on {m['logical_cores']} cores), so absolute times are upper bounds; compare the ratios
within one run.

**Start-up** (fresh interpreter, best of 3): `tracer --help` {s['help_s']:.2f} s wall
({s.get('help_cpu_s', math.nan):.2f} s of CPU), `tracer run` on the default network {s['run_s']:.2f} s wall
({s.get('run_cpu_s', math.nan):.2f} s of CPU). The root command lists its subcommands from a
table and imports a command's module only when it runs, so `--help` loads none of
pandas, scipy, matplotlib, geopandas, plotly, dask or SALib (tested).

**Engine** (`benchmarks/bench_engine.py`: synthetic networks of the default one's shape,
scale 1 = 14,592 edges, then 10x and 100x the mining side; medians of 10 runs, one
run at scale 100). `compile from graph` (`compile_network`) reads the networkx graph into
matrices; `compile from tables` (`compile_tables`) builds the same matrices, bit for bit,
from the tidy node, stressor and flow tables the graph was built from. `prepare`
(factorisations and per-material multipliers) runs once per network, `attribute` once per
fleet, `six splits` multiplies out the vehicle, country, mine, material, component and
stage tables (groupings reused). `engine total` is prepare + attribute + six splits of
one fleet from scratch, timed in turn with scipy's sparse LU of (I - A) solved for the
same five vehicles. The numpy baseline is a dense solve, which only fits in memory at
scale 1. {bw_engine}

{engine_table(report['engine'])}

At {largest['edges']:,} edges compile takes {_ms(largest.get('compile_tables_ms'))} from tables
({_ms(largest.get('compile_tables_cpu_ms'))} of CPU, Python peak {largest.get('compile_tables_peak_MiB', math.nan):.0f} MiB)
and {_ms(largest['compile_ms'])} from the networkx graph ({_ms(largest.get('compile_cpu_ms'))} of CPU, peak
{largest['compile_peak_MiB']:.0f} MiB, the graph itself excluded): from the graph, most of the time
is reading networkx's per-edge attribute dicts, which are scattered in memory.

**Monte Carlo, default network** (every indicator and split: {mc['indicators']:,} indicators
from {mc['parameters']:,} uncertain coefficients, one process): {mc['iterations']:,} draws in
{mc['cpu_seconds']:.1f} CPU-s = **{mc['draws_per_cpu_s']:,.0f} draws per CPU-second**
({mc['outside_grid']} percentiles outside their histogram grid). {mc['compare_iterations']:,}
draws took {mc['one_process_s']:.1f} s in one process and {mc['two_workers_run_s']:.1f} s on a
LocalCluster of two workers ({mc['two_workers_with_cluster_start_s']:.1f} s with the cluster's
start): a speed-up of {mc['speedup_two_workers']:.2f} from the second worker, with identical
numbers. One process is therefore the default (`--workers 1`); `--workers N` and
`--scheduler ADDRESS` spread `mc`, `sensitivity` and `sweep` over dask workers
(tracer/parallel.py), whose BLAS is pinned to one thread.

**Monte Carlo, synthetic network** (`benchmarks/bench_montecarlo.py`: {syn['edges']:,} edges,
all lognormal, 5 vehicles, every split, {ours['indicator_rows']:,.0f} indicator rows):
{syn['iterations']:,} draws in {ours['seconds']:.1f} s, {ours['iterations_per_cpu_s']:,.0f} draws
per CPU-second.
{bw_line}

{mine_db_line(report)}Issue #13's targets on this run (timed on the shared machine above):

{targets(report)}
"""


def replace_section(readme: Path, report: dict[str, Any]) -> None:
    """Swap the text from the '### Speed' heading to the next heading of level 2 or 3."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^#{{2,3}} )", re.DOTALL | re.MULTILINE)
    if not pattern.search(text):
        raise SystemExit(f"{readme} has no '{HEADING}' section followed by another heading")
    readme.write_text(pattern.sub(lambda _: section(report) + "\n", text, count=1), encoding="utf-8")
