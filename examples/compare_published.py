"""How do our figures compare with the published study of China's 2019 passenger cars?

Prints a Markdown table: Wang et al., Nature Communications 16, 9217 (2025), beside
`tracer run` on the bundled data. The published figures are the reference only;
nothing here or in the engine is fitted to them.

    python examples/compare_published.py
"""

from __future__ import annotations

from tracer.api import run

PUBLISHED = {
    "total_tmr_t": "1,163 Mt",
    "hidden_t": "1,106 Mt",
    "hidden_to_used": "35",
    "car_sector_share": "3 %",
    "abroad_share": "48 %",
    "top_abroad": "Chile, Australia, Peru, South Africa",
    "nev_to_conventional_hidden": "> 3",
}
LABELS = {
    "total_tmr_t": "material extracted (TMR)",
    "hidden_t": "hidden flows (overburden + waste rock + tailings)",
    "hidden_to_used": "hidden flows / resources finally used",
    "car_sector_share": "share of extraction that enters the car sector",
    "abroad_share": "share of hidden flows abroad",
    "top_abroad": "largest countries abroad (share of hidden flows)",
    "nev_to_conventional_hidden": "hidden flows per new-energy / per conventional car",
}


def ours(summary: dict) -> dict[str, str]:
    """Our figures, formatted like the published ones."""
    abroad = [row for row in summary["top_countries"] if row["country"] != summary["home"]][:5]
    per_vehicle = summary["per_vehicle_hidden_t"]
    return {
        "total_tmr_t": f"{summary['total_tmr_t'] / 1e6:,.0f} Mt",
        "hidden_t": f"{summary['hidden_t'] / 1e6:,.0f} Mt",
        "hidden_to_used": f"{summary['hidden_to_used']:.1f}",
        "car_sector_share": f"{100 * summary['car_sector_share']:.1f} %",
        "abroad_share": f"{100 * summary['abroad_share']:.0f} %",
        "top_abroad": ", ".join(f"{row['country']} ({100 * row['share_of_hidden']:.1f} %)" for row in abroad),
        "nev_to_conventional_hidden": f"{summary['nev_to_conventional_hidden']:.1f} "
        f"(BEV {per_vehicle['BEV']:.0f} t, PHEV {per_vehicle['PHEV']:.0f} t, ICEV {per_vehicle['ICEV']:.0f} t)",
    }


def main() -> None:
    """Print the comparison table."""
    figures = ours(run().summary)
    print("| indicator | published | `tracer run` |")
    print("| --- | ---: | ---: |")
    for key, label in LABELS.items():
        print(f"| {label} | {PUBLISHED[key]} | {figures[key]} |")


if __name__ == "__main__":
    main()
