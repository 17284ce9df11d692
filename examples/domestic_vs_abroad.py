"""How much of the hidden burden of China's cars lies abroad, and how does it look from elsewhere?

The flow table is computed once; the domestic vs abroad split is then taken for any
home country (here China, Chile and Australia): the same flows, seen from another
border.

    python examples/domestic_vs_abroad.py
"""

from __future__ import annotations

from tracer import indicators
from tracer.api import run


def main() -> None:
    """Print the hidden flows at home and abroad for three home countries."""
    flows = run().flows
    for home in ("CHN", "CHL", "AUS"):
        split = indicators.domestic_abroad(flows, home)
        print(
            f"home {home}: {split['domestic_hidden_t'] / 1e6:8,.1f} Mt at home, "
            f"{split['abroad_hidden_t'] / 1e6:8,.1f} Mt abroad ({100 * split['abroad_share']:.1f} %)"
        )
    print("\nlargest mines behind the fleet (hidden flows):")
    top = indicators.share_table(flows[flows["mine"] != ""], ["mine", "country"], 8, float(indicators.hidden(flows)["value"].sum()))
    for row in top.itertuples():
        print(f"  {row.mine:40s} {row.country}  {row.hidden_t / 1e6:8,.2f} Mt ({100 * row.share_of_hidden:.1f} %)")


if __name__ == "__main__":
    main()
