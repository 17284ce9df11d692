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
