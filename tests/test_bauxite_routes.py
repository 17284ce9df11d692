"""Bauxite's process routes, read per row (issue 17, helper bauxite round 11).

A bauxite row read as shipped as mined (`direct_shipping`) takes recovery 1 by definition; a row read as washed
(`washed`) its own mass yield, else the washed default: the median of five read washing yields (MRN 0.75, Bonasika
162,232 / 298,500 = 0.5435, Itamarati de Minas 0.5, Kapuas Bara Mineral 0.5678, Jaga Usaha Sandai 0.5; median
0.5435, P10-P90 0.50-0.6771, tools/defaults/recovery_reads.csv). A row whose route no document reads keeps
assumption A33 (1.0) however many routes are read: it draws on no read route (`fill_kinds.UNREAD_KEEPS_DEFAULT`).
Rest-of-country rows take a read route from `mine_db/data/sources/rest_routes.csv`.
"""
from __future__ import annotations

from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from hfcommon.errors import InputError
from mine_db import commodities
from mine_db import default as default_module
from mine_db.default import (
    build_standalone,
    read_bibliography,
    read_mines,
    read_rest_routes,
)
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

WASHED_MEDIAN = 0.5435
WASHED = {"aus-weipa-rio-tinto-bauxite", "bra-porto-trombetas-mrn-bauxite", "bra-juruti-bauxite",
          "bra-paragominas-bauxite", "idn-tayan-bauxite"}
SHIPPED_AS_MINED = {"aus-huntly-and-willowdale-alcoa-darling-range-bauxite", "gin-sangar-di-cbg-bauxite",
                    "aus-gove-rio-tinto-bauxite", "ind-panchpatmali-bauxite", "sau-al-ba-itha-bauxite"}
COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "grade", "recovery", "process"]
NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])


