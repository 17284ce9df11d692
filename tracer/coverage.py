"""Where the fleet's hidden flows rest: on a mine's own values or on fills.

Why measure it on the fleet and not on the table: a gap filled at a mine the cars
barely draw on matters little; one at a mine that carries a tenth of the fleet's
hidden flows decides the answer. Each site's share of the fleet's hidden flows (the
attributed flow table's `mine` column) weights its fill levels (mine_db.gapfill).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd

from hfcommon.vocabulary import HIDDEN_STRESSORS
from mine_db.gapfill import FILLED, MIN_SAMPLE
from mine_db.schema import FILL_ORDER, REPORTED, STRIP_RATIO_BASES

#: Documents that would hold the figures of large sites still on fills (from the data campaigns' notes).
SITE_DOCUMENTS = resources.files("mine_db") / "data" / "sources" / "site_documents.csv"


def _site_documents() -> pd.Series:
    with resources.as_file(SITE_DOCUMENTS) as path:
        table = pd.read_csv(path)
    return table.set_index("mine_id")["document"]


def site_hidden(flows: pd.DataFrame, mines: pd.DataFrame) -> pd.DataFrame:
    """Per site: the fleet's hidden flows there, their share, and the site's fill levels, largest first."""
    hidden = flows[flows["stressor"].isin(HIDDEN_STRESSORS) & flows["mine"].notna()]
    by_mine = hidden.groupby("mine", observed=True)["value"].sum()
    columns = ["mine_id", "name", "country", "commodity", "resolution", "ore_basis", "waste_basis",
               "strip_ratio_basis", *(f"{v}_fill" for v in FILLED), *(f"{v}_fill_n" for v in FILLED)]
    sites = mines[columns].set_index("mine_id")
    sites = sites.join(by_mine.rename("hidden_t"), how="inner")
    sites = sites[sites["hidden_t"] > 0].sort_values("hidden_t", ascending=False)
    sites["share"] = sites["hidden_t"] / sites["hidden_t"].sum()
    sites["cumulative_share"] = sites["share"].cumsum()
    return sites.reset_index()


#: Levels whose value is no sample of mines: the site's own, true by definition, or a national statistic.
NOT_A_SAMPLE = ("mine", "definition", "national")


def thin_fill(sites: pd.DataFrame, var: str) -> pd.Series:
    """Sites whose `var` is a fill resting on fewer than `MIN_SAMPLE` mines, or on no counted sample
    (a modelling assumption or a single published figure): what issue 17 asks to source next."""
    n = sites[f"{var}_fill_n"]
    return ~sites[f"{var}_fill"].isin(NOT_A_SAMPLE) & (n.isna() | (n < MIN_SAMPLE))


def coverage(flows: pd.DataFrame, mines: pd.DataFrame, top: int = 25) -> dict[str, Any]:
    """Share of the fleet's hidden flows on each fill level, per variable; the largest sites and their fills.

    `hidden_t` counts the flows at mine sites; `hidden_outside_sites_t` the rest (coal mined for
    power, which no site row describes); `thin_fill_share` the share on fills of fewer than
    `MIN_SAMPLE` mines or of no counted sample; `own_strip_ratio_by_basis` splits the share on the
    mine's own strip ratio into what was reported, read from a mine plan, or read only as an upper or a lower
    bound.
    """
    sites = site_hidden(flows, mines)
    total = float(sites["hidden_t"].sum())
    shares = {
        var: {level: float(sites.loc[sites[f"{var}_fill"] == level, "hidden_t"].sum() / total) for level in FILL_ORDER}
        for var in FILLED
    }
    own_ore = sites["ore_basis"].isin(["reported", "allocated"])
    own_strip = sites["strip_ratio_fill"] == "mine"
    basis = sites["strip_ratio_basis"].where(sites["strip_ratio_basis"].isin(STRIP_RATIO_BASES), REPORTED)
    documents = _site_documents()
    largest = []
    for _, site in sites.head(top).iterrows():
        on_fill = [v for v in FILLED if site[f"{v}_fill"] not in ("mine", "definition")]
        largest.append({
            "mine_id": site["mine_id"], "name": site["name"], "country": site["country"],
            "commodity": site["commodity"], "hidden_t": float(site["hidden_t"]), "share": float(site["share"]),
            **{f"{v}_fill": site[f"{v}_fill"] for v in FILLED},
            "document_that_would_hold_it": documents.get(site["mine_id"]) if on_fill else None,
        })
    all_hidden = float(flows.loc[flows["stressor"].isin(HIDDEN_STRESSORS), "value"].sum())
    return {
        "hidden_t": total,
        "hidden_outside_sites_t": all_hidden - total,
        "sites": int(len(sites)),
        "sites_carrying_80_percent": int((sites["cumulative_share"] < 0.8).sum() + 1),
        "min_sample": MIN_SAMPLE,
        "share_by_fill": shares,
        "thin_fill_share": {var: float(sites.loc[thin_fill(sites, var), "hidden_t"].sum() / total) for var in FILLED},
        "ore_reported_share": float(sites.loc[own_ore, "hidden_t"].sum() / total),
        "own_strip_ratio_by_basis": {b: float(sites.loc[own_strip & (basis == b), "hidden_t"].sum() / total)
                                     for b in STRIP_RATIO_BASES},
        "largest_sites": largest,
    }
