"""Canada's copper split (issue 17, campaign nacu): Mount Milligan and New Afton named out of the rest of Canada.

By hand (1 million lb = 453.59237 t): Mount Milligan 71.1 x 453.59237 = 32,250.418 t (Centerra's 2019 copper, all
from Mount Milligan); New Afton 79.4 x 453.59237 = 36,015.234 t (New Gold's 2019 copper, all from New Afton). The rest
of Canada is the national 543,609 t (WMD 2022) minus every named Canadian copper row.
"""

from __future__ import annotations

import pandas as pd
import pytest

LB_PER_T = 1 / 453.59237e-6  # pounds in a tonne; 1 Mlb = 453.59237 t

NAMED = {"can-mount-milligan-copper": (71.1, "na_centerra_fy2019", "'Copper production for the quarter of 18.1 million "
                                             "pounds and copper production for the year of 71.1 million pounds"),
         "can-new-afton-copper": (79.4, "na_newgold_prelim_2019", "'Copper production (Mlbs) | 18.3 | 79.4 | 75-85'")}


@pytest.mark.parametrize(("mine_id", "mlb", "source", "quote"), [(k, *v) for k, v in NAMED.items()])
def test_each_named_mine_is_its_operators_2019_copper(named_mines, mine_id, mlb, source, quote) -> None:
    row = named_mines.loc[mine_id]
    assert row["metal_t"] == pytest.approx(mlb * 1e6 / LB_PER_T, abs=1e-3)
    assert (row["year"], row["country"], row["commodity"]) == (2019, "CAN", "copper")
    assert source in row["source_ids"].split(";") and quote in row["where_read"]


def test_the_rest_of_canada_is_the_national_figure_less_every_named_mine(shipped: pd.DataFrame) -> None:
    canada = shipped[(shipped["country"] == "CAN") & (shipped["commodity"] == "copper")]
    named = canada[canada["resolution"] == "mine"].set_index("mine_id")
    assert set(NAMED) <= set(named.index)
    rest = canada.loc[canada["resolution"] == "rest_of_country", "metal_t"]
    assert rest.sum() == pytest.approx(543_609 - named["metal_t"].sum(), abs=0.01)
    assert 0 < rest.sum() < 543_609 - sum(mlb * 1e6 / LB_PER_T for mlb, _, _ in NAMED.values())


def test_new_afton_is_a_block_cave_and_takes_no_pit_ratio(shipped: pd.DataFrame) -> None:
    rows = shipped.set_index("mine_id")
    afton, rest = rows.loc["can-new-afton-copper"], rows.loc["can-rest-copper"]
    assert (afton["mine_type"], rest["mine_type"]) == ("underground", "open_pit")
    assert afton["strip_ratio_fill"] == "default" and afton["strip_ratio"] < 0.5 < rest["strip_ratio"]
    milligan = rows.loc["can-mount-milligan-copper"]
    assert (milligan["strip_ratio"], milligan["strip_ratio_fill"], milligan["strip_ratio_basis"]) == (0.84, "mine", "plan")
