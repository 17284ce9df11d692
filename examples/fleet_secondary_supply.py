"""What if the metal recovered from China's end-of-life trucks fed China's car
production: how much would it cut the hidden flows of each year's new cars?

Secondary supply per year comes from the fleet model (bundled truck study); it is
turned into recycled-content shares of the metal that China's 2019 passenger-car
production draws (held at its 2019 size: no production projection is bundled), and
each year's cars are traced with those shares on the bundled supply-chain network.
Aluminium and copper take the network's secondary routes (graphs/data/secondary_*.csv:
scrap as a boundary input, their grid power and furnace fuel traced); steel keeps its
primary supply, so its (large) secondary potential is reported but not credited.

    python examples/fleet_secondary_supply.py
"""

from __future__ import annotations

from hfcommon.vocabulary import HIDDEN_STRESSORS
from tracer import api
from tracer.stock import load_config, run_fleet
from tracer.stock.coupling import (
    hidden_flows_by_year,
    network_metal_demand,
    recycled_shares,
    secondary_supply,
)

YEARS = (2020, 2030, 2040, 2050)


def main() -> None:
    trucks = run_fleet(load_config())
    baseline = api.run()
    demand = network_metal_demand(baseline)
    supply = secondary_supply(trucks)
    demand_by_year = supply[["year"]].drop_duplicates().merge(demand, how="cross")
    shares = recycled_shares(supply, demand_by_year)
    shares = shares[shares["year"].isin(YEARS)]
    fleet = baseline.fleet.to_dict()
    flows = hidden_flows_by_year(shares, {y: fleet for y in YEARS}, baseline.network)
    hidden = flows[flows["stressor"].isin(HIDDEN_STRESSORS)].groupby("year")["value"].sum()
    base = baseline.flows[baseline.flows["stressor"].isin(HIDDEN_STRESSORS)]["value"].sum()

    wide = shares.pivot(index="year", columns="commodity", values="recycled_share")
    print("| year | truck scrap / car demand: Fe | Al | Cu | hidden flows of the year's cars (Mt) | change |")
    print("| --- | --- | --- | --- | --- | --- |")
    for y in YEARS:
        print(f"| {y} | {wide.loc[y, 'iron_ore']:.0%} (not credited) | {wide.loc[y, 'bauxite']:.0%} | "
              f"{wide.loc[y, 'copper']:.0%} | {hidden[y] / 1e6:,.1f} | {hidden[y] / base - 1:+.1%} |")
    print(f"\nwithout truck scrap: {base / 1e6:,.1f} Mt hidden flows (China 2019 car production)")


if __name__ == "__main__":
    main()
