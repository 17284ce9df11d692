"""Declared uncertainty must describe the coefficient it sits on, in the same unit.

A distribution left in kg on an amount converted to t is off by 1000x and silently
wrecks every Monte Carlo range; these tests pin the relation on the default network.
"""

from __future__ import annotations

import math

import pytest

from graphs import build_default_network
from graphs.model import Distribution


def _brackets(dist: Distribution, value: float) -> bool:
    """Whether the distribution's central range holds the nominal value."""
    p = dist.params
    if dist.kind == "uniform":
        return p[0] <= value <= p[1]
    if dist.kind == "triangular":
        return p[0] <= value <= p[2]
    if dist.kind == "normal":
        return abs(value - p[0]) <= 3 * p[1] + 1e-12 * abs(value)
    median = math.exp(p[0])  # lognormal(mu, sigma): median e^mu
    return median * math.exp(-3 * p[1]) <= value <= median * math.exp(3 * p[1])


@pytest.fixture(scope="module")
def network():
    return build_default_network()


def test_every_edge_distribution_brackets_its_amount(network):
    bad = [
        (u, v, d["amount"], d["uncertainty"].to_text())
        for u, v, d in network.edges(data=True)
        if d.get("uncertainty") is not None and not _brackets(d["uncertainty"], d["amount"])
    ]
    assert bad == []


def test_every_stressor_distribution_brackets_its_value(network):
    bad = [
        (n, s, d["stressors"][s], dist.to_text())
        for n, d in network.nodes(data=True)
        for s, dist in (d.get("stressor_uncertainty") or {}).items()
        if not _brackets(dist, d["stressors"][s])
    ]
    assert bad == []


def test_bom_distribution_is_converted_with_its_amount(network):
    """catalytic converter PGM: kg per unit in the table, t per unit on the edge."""
    edge = network.edges["material:pgm", "component:catalytic_converter"]
    dist = edge["uncertainty"]
    assert dist is not None
    assert dist.params[0] <= edge["amount"] <= dist.params[-1]
    assert dist.params[-1] < 1e-4  # grams, not kilograms, per converter in t


@pytest.mark.parametrize(
    ("dist", "factor", "expected"),
    [
        (Distribution("triangular", (1.0, 2.0, 4.0)), 0.5, (0.5, 1.0, 2.0)),
        (Distribution("uniform", (2.0, 3.0)), 1e-3, (2e-3, 3e-3)),
        (Distribution("normal", (10.0, 1.0)), 2.0, (20.0, 2.0)),
        (Distribution("lognormal", (0.0, 0.3)), math.e, (1.0, 0.3)),
    ],
)
def test_scaled_keeps_relative_spread(dist, factor, expected):
    assert dist.scaled(factor).params == pytest.approx(expected)


def test_scaled_refuses_non_positive_factor():
    with pytest.raises(ValueError, match="positive finite"):
        Distribution("uniform", (1.0, 2.0)).scaled(0.0)


# --- issue 6: bills of materials, battery kg per kWh, pack sizes and sourcing shares ---

from graphs.mines import _summed  # noqa: E402
from graphs.products import pack_units_uncertainty  # noqa: E402

BEV_KWH = (42.2e6 - 13 * 230000) / 830000  # bev_pack_kwh: installed passenger GWh less PHEV packs, per BEV


def _kinds(network, u, v):
    return network.nodes[u]["kind"], network.nodes[v]["kind"]


def test_every_bom_and_battery_edge_carries_a_distribution(network):
    """Every material -> component edge (bill of materials and pack rows) is uncertain."""
    edges = [(u, v, d) for u, v, d in network.edges(data=True) if _kinds(network, u, v) == ("material", "component")]
    assert len(edges) > 250
    assert [(u, v) for u, v, d in edges if d["amount"] > 0 and d["uncertainty"] is None] == []
    packs = [(u, v) for u, v, _ in edges if v.startswith("component:traction_battery_")]
    assert len(packs) > 100


def test_pack_to_vehicle_edges_carry_the_pack_size(network):
    """Generated lithium-ion packs (the HEV's NiMH pack has its mass range on hev_pack_kg)."""
    packs = [(u, v, d) for u, v, d in network.edges(data=True)
             if network.nodes[u].get("chemistry") and network.nodes[v]["kind"] == "vehicle"]
    assert len(packs) >= 18
    assert [(u, v) for u, v, d in packs if d["uncertainty"] is None] == []


def test_sourcing_shares_carry_distributions(network):
    """Each supply market with more than one origin has an uncertain share on every input."""
    checked = 0
    for market in (n for n in network if n.endswith(":supply-CHN")):
        inputs = list(network.in_edges(market, data=True))
        if len(inputs) < 2:
            assert all(d["uncertainty"] is None for _, _, d in inputs)  # a lone share of 1 is certain
            continue
        assert [u for u, _, d in inputs if d["uncertainty"] is None] == []
        checked += len(inputs)
    assert checked >= 50


def test_scaled_pack_distribution_equals_hand_computed(network):
    """Nickel in an NMC811 BEV pack: 0.6584 kg/kWh x triangular(0.92, 1, 1.08) x kWh / 1000, in t."""
    edge = network.edges["material:nickel_sulfate", "component:traction_battery_BEV_NMC811"]
    nominal = 0.6584 * BEV_KWH / 1000
    assert edge["amount"] == pytest.approx(nominal)
    assert edge["uncertainty"].kind == "triangular"
    assert edge["uncertainty"].params == pytest.approx((0.92 * nominal, nominal, 1.08 * nominal))


def test_pack_size_range_on_the_vehicle_edge(network):
    """One NMC811 pack per BEV-NMC811: the edge's range is the pack size's, relative (40-52.7 kWh)."""
    edge = network.edges["component:traction_battery_BEV_NMC811", "BEV-NMC811"]
    assert edge["amount"] == 1.0
    assert edge["uncertainty"].params == pytest.approx((40 / BEV_KWH, 1.0, 52.7 / BEV_KWH))
    # the BEV mix: the NCA share, triangular(0.01, 0.025, 0.04), times the size, corner by corner
    mixed = network.edges["component:traction_battery_BEV_NCA", "BEV"]
    assert mixed["uncertainty"].params == pytest.approx((0.01 * 40 / BEV_KWH, 0.025, 0.04 * 52.7 / BEV_KWH))


def test_pack_units_uncertainty_rules():
    size = Distribution("uniform", (10.0, 18.0))
    assert pack_units_uncertainty(0.5, None, size, 13.0).params == pytest.approx((0.5 * 10 / 13, 0.5 * 18 / 13))
    both = pack_units_uncertainty(0.5, Distribution("triangular", (0.4, 0.5, 0.7)), size, 13.0)
    assert both.kind == "triangular"
    assert both.params == pytest.approx((0.4 * 10 / 13, 0.5, 0.7 * 18 / 13))
    units = Distribution("triangular", (0.4, 0.5, 0.7))
    assert pack_units_uncertainty(0.5, units, None, 13.0) is units
    assert pack_units_uncertainty(0.5, units, Distribution("normal", (13.0, 1.0)), 13.0) is units


def test_summed_sourcing_ranges():
    one = Distribution("triangular", (9.0, 10.0, 11.0))
    assert _summed([(10.0, one)], 10.0) is one
    assert _summed([(10.0, None), (5.0, None)], 15.0) is None
    assert _summed([(10.0, one), (5.0, None)], 15.0) == Distribution("triangular", (14.0, 15.0, 16.0))
