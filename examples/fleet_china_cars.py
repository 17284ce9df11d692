"""How many of China's passenger cars reach end of life each year to 2050, and what is
recycling them worth?

Runs the bundled car study (tracer/data/fleet/china_cars.toml: NBS small and mini
passenger vehicles, every car with the tracer's ICEV bill of materials) with a
1 000-draw Monte Carlo and prints the Markdown table shown in the README.

    python examples/fleet_china_cars.py
"""

from __future__ import annotations

from tracer.stock import load_config, monte_carlo, prepare, run_fleet
from tracer.stock.tables import DATA_DIR

YEARS = (2020, 2030, 2040, 2050)


def main() -> None:
    cfg = load_config(DATA_DIR / "china_cars.toml")
    setup = prepare(cfg, 2050)
    result = run_fleet(cfg, setup=setup)
    band = monte_carlo(setup, 1000, seed=0).set_index(["year", "variable"])
    s = result.summary.set_index("year")
    fit = setup.projection.fit
    print(f"logistic fit: a = {fit.a / 1e6:.0f} +- {fit.a_se / 1e6:.0f} million, "
          f"t_c = {fit.t_c:.1f}, rmse = {fit.rmse / 1e6:.2f} million on {fit.n_points} points\n")

    def cell(year: int, column: str, scale: float, digits: int = 1) -> str:
        lo, hi = band.loc[(year, column), ["q05", "q95"]] / scale
        return f"{s.loc[year, column] / scale:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"

    print("| year | stock (million) | EoL cars (million) | EoL mass (Mt) | value (bn USD 2023) | "
          "CO2 avoided, fixed factors (Mt) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for y in YEARS:
        print(f"| {y} | {s.loc[y, 'stock_vehicles'] / 1e6:.0f} | {cell(y, 'outflow_vehicles', 1e6, 1)} | "
              f"{cell(y, 'eol_mass_t', 1e6)} | {cell(y, 'value_usd', 1e9)} | "
              f"{cell(y, 'co2_avoided_fixed_t', 1e6)} |")


if __name__ == "__main__":
    main()
