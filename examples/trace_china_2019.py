"""How many tonnes of rock stand behind China's 2019 passenger cars, and where?

Runs the tracer on the bundled default network and fleet and prints the headline
figures: total material requirement (TMR) split into overburden, waste rock,
tailings, process residues and used material; the hidden-to-used ratio; the share of
hidden flows abroad; the five countries with the largest hidden flows.

    python examples/trace_china_2019.py
"""

from __future__ import annotations

from tracer.api import run


def main() -> None:
    """Print the fleet's headline figures."""
    summary = run().summary
    print(f"TMR of the fleet: {summary['total_tmr_t'] / 1e6:,.1f} Mt")
    for stressor, tonnes in summary["by_stressor_t"].items():
        print(f"  {stressor:16s} {tonnes / 1e6:10,.1f} Mt")
    print(f"hidden flows: {summary['hidden_t'] / 1e6:,.1f} Mt, {summary['hidden_to_used']:.1f} times the mass used")
    print(f"share of extraction that ends up in the cars: {100 * summary['car_sector_share']:.1f} %")
    print(f"hidden flows abroad (home {summary['home']}): {100 * summary['abroad_share']:.1f} %")
    for row in summary["top_countries"][:5]:
        print(f"  {row['country']}: {row['hidden_t'] / 1e6:,.1f} Mt ({100 * row['share_of_hidden']:.1f} %)")


if __name__ == "__main__":
    main()
