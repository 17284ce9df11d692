"""What makes two mines one kind for the gap-fill: the mining-method class and the recovery route.

Why apart from `mine_db.gapfill`: the national statistics (`mine_db.national_fills`) and the
fill ladder both group rows by these, and neither owns them (`mine_db.gapfill` says why a
route draws only on its own route).
"""

from __future__ import annotations

import pandas as pd

from mine_db.commodities import Method

#: The mining-method class of each `mine_type`: mines are averaged and defaulted within a class.
METHOD_OF_TYPE: dict[str, Method] = {
    "open_pit": "surface",
    "mixed": "surface",
    "underground": "underground",
    "brine": "brine",
}
#: The coefficients the gap-fill fills level by level.
FILLED: tuple[str, ...] = ("grade", "recovery", "strip_ratio")


def mining_method(mine_type: str) -> Method:
    """The method class used to group mines for averages and defaults."""
    return METHOD_OF_TYPE[mine_type]


#: The recovery route of every row not stated on a route of its own (flotation, mixed, or none stated).
CONCENTRATOR: str = "flotation"
LEACH: str = "leach"
DIRECT_SHIPPING: str = "direct_shipping"
IRON_CONCENTRATOR: str = "concentrator"
#: Iron ore partly sold as mined, partly wet-concentrated: the row's own recovery weighs both routes by their shares.
DRY_AND_WET: str = "dry_and_wet"
#: Bauxite washed (and screened) before it is sold or refined: the clay fines leave as tailings, a read mass yield.
WASHED: str = "washed"
#: Routes whose rows draw only on their own route (rows that state no route draw on them only across routes:
#: `mine_db.gapfill._across_routes`).
OWN_ROUTES: tuple[str, ...] = (LEACH, DIRECT_SHIPPING, IRON_CONCENTRATOR, DRY_AND_WET, WASHED)
#: Read routes of ore that is sold as mined or concentrated: the population a row of unread route is drawn from.
SOLD_OR_CONCENTRATED: tuple[str, ...] = (DIRECT_SHIPPING, IRON_CONCENTRATOR, DRY_AND_WET, WASHED)
#: Of those, the routes whose default is read or true by definition (a `dry_and_wet` row counts with its own
#: value only).
READ_DEFAULTS: tuple[str, ...] = (DIRECT_SHIPPING, IRON_CONCENTRATOR, WASHED)
#: Commodities whose rows of unread route keep their commodity default instead of a draw across the read routes.
#: Bauxite: the route follows the deposit (lateritic pisolites washed free of clay at Weipa, Trombetas or in
#: West Kalimantan; Darling Range, Guinean and Indian plateau ore shipped as mined), and the read mines are
#: export and refinery-captive laterite operations, no sample of an unread country's deposits (China's karst and
#: sedimentary ore above all): such a row keeps assumption A33 until its route is read.
UNREAD_KEEPS_DEFAULT: tuple[str, ...] = ("bauxite",)
#: Group-label suffix of the across-routes fill.
ANY_ROUTE: str = "any_route"


def recovery_route(out: pd.DataFrame) -> pd.Series:
    """Each row's recovery route: one of `OWN_ROUTES` where the row states it, else a concentrator."""
    return out["process"].where(out["process"].isin(OWN_ROUTES), CONCENTRATOR)
