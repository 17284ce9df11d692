"""China's end-of-life passenger cars by powertrain and battery chemistry, the metal
they return and the hidden flows and CO2 avoided when it displaces primary metal:
the README table and figure (docs/img/fleet_cars_eol.png). Same as
`tracer fleet-cars --mc 1000 --seed 0`.

    python examples/fleet_cars_eol.py
"""

from __future__ import annotations

from pathlib import Path

from tracer.stock import plots
from tracer.stock.car_eol import car_eol_table, load_inputs, per_vehicle_table

YEARS = (2020, 2030, 2040, 2050)
FIGURE = Path(__file__).resolve().parent.parent / "docs" / "img" / "fleet_cars_eol.png"


def main() -> None:
    inputs = load_inputs(2050)
    table = car_eol_table(inputs, from_year=2000, mc=1000, seed=0)
    by = table.set_index(["variable", "year"])

    def cell(variable: str, year: int, scale: float, digits: int) -> str:
        r = by.loc[(variable, year)]
        return f"{r['value'] / scale:.{digits}f} ({r['q05'] / scale:.{digits}f}-{r['q95'] / scale:.{digits}f})"

    print("| year | EoL cars (M) | of which plug-in (M) | Li (kt) | Co (kt) | Ni (kt) | Cu (Mt) | Al (Mt) "
          "| steel (Mt) | hidden flows avoided (Mt) | mean life -1 / +1 yr | CO2 avoided (Mt) |")
    print("| --- " * 12 + "|")
    for y in YEARS:
        plugin = sum(by.loc[(f"eol_cars_{v}", y), "value"] for v in ("BEV-LFP", "BEV-NMC/NCA", "PHEV-LFP", "PHEV-NMC/NCA"))
        h = by.loc[("hidden_avoided_t", y)]
        print(f"| {y} | {cell('eol_cars', y, 1e6, 1)} | {plugin / 1e6:.2f} | "
              f"{cell('recovered_t_lithium', y, 1e3, 1)} | {cell('recovered_t_cobalt', y, 1e3, 1)} | "
              f"{cell('recovered_t_nickel', y, 1e3, 1)} | {cell('recovered_t_copper', y, 1e6, 2)} | "
              f"{cell('recovered_t_aluminium', y, 1e6, 2)} | {cell('recovered_t_steel', y, 1e6, 1)} | "
              f"{cell('hidden_avoided_t', y, 1e6, 0)} | {h['lifetime_minus_1'] / 1e6:.0f} / "
              f"{h['lifetime_plus_1'] / 1e6:.0f} | {cell('co2_avoided_t', y, 1e6, 1)} |")
    wide = table.pivot(index="year", columns="variable", values="value")
    shares = wide.loc[2050, [c for c in wide.columns if c.startswith("hidden_avoided_t_")]] / wide.loc[2050, "hidden_avoided_t"]
    print("\n2050 hidden flows avoided by metal:", ", ".join(f"{k.removeprefix('hidden_avoided_t_')} {v:.0%}"
                                                         for k, v in shares.items()))
    print("\nper car (kg):")
    print(per_vehicle_table(inputs).round(1).to_markdown(index=False))
    plots.car_eol(table, FIGURE)
    print(f"\nwrote {FIGURE}")


if __name__ == "__main__":
    main()
