"""The colours of every figure: one colour per commodity and per flow type, safe for colour-blind readers.

Why fixed: plotly's and matplotlib's default cycles have 10 colours, so 12 commodities
shared them (bauxite and rare earths both teal). These twelve are the seven colours of
Okabe & Ito (2008, "Color Universal Design", https://jfly.uni-koeln.de/color/; black left
out so points stay visible on dark countries) and five of Paul Tol's "muted" and
high-contrast schemes (Tol 2021, "Colour schemes", SRON/EPS/TN/09-002, figures 3 and 4),
chosen to stay apart from the Okabe-Ito hues. A commodity keeps its colour in every figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from hfcommon.vocabulary import COMMODITY_CODES

COMMODITY_COLOURS: Mapping[str, str] = MappingProxyType({
    "iron_ore": "#882255",  # Tol muted wine
    "bauxite": "#D55E00",  # Okabe-Ito vermillion
    "copper": "#E69F00",  # Okabe-Ito orange
    "nickel": "#009E73",  # Okabe-Ito bluish green
    "cobalt": "#0072B2",  # Okabe-Ito blue
    "lithium": "#56B4E9",  # Okabe-Ito sky blue
    "manganese": "#CC79A7",  # Okabe-Ito reddish purple
    "lead": "#555555",  # Tol high-contrast dark grey (neutral)
    "zinc": "#999933",  # Tol muted olive
    "pgm": "#F0E442",  # Okabe-Ito yellow
    "graphite": "#332288",  # Tol muted indigo
    "rare_earths": "#44AA99",  # Tol muted teal
})
assert set(COMMODITY_COLOURS) == set(COMMODITY_CODES), "every commodity needs its own colour"
OTHER_COLOUR = "#BBBBBB"
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
