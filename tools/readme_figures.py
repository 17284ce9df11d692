"""Regenerate the README's figure blocks from the tool's own `--json` output.

Each block between `<!-- figures:NAME:start -->` and `<!-- figures:NAME:end -->` in
README.md is rewritten from a fresh run on the bundled data, so no figure in it is typed
by hand and none goes stale when the data change:

- `headline`: the quick-start table (`tracer run --json`, `tracer mc --json`);
- `scenarios`: the comparison of the bundled scenarios (`tracer compare --json`);
- `sweep`: the copper recycled-content sweep (`tracer sweep --json`);
- `mc`: the Monte Carlo ranges per vehicle (`tracer mc --json`);
- `carbonmc`: the Monte Carlo range of CO2e per vehicle (`tracer mc --out`);
- `sobol`: what drives one vehicle's range (`tracer sensitivity --json`);
- `carbon`: CO2e per vehicle by group and country (`tracer run --json`);
- `levers`: the procurement levers' hidden-flow / CO2e trade-off (`tracer compare --json`);
- `assumptions`: the assumption ranking (`tracer.assumption_ranking`, as `tracer assumptions`);
- `assumptiontable`: the stock rows of hfcommon/data/assumptions.csv (no run).

    python tools/readme_figures.py [--iterations N] [--only NAME ...]   # default 16,384 draws, seed 1
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from hfcommon.output import atomic_path

README = Path(__file__).resolve().parents[1] / "README.md"
SCENARIOS = ["baseline", "copper_recycling", "lfp", "clean_energy", "combined", "nev_2030", "copper_grade_2030"]
SWEEP_VALUES = [0.0, 0.2, 0.4, 0.6]
LEVERS = ["baseline", "steel_eaf", "steel_scrap_eaf", "steel_dri", "aluminium_hydro", "aluminium_recycled", "iron_ore_brazil"]
MT = 1e6


def tracer_json(*args: str) -> Any:
    """What `tracer ARGS --json` prints, parsed."""
    tracer = Path(sys.executable).with_name("tracer")  # the one installed beside this Python
    done = subprocess.run([str(tracer), *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def mt(value: float) -> str:
    return f"{value / MT:,.1f}"


def signed(value: float, digits: int = 1) -> str:
    return f"{value:+,.{digits}f}"


def headline_block(run: dict[str, Any], mc: dict[str, Any]) -> str:
    fleet = _mc_row(mc, "fleet", "hidden")
    per_vehicle = run["per_vehicle_tmr_t"]
    top = ", ".join(_top_abroad(run))
    return "\n".join([
        "| China 2019 passenger cars | this tool |",
        "| --- | ---: |",
        f"| material extracted (TMR) | {run['total_tmr_t'] / MT:,.0f} Mt |",
        "| of which hidden flows (overburden + waste rock + tailings) | "
        f"{run['hidden_t'] / MT:,.0f} Mt (Monte Carlo p5-p95 {fleet['p5'] / MT:,.0f}-{fleet['p95'] / MT:,.0f} Mt) |",
        f"| hidden flows per unit of material in the cars | {run['hidden_to_used']:.1f} |",
        f"| hidden flows abroad (home {run['home']}) | {100 * run['abroad_share']:.0f} % ({top} lead) |",
        "| TMR per car: ICEV / BEV (2019 chemistry mix) / BEV-LFP | "
        f"{per_vehicle['ICEV']:.1f} / {per_vehicle['BEV']:.1f} / {per_vehicle['BEV-LFP']:.1f} t |",
    ])


def _top_abroad(run: dict[str, Any], n: int = 4) -> list[str]:
    import pycountry

    countries = run.get("top_countries") or []
    names = []
    for row in countries:
        code = row.get("country") if isinstance(row, dict) else None
        if code and code != run["home"]:
            country = pycountry.countries.get(alpha_3=code)
            names.append(getattr(country, "common_name", None) or (country.name if country else code))
    return names[:n]


def scenarios_block(compared: dict[str, Any]) -> str:
    rows = [
        "| scenario | TMR | hidden | Δ hidden | Δ overburden | Δ waste rock | Δ tailings "
        "| Δ process residue | Δ hidden at home | Δ hidden abroad |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in compared["scenarios"]:
        t, d, pct = s["totals"], s["change"], s["change_pct"]
        changes = [mt(d[k]) if d[k] < 0 else "+" + mt(d[k]) for k in
                   ("overburden_t", "waste_rock_t", "tailings_t", "process_residue_t",
                    "domestic_hidden_t", "abroad_hidden_t")]
        hidden = f"{'+' if d['hidden_t'] >= 0 else ''}{mt(d['hidden_t'])} ({signed(pct['hidden_t'])} %)"
        rows.append(f"| {s['name']} | {mt(t['total_tmr_t'])} | {mt(t['hidden_t'])} | {hidden} | " + " | ".join(changes) + " |")
    shown = {s["name"]: s["per_vehicle_hidden_t"] for s in compared["scenarios"]}
    picks = [n for n in ("baseline", "copper_recycling", "lfp", "combined") if n in shown]
    lines = []
    for vehicle in ("ICEV", "PHEV", "BEV"):
        parts = [f"{shown[n][vehicle]:.1f} {'in the ' if n == 'baseline' else 'with '}{_label(n)}" for n in picks]
        lines.append(f"{vehicle} " + ", ".join(parts))
    return "\n".join(rows) + "\n\nHidden flows per vehicle (t/vehicle): " + "; ".join(lines) + "."


def _label(name: str) -> str:
    return {"baseline": "baseline", "copper_recycling": "copper recycling", "lfp": "LFP",
            "combined": "combined"}[name]


def sweep_block(swept: dict[str, Any]) -> str:
    hidden = [row["hidden_t"] for row in swept["steps"]]
    abroad = [row["abroad_hidden_t"] for row in swept["steps"]]
    shares = ", ".join(f"{100 * v:.0f}" for v in SWEEP_VALUES)
    change = 100 * (hidden[-1] / hidden[0] - 1)
    return (f"Copper recycled content {shares} %: hidden flows "
            f"{', '.join(mt(v) for v in hidden)} Mt ({change:+.1f} % at {100 * SWEEP_VALUES[-1]:.0f} %), "
            f"of which abroad {', '.join(mt(v) for v in abroad)} Mt.")


def mc_block(mc: dict[str, Any], order: list[str]) -> str:
    fleet = _mc_row(mc, "fleet", "hidden")
    icev = _mc_row(mc, "ICEV", "hidden")
    rows = [
        f"With {mc['iterations']:,} draws (seed {mc['seed']}, {mc['uncertain_parameters']:,} uncertain "
        f"coefficients) the fleet's hidden flows are {mt(fleet['nominal'])} Mt nominal, median "
        f"{mt(fleet['p50'])}, mean {mt(fleet['mean'])}, p5-p95 {fleet['p5'] / MT:,.0f}-{fleet['p95'] / MT:,.0f} Mt; "
        f"ICEV {icev['nominal']:.1f} t nominal, {icev['p5']:.1f}-{icev['p95']:.1f} t.",
        "",
        "| vehicle | TMR nominal | TMR mean | TMR p5 – p95 | hidden p5 – p95 | hidden-to-used p5 – p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    drawn = {r["vehicle"] for r in mc["headline"] if r["stressor"] == "tmr"}
    for vehicle in [v for v in [*order, "fleet"] if v in drawn]:
        scale = MT if vehicle == "fleet" else 1.0
        tmr, hidden = _mc_row(mc, vehicle, "tmr"), _mc_row(mc, vehicle, "hidden")
        ratio = _mc_row(mc, vehicle, "hidden_to_used")
        rows.append(
            f"| {'fleet (Mt)' if vehicle == 'fleet' else vehicle} | {tmr['nominal'] / scale:,.1f} | "
            f"{tmr['mean'] / scale:,.1f} | {tmr['p5'] / scale:,.1f} – {tmr['p95'] / scale:,.1f} | "
            f"{hidden['p5'] / scale:,.1f} – {hidden['p95'] / scale:,.1f} | {ratio['p5']:.1f} – {ratio['p95']:.1f} |")
    return "\n".join(rows)


def sobol_block(sens: dict[str, Any]) -> str:
    groups = sorted((r for r in sens["sobol"] if r["indicator"] == "hidden"), key=lambda r: -r["ST"])
    ranked = ", ".join(f"{r['group']} {r['ST']:.2f}" for r in groups[:6])
    top = sens["tornado_top"][0]
    return (f"Sobol total indices ({sens['vehicle']}, {sens['sobol_samples']} base samples, hidden flows, "
            f"seed {sens['seed']}): {ranked}. The largest single swing is `{top['parameter']}` "
            f"(p5-p95 {top['p5_value']:.3g}-{top['p95_value']:.3g}): {top['indicator_at_low']:.1f} to "
            f"{top['indicator_at_high']:.1f} t per vehicle around {top['indicator_nominal']:.1f} t.")


def carbon_block(run: dict[str, Any]) -> str:
    groups = ("steel", "aluminium", "battery", "rest")
    rows = [
        f"The fleet emits {run['co2_t'] / MT:,.1f} Mt CO2e ({run['co2_by_group_t']['steel'] / MT:,.1f} steel, "
        f"{run['co2_by_group_t']['aluminium'] / MT:,.1f} aluminium, {run['co2_by_group_t']['battery'] / MT:,.1f} "
        f"traction batteries, {run['co2_by_group_t']['rest'] / MT:,.1f} the rest). Per vehicle, t:",
        "",
        "| vehicle | TMR t | hidden t | CO2e t | steel | aluminium | battery | rest | China | Australia "
        "| world coal (WLD) | other |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for vehicle, total in run["per_vehicle_co2_t"].items():
        shares = run["per_vehicle_co2_shares"][vehicle]
        where = run["per_vehicle_co2_by_country_t"][vehicle]
        named = [where.get(c, 0.0) for c in ("CHN", "AUS", "WLD")]
        cells = [f"{total * (shares[g] or 0.0):.2f}" for g in groups]
        rows.append(f"| {vehicle} | {run['per_vehicle_tmr_t'][vehicle]:.1f} | {run['per_vehicle_hidden_t'][vehicle]:.1f} "
                    f"| {total:.2f} | {' | '.join(cells)} | {named[0]:.2f} | {named[1]:.3f} | {named[2]:.3f} "
                    f"| {total - sum(named):.3f} |")
    return "\n".join(rows + ["", *carbon_material_rows(run)])


def carbon_material_rows(run: dict[str, Any], shown: int = 7) -> list[str]:
    """CO2e per vehicle by material: the `shown` largest over all vehicles, the other materials, and
    what crosses no material (assembly and paint, cell-factory electricity)."""
    by_material = run["per_vehicle_co2_by_material_t"]
    totals: dict[str, float] = {}
    for flows in by_material.values():
        for material, t in flows.items():
            if material != "(none)":
                totals[material] = totals.get(material, 0.0) + t
    top = sorted(totals, key=totals.__getitem__, reverse=True)[:shown]
    names = [m.removeprefix("material:").replace("_", " ") for m in top]
    rows = ["Per vehicle by material (t CO2e; \"no material\": assembly, paint and cell-factory electricity):", "",
            f"| vehicle | {' | '.join(names)} | other materials | no material |",
            "| --- |" + " ---: |" * (len(top) + 2)]
    for vehicle, flows in by_material.items():
        cells = [flows.get(m, 0.0) for m in top]
        none = flows.get("(none)", 0.0)
        other = sum(flows.values()) - sum(cells) - none
        rows.append(f"| {vehicle} | {' | '.join(f'{c:.2f}' for c in cells)} | {other:.2f} | {none:.2f} |")
    return rows


def levers_block(compared: dict[str, Any]) -> str:
    trade = {row["scenario"]: row for row in compared["tradeoff"]}
    base = trade[compared["reference"]]
    rows = [
        f"Against the baseline ({base['hidden_t_per_vehicle']:.2f} t hidden flows and "
        f"{base['co2_t_per_vehicle']:.2f} t CO2e per vehicle of the 2019 fleet):",
        "",
        "| scenario | lever | hidden t/vehicle | CO2e t/vehicle | abroad hidden | home hidden |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for scenario in compared["scenarios"][1:]:
        row, change = trade[scenario["name"]], scenario["change_pct"]
        rows.append(f"| `{scenario['name']}` | {scenario['title']} | {signed(row['hidden_change_t'], 2)} "
                    f"({signed(row['hidden_change_pct'])} %) | {signed(row['co2_change_t'], 2)} "
                    f"({signed(row['co2_change_pct'])} %) | {signed(change['abroad_hidden_t'])} % "
                    f"| {signed(change['domestic_hidden_t'])} % |")
    return "\n".join(rows)


def database_block() -> str:
    import mine_db

    table = mine_db.load_default()
    named = table[table.resolution == "mine"]
    per = []
    for code, rows in table.groupby("commodity"):
        own = rows[rows.resolution == "mine"]
        share = 100 * own.metal_t.sum() / rows.metal_t.sum()
        per.append(f"{code.replace('_', ' ')} {share:.1f} % ({len(own)}; {(own.grade_fill == 'mine').sum()} / "
                   f"{(own.strip_ratio_fill == 'mine').sum()})")
    hidden_named = 100 * named.hidden_t.sum() / table.hidden_t.sum()
    return (f"The table holds {len(table)} rows: {len(named)} named-mine rows in {named.country.nunique()} countries "
            f"and {len(table) - len(named)} rest-of-country rows. Coverage (share of 2019 world production in named "
            f"mines; named rows; those with their own head grade / strip ratio): " + ", ".join(per) + ". "
            f"Overall {100 * (named.grade_fill == 'mine').mean():.0f} % of named rows carry their own grade and "
            f"{100 * (named.strip_ratio_fill == 'mine').mean():.0f} % their own strip ratio; named rows carry "
            f"{hidden_named:.1f} % of all hidden tonnes of the table (`tracer db coverage` weighs them by the fleet).")


def network_block(info: dict[str, Any]) -> str:
    return (f"The default network holds {info['nodes']:,} nodes and {info['edges']:,} edges in "
            f"{len(info['countries'])} countries (`tracer graph info`); its formulas read {info['assumptions']} "
            f"`network` rows of the assumptions table.")


def carbon_mc_block(drawn: pd.DataFrame, mc: dict[str, Any]) -> str:
    co2 = drawn[(drawn.split == "total") & (drawn.stressor == "co2")].set_index("vehicle")
    fleet, icev, bev = (co2.loc[v] for v in ("fleet", "ICEV", "BEV"))
    return (f"With {mc['iterations']:,} draws (seed {mc['seed']}) the fleet's {fleet.nominal / MT:,.1f} Mt CO2e "
            f"nominal has a median of {fleet.p50 / MT:,.1f} Mt and a p5-p95 of {fleet.p5 / MT:,.1f}-"
            f"{fleet.p95 / MT:,.1f} Mt; ICEV {icev.nominal:.2f} t nominal, {icev.p5:.2f}-{icev.p95:.2f} t; "
            f"BEV {bev.nominal:.2f} t nominal, {bev.p5:.2f}-{bev.p95:.2f} t.")


def _mc_row(mc: dict[str, Any], vehicle: str, stressor: str) -> dict[str, Any]:
    for row in mc["headline"]:
        if row["vehicle"] == vehicle and row["stressor"] == stressor and row["split"] == "total":
            return row
    raise SystemExit(f"tracer mc --json has no total row for {vehicle} {stressor}")


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- figures:{name}:start -->\n).*?(<!-- figures:{name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- figures:{name}:start --> ... end block")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def assumptions_block(shown: int = 15, shown_ranges: int = 10) -> str:
    """The ranking of `tracer assumptions`, computed in process (one mine table for all runs)."""
    from tracer.assumption_ranking import (
        RANGE_MOVES,
        STEP_MOVES,
        rank_assumptions,
        ranking,
    )

    reference, runs = rank_assumptions()
    stepped, ranged = ranking(runs, STEP_MOVES), ranking(runs, RANGE_MOVES)
    factors = ranged["assumption"].str.endswith("_factor").sum()
    return "\n".join([
        f"Reference run (default fleet, bundled tables): {mt(reference['total_tmr_t'])} Mt TMR, "
        f"{mt(reference['hidden_t'])} Mt hidden flows, {mt(reference['co2e_t'])} Mt CO2e; {len(runs)} runs. "
        f"{len(stepped)} assumptions moved by ±20 %, the top {shown} ranked by |Δ hidden flows|:",
        "",
        *_ranking_table(stepped.head(shown)),
        "",
        f"Set to the ends of its own range instead ({len(ranged)} assumptions with a range, {factors} of them "
        f"`*_factor` rows), the top {shown_ranges}:",
        "",
        *_ranking_table(ranged.head(shown_ranges)),
    ])


def _ranking_table(table: pd.DataFrame) -> list[str]:
    lines = ["| rank | assumption | value | tried | Δ hidden (Mt) | \\|Δ\\| hidden | largest \\|Δ\\| of a vehicle type's "
             "TMR | Δ CO2e (Mt) |", "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for i, r in enumerate(table.itertuples(), 1):
        lines.append(f"| {i} | `{r.assumption}` | {r.value:.4g} | {_pair(r.low, r.high, lambda v: f'{v:.4g}')} | "
                     f"{_pair(r.delta_hidden_low_t, r.delta_hidden_high_t, _signed_mt)} | "
                     f"{r.abs_delta_hidden_pct:.2f} % | {_vehicle(r.abs_delta_vehicle_tmr_pct, r.vehicle)} | "
                     f"{_pair(r.delta_co2e_low_t, r.delta_co2e_high_t, _signed_mt)} |")
    return lines


def _vehicle(pct: float, vehicle: str | None) -> str:
    return f"{pct:.2f} % ({vehicle})" if isinstance(vehicle, str) else "0 (no vehicle's TMR moves)"


def _signed_mt(value: float) -> str:
    """Mt with two decimals and a sign; below 0.005 Mt it reads 0.00 (no '-0.00')."""
    return "0.00" if abs(value) < 0.005 * MT else signed(value / MT, 2)


def _pair(low: float, high: float, text: Callable[[float], str]) -> str:
    return " / ".join("–" if pd.isna(v) else text(v) for v in (low, high))


def assumption_table_block() -> str:
    """The `stock` rows of the one assumptions table, as the README lists them."""
    from hfcommon.assumptions import load_assumptions

    lines = ["| id | assumption | value | why |", "| --- | --- | --- | --- |"]
    for row in load_assumptions().values():
        if row.scope == "stock":
            cells = (row.id, row.parameter, row.value, row.reason)
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=16_384)
    parser.add_argument("--only", action="append", metavar="NAME", help="rewrite only this block (repeatable)")
    args = parser.parse_args()
    iterations = str(args.iterations)

    @functools.cache
    def mc_and_drawn() -> tuple[dict[str, Any], pd.DataFrame]:
        with tempfile.TemporaryDirectory() as tmp:
            mc = tracer_json("mc", "--iterations", iterations, "--seed", "1", "--out", tmp)
            return mc, pd.read_parquet(Path(tmp) / "montecarlo.parquet")

    @functools.cache
    def run() -> dict[str, Any]:
        return tracer_json("run")

    builders: dict[str, Callable[[], str]] = {
        "headline": lambda: headline_block(run(), mc_and_drawn()[0]),
        "scenarios": lambda: scenarios_block(tracer_json("compare", *SCENARIOS)),
        "sweep": lambda: sweep_block(tracer_json(
            "sweep", "recycled_content.copper.share", "--values", ",".join(map(str, SWEEP_VALUES)),
            "--scenario", "copper_recycling")),
        "mc": lambda: mc_block(mc_and_drawn()[0], list(run()["per_vehicle_tmr_t"])),
        "database": database_block,
        "network": lambda: network_block(tracer_json("graph", "info")),
        "sobol": lambda: sobol_block(tracer_json("sensitivity", "--vehicle", "BEV-NMC811")),
        "carbon": lambda: carbon_block(run()),
        "carbonmc": lambda: carbon_mc_block(mc_and_drawn()[1], mc_and_drawn()[0]),
        "levers": lambda: levers_block(tracer_json("compare", *LEVERS)),
        "assumptions": assumptions_block,
        "assumptiontable": assumption_table_block,
    }
    unknown = sorted(set(args.only or ()) - set(builders))
    if unknown:
        parser.error(f"unknown block(s) {', '.join(unknown)}; choose from {', '.join(builders)}")
    text = README.read_text(encoding="utf-8")
    for name, build in builders.items():
        if not args.only or name in args.only:
            text = replace_block(text, name, build())
    with atomic_path(README) as tmp:
        tmp.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
