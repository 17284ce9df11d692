"""Commodity colours: twelve, distinct for normal and colour-blind vision, used by every mine map."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from test_maps_synthetic import synthetic_flows, synthetic_mines

from hfcommon.vocabulary import COMMODITY_CODES
from tracer.maps import interactive
from tracer.maps.palette import COMMODITY_COLOURS, POINT_EDGE, commodity_colour

#: Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
SIMULATIONS = {
    "normal": np.eye(3),
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
D65 = np.array([0.95047, 1.0, 1.08883])


def cielab(hexes: list[str], simulation: object) -> np.ndarray:
    """CIELAB (D65) of sRGB colours as seen under `simulation`."""
    rgb = np.array([[int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)] for h in hexes])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.clip(linear @ np.asarray(simulation).T, 0, 1) @ SRGB_TO_XYZ.T / D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])])


def test_twelve_commodities_twelve_colours() -> None:
    assert set(COMMODITY_COLOURS) == set(COMMODITY_CODES) and len(set(COMMODITY_COLOURS.values())) == 12
    assert commodity_colour("unobtainium") not in COMMODITY_COLOURS.values()


@pytest.mark.parametrize("vision", list(SIMULATIONS))
def test_colours_stay_apart_for_colour_blind_readers(vision: str) -> None:
    lab = cielab(list(COMMODITY_COLOURS.values()), SIMULATIONS[vision])
    closest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(lab, 2))
    assert closest >= 12.0  # CIE76 Delta E; plotly's 10-colour default repeats colours (Delta E 0)


def test_mine_points_use_the_palette_with_a_white_rim() -> None:
    fig = interactive.country_figure(synthetic_flows())
    interactive.add_mines(fig, synthetic_flows(), synthetic_mines())
    points = [t for t in fig.data if t.type == "scattergeo"]
    assert points and all(t.marker.color == commodity_colour(t.name.replace(" ", "_")) for t in points)
    filled = [t for t in points if "circle" in list(t.marker.symbol)]
    assert filled and all(POINT_EDGE in list(t.marker.line.color) for t in filled)


def test_colour_bar_ticks_only_at_powers_of_ten() -> None:
    ticks, labels = interactive._log_ticks(5.7, 10.35, 1e6)  # 0.5 Mt to 22 Gt, in Mt
    assert ticks == [6.0, 7.0, 8.0, 9.0, 10.0]  # no extra tick at either end of the bar
    assert labels == ["1", "10", "100", "1,000", "10,000"]
