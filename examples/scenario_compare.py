"""How much mining waste would copper recycling, LFP batteries or clean power avoid, and where?

Runs the bundled scenarios against the baseline on China's 2019 passenger-car fleet
and prints the change of hidden flows (overburden + waste rock + tailings), at home
and abroad, and per vehicle. Same as `tracer compare baseline copper_recycling lfp
clean_energy combined nev_2030`.

    python examples/scenario_compare.py

Output: one row per scenario with hidden flows (Mt), their change against the
baseline, and the part abroad and at home; then the hidden flows per BEV of the
2019 chemistry mix (LFP lowers them: the cobalt, nickel and lithium chemicals go,
partly offset by more copper foil and the LFP cathode); then every assumption with
its source. The README's scenario table
was measured the same way.
"""

from __future__ import annotations

from tracer.scenarios.compare import compare


def main() -> None:
    """Compare the bundled scenarios and print the headline changes."""
    result = compare(["baseline", "copper_recycling", "lfp", "clean_energy", "combined", "nev_2030"])
    totals = result.totals.set_index(["scenario", "metric"])
    print(f"{'scenario':<18}{'hidden Mt':>12}{'change':>10}{'abroad Mt':>12}{'domestic Mt':>13}")
    for label in result.labels:
        hidden = totals.at[(label, "hidden_t"), "value"] / 1e6
        change = totals.at[(label, "hidden_t"), "change_pct"]
        abroad = totals.at[(label, "abroad_hidden_t"), "value"] / 1e6
        domestic = totals.at[(label, "domestic_hidden_t"), "value"] / 1e6
        print(f"{label:<18}{hidden:>12,.1f}{change:>+9.1f}%{abroad:>12,.1f}{domestic:>13,.1f}")
    per = result.breakdown[(result.breakdown["dimension"] == "per_vehicle") & (result.breakdown["measure"] == "hidden")]
    bev = per[per["key"] == "BEV"].set_index("scenario")["value"]
    print("\nhidden flows per BEV (China 2019 chemistry mix), t/vehicle:")
    for label, value in bev.items():
        print(f"  {label:<18}{value:8.1f}")
    print("\nassumptions and their sources:")
    for row in result.assumptions.itertuples():
        print(f"  [{row.scenario}] {row.key}: {row.setting}\n      {row.source}")


if __name__ == "__main__":
    main()
