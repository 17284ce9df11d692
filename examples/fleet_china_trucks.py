"""How many of China's trucks reach end of life each year to 2050, and what is
recycling them worth?

Runs the bundled study (tracer/data/fleet/china_trucks.toml) with a 2 000-draw Monte
Carlo, writes the end-of-life figure to OUT (default: docs/img) and prints a Markdown
table: end-of-life vehicles and mass, value of recovered material, energy and CO2
avoided (central value and 5-95 % range), then the lifespan and saturation
sensitivities. This is the table and figure shown in the README.

    python examples/fleet_china_trucks.py [OUT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tracer.stock import (
    lifespan_sensitivity,
    load_config,
    monte_carlo,
    prepare,
    run_fleet,
)
from tracer.stock.plots import eol_mass_by_class

YEARS = (2020, 2030, 2040, 2050)


def main(out: Path) -> None:
    cfg = load_config()
    setup = prepare(cfg, 2050)
    result = run_fleet(cfg, setup=setup)
    band = monte_carlo(setup, 2000, seed=0).set_index(["year", "variable"])
    eol_mass_by_class(result, out / "fleet_china_trucks_eol.png", band.reset_index())
    s = result.summary.set_index("year")

    def cell(year: int, column: str, scale: float, digits: int = 1) -> str:
        lo, hi = band.loc[(year, column), ["q05", "q95"]] / scale
        return f"{s.loc[year, column] / scale:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"

    print("| year | EoL trucks (million) | EoL mass (Mt) | value (bn USD 2023) | "
          "energy avoided (PJ) | CO2 avoided, fixed factors (Mt) | CO2 avoided, declining factors (Mt) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for y in YEARS:
        print(f"| {y} | {cell(y, 'outflow_vehicles', 1e6, 2)} | {cell(y, 'eol_mass_t', 1e6)} | "
              f"{cell(y, 'value_usd', 1e9)} | {cell(y, 'energy_avoided_gj', 1e6, 0)} | "
              f"{cell(y, 'co2_avoided_fixed_t', 1e6)} | {cell(y, 'co2_avoided_declining_t', 1e6)} |")

    m = result.materials[result.materials["year"] == 2050].groupby("material")[
        ["content_t", "recovered_t", "value_usd"]].sum()
    print("\n2050, by material: content / recovered (kt), value (bn USD)")
    for name, row in m.sort_values("content_t", ascending=False).iterrows():
        value = "no price" if row["value_usd"] == 0 else f"{row['value_usd'] / 1e9:.2f}"
        print(f"  {name:9s} {row['content_t'] / 1e3:10.1f} {row['recovered_t'] / 1e3:10.1f}  {value}")

    sens = lifespan_sensitivity(setup).set_index(["year", "lifetime_shift_years"])
    print("\nlifespan sensitivity, 2050 (shift: EoL mass Mt, CO2 avoided fixed Mt)")
    for shift in (-1.0, 0.0, 1.0):
        row = sens.loc[(2050, shift)]
        print(f"  {shift:+.0f} yr: {row['eol_mass_t'] / 1e6:.1f}, {row['co2_avoided_fixed_t'] / 1e6:.1f}")

    print("\nsaturation sensitivity, 2050 (logistic a: EoL mass Mt)")
    for a in (35e6, 40e6, 50e6):
        alt = run_fleet(cfg.with_changes(saturation_units=a)).summary.set_index("year")
        print(f"  {a / 1e6:.0f} M: {alt.loc[2050, 'eol_mass_t'] / 1e6:.1f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img"))
