"""The colours of every figure: one colour per commodity and per flow type, safe for colour-blind readers.

Why fixed: plotly's and matplotlib's default cycles have 10 colours, so 12 commodities
shared them (bauxite and rare earths both teal). These twelve come from published
colour-blind-safe palettes: five of Okabe & Ito (2008, "Color Universal Design",
https://jfly.uni-koeln.de/color/) and seven of Paul Tol's bright, muted and vibrant schemes
(Tol 2021, "Colour schemes", SRON/EPS/TN/09-002). Of all twelve-colour picks from those
palettes (black left out, so points stay visible on dark countries), they keep the
largest smallest CIELAB difference between any two colours under normal vision and
simulated protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009,
severity 1): Delta E 14 or more; `tests/test_maps_palette.py` checks it. A commodity keeps
its colour in every figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from hfcommon.vocabulary import COMMODITY_CODES

COMMODITY_COLOURS: Mapping[str, str] = MappingProxyType({
    "iron_ore": "#AA3377",  # Tol bright purple (a hematite red)
    "bauxite": "#EE6677",  # Tol bright red
    "copper": "#E69F00",  # Okabe-Ito orange
    "nickel": "#009E73",  # Okabe-Ito bluish green
    "cobalt": "#0077BB",  # Tol vibrant blue
    "lithium": "#56B4E9",  # Okabe-Ito sky blue
    "manganese": "#CC79A7",  # Okabe-Ito reddish purple
    "lead": "#BBBBBB",  # Tol bright grey
    "zinc": "#999933",  # Tol muted olive
    "pgm": "#F0E442",  # Okabe-Ito yellow
    "graphite": "#332288",  # Tol muted indigo
    "rare_earths": "#117733",  # Tol muted green
})
assert set(COMMODITY_COLOURS) == set(COMMODITY_CODES), "every commodity needs its own colour"
OTHER_COLOUR = "#777777"
#: The edge drawn around every point, so a point stays visible on a dark country and on a light one.
POINT_EDGE = "white"

#: Flow types: browns for rock moved at the mine, a blue-green for tailings, lilac and grey downstream.
STRESSOR_COLOURS: Mapping[str, str] = MappingProxyType({
    "overburden": "#8c510a",
    "waste_rock": "#d8b365",
    "tailings": "#5ab4ac",
    "process_residue": "#9e9ac8",
    "used": "#636363",
})


def commodity_colour(code: object) -> str:
    """The commodity's colour; grey for anything not in the vocabulary."""
    return COMMODITY_COLOURS.get(str(code), OTHER_COLOUR)