def _fill(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    return fill_gaps(validate(df, "routes.csv"), NO_NATIONAL).set_index("mine_id")


def test_the_washed_default_is_the_median_of_the_five_read_yields(recovery_reads: ModuleType) -> None:
    values = np.array([0.75, 162_232 / 298_500, 0.5, 0.5678, 0.5])
    row = commodities.default("bauxite", "surface", None, "recovery", "washed")
    assert (row.value, row.n, row.quality, row.process) == (WASHED_MEDIAN, 5, "derived", "washed")
    assert row.value == pytest.approx(np.median(values), abs=5e-5)
    pooled = recovery_reads.pooled(recovery_reads.read_reads()).set_index(["commodity", "process"])
    washed = pooled.loc[("bauxite", "washed")]
    assert (row.value, row.low, row.high) == pytest.approx((washed["median"], washed["p10"], washed["p90"]), abs=5e-5)
    # the spread of its published range, read as a 90 % interval of a lognormal
    assert row.sigma == pytest.approx(np.log(0.6771 / 0.5) / (2 * 1.645))


def test_routes_fill_their_own_rows_and_unread_rows_keep_A33() -> None:
    rows = [(f"S{i}", "Guinea", "bauxite", "open_pit", 100.0, None, None, "direct_shipping") for i in range(3)]
    rows += [(f"W{i}", "Brazil", "bauxite", "open_pit", 100.0, None, None, "washed") for i in range(3)]
    rows += [("W3", "Brazil", "bauxite", "open_pit", 100.0, None, 0.75, "washed"),
             ("U1", "Brazil", "bauxite", "open_pit", 100.0, None, None, None)]
    filled = _fill(rows)
    columns = ["recovery", "recovery_fill", "recovery_fill_n", "recovery_fill_group"]
    assert filled.loc["S0", columns[:2]].tolist() == [1.0, "definition"]
    assert filled.loc["W3", columns[:2]].tolist() == [0.75, "mine"]
    # one washed row with its own yield is no sample: the others take the washed default (five read mines)
    assert filled.loc["W0", columns].tolist() == [WASHED_MEDIAN, "default", 5, "recovery|default|bauxite|*|*|washed"]
    # seven rows of read route, yet the unread row takes no draw across them: assumption A33, a thin fill
    assert filled.loc["U1", columns[:2] + columns[3:]].tolist() == [1.0, "default", "recovery|default|bauxite|*|*"]
    assert pd.isna(filled.loc["U1", "recovery_fill_n"])


def test_bundled_bauxite_rows_carry_their_read_routes() -> None:
    mines = read_mines().set_index("mine_id")
    bauxite = mines[mines["commodity"] == "bauxite"]
    assert set(bauxite.index[bauxite["process"] == "washed"]) == WASHED
    assert set(bauxite.index[bauxite["process"] == "direct_shipping"]) == SHIPPED_AS_MINED
    known = set(read_bibliography()["id"])
    for mine_id, row in bauxite.loc[sorted(WASHED | SHIPPED_AS_MINED)].iterrows():
        assert f"Process {row['process']}" in row["note"], mine_id
        assert set(row["source_ids"].split(";")) <= known
    # a washed row's FINEPRINT ore tonnage was its washed product: left empty, so the ore follows from the yield
    assert bauxite.loc[sorted(WASHED), "ore_t"].isna().all()
    assert bauxite.loc["bra-porto-trombetas-mrn-bauxite", "recovery"] == 0.75


@pytest.fixture(scope="module")
def standalone() -> pd.DataFrame:
    return build_standalone()[0].set_index("mine_id")


def test_washed_rows_mine_more_ore_than_they_sell_and_leave_the_rest_as_tailings(standalone: pd.DataFrame) -> None:
    mrn = standalone.loc["bra-porto-trombetas-mrn-bauxite"]
    # 13.134 Mt of washed bauxite at a mass yield of 0.75: 17.512 Mt mined, 4.378 Mt of washing tailings
    assert mrn["ore_t"] == pytest.approx(13_134_000 / 0.75) == pytest.approx(17_512_000)
    assert mrn["tailings_t"] == pytest.approx(17_512_000 - 13_134_000)
    weipa = standalone.loc["aus-weipa-rio-tinto-bauxite"]
    assert weipa["recovery"] == WASHED_MEDIAN and weipa["recovery_fill"] == "default"
    assert weipa["ore_t"] == pytest.approx(30_437_000 / WASHED_MEDIAN)
    assert weipa["tailings_t"] == pytest.approx(weipa["ore_t"] - 30_437_000)
    shipped = standalone.loc[sorted(SHIPPED_AS_MINED)]
    assert (shipped["recovery_fill"] == "definition").all() and (shipped["tailings_t"] == 0).all()


def test_rest_rows_take_the_routes_read_for_their_country(standalone: pd.DataFrame) -> None:
    routes = read_rest_routes().set_index("mine_id")
    assert routes["process"].to_dict() == {"gin-rest-bauxite": "direct_shipping", "idn-rest-bauxite": "washed"}
    guinea, indonesia = standalone.loc["gin-rest-bauxite"], standalone.loc["idn-rest-bauxite"]
    assert (guinea["process"], guinea["recovery"], guinea["recovery_fill"]) == ("direct_shipping", 1.0, "definition")
    assert "bx3_nsenergy_smb" in guinea["source_ids"].split(";") and "Process direct_shipping" in guinea["source"]
    assert (indonesia["process"], indonesia["recovery"], indonesia["recovery_fill_n"]) == ("washed", WASHED_MEDIAN, 5)
    # China's route is read nowhere: its rest row keeps A33
    china = standalone.loc["chn-rest-bauxite"]
    assert pd.isna(china["process"]) and (china["recovery"], china["recovery_fill"]) == (1.0, "default")
    assert pd.isna(china["recovery_fill_n"])


@pytest.mark.parametrize(("column", "value", "message"), [
    ("mine_id", "gin-sangar-di-cbg-bauxite", "is no rest-of-country id"),
    ("process", "sorted", "is no process route"),
    ("source_ids", "bx3_nsenergy_smb;no_such_source", "not in sources.csv"),
])
def test_a_bad_rest_route_names_its_file_row_and_column(monkeypatch: pytest.MonkeyPatch, column: str, value: str,
                                                          message: str) -> None:
    routes = read_rest_routes()
    routes.loc[1, column] = value
    monkeypatch.setattr(default_module, "read_rest_routes", lambda: routes)
    table = pd.DataFrame({"mine_id": ["gin-rest-bauxite"], "process": [None], "source_ids": ["x"], "source": ["y"]})
    with pytest.raises(InputError, match=message) as caught:
        default_module._with_rest_routes(table, read_bibliography())
    assert (caught.value.file.endswith("rest_routes.csv"), caught.value.row, caught.value.column) == (True, 3, column)
