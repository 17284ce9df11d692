"""The default China-trucks study beside `xu2025` (the inputs Xu, Xiong et al. 2025
state, as summarised in issue 11): the results rows of the README comparison.

    python examples/fleet_xu2025.py
"""

from __future__ import annotations

from tracer.stock.report import stock_report

YEARS = (2020, 2030, 2050)
ROWS = (("stock_vehicles", "stock (million trucks)", 1e6, 1), ("outflow_vehicles", "end-of-life trucks (million)", 1e6, 2),
        ("eol_mass_t", "end-of-life mass (Mt)", 1e6, 1), ("value_usd", "value, 0 %/yr inflation (bn USD)", 1e9, 1),
        ("value_usd_alt_inflation", "value, 2 %/yr inflation (bn USD)", 1e9, 1),
        ("energy_avoided_gj", "energy avoided (PJ)", 1e6, 0), ("co2_avoided_fixed_t", "CO2 avoided, fixed (Mt)", 1e6, 1),
        ("co2_avoided_declining_t", "CO2 avoided, declining (Mt)", 1e6, 1))


def main() -> None:
    runs = {name: stock_report(None if name == "default" else name, mc=2000, seed=1) for name in ("default", "xu2025")}
    print("| result | " + " | ".join(f"{name} {y}" for y in YEARS for name in runs) + " |")
    print("| --- " * (1 + len(YEARS) * len(runs)) + "|")
    for column, label, scale, digits in ROWS:
        cells = []
        for y in YEARS:
            for run in runs.values():
                s = run.result.summary.set_index("year")
                cells.append(f"{s.loc[y, column] / scale:.{digits}f}" if column in s else "-")
        print(f"| {label} | " + " | ".join(cells) + " |")
    for name, run in runs.items():
        band = run.band[(run.band["year"] == 2050) & (run.band["variable"] == "eol_mass_t")].iloc[0]
        sens = run.sensitivity[(run.sensitivity["year"] == 2050)].set_index("lifetime_shift_years")["eol_mass_t"]
        print(f"{name}: 2050 EoL mass 5-95 % {band['q05'] / 1e6:.1f}-{band['q95'] / 1e6:.1f} Mt; "
              f"life -1 / +1 yr {sens[-1.0] / 1e6:.1f} / {sens[1.0] / 1e6:.1f} Mt")
    fits = runs["xu2025"].report["class_fits"]
    for c, f in fits.items():
        print(f"xu2025 {c}: a = {f['a'] / 1e6:.2f} M, k = {f['k']:+.3f}/yr, t_c = {f['t_c']:.1f}, "
              f"rmse = {f['rmse'] / 1e6:.2f} M on {f['n_points']} points")


if __name__ == "__main__":
    main()
