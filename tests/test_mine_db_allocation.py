"""Value (and mass) allocation of ore bodies among co-products and by-products, on hand-computed cases.

The invariant under test everywhere: allocation moves tonnes between commodities; it never
creates or destroys them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfcommon.errors import InputError
from mine_db.allocation import (
    BYPRODUCTS,
    PRICES,
    allocate,
    read_byproducts,
    read_prices,
)
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

HIDDEN = ["overburden_t", "waste_rock_t", "tailings_t"]


def _prices(**usd_per_t: float) -> pd.DataFrame:
    basis = {"copper": "t Cu", "cobalt": "t Co", "nickel": "t Ni", "pgm": "t Pt+Pd", "zinc": "t Zn", "lead": "t Pb"}
    return pd.DataFrame(
        {"price_usd_per_t": list(usd_per_t.values()), "basis": [basis[c] for c in usd_per_t],
         "source_id": ["test"] * len(usd_per_t)},
        index=pd.Index(list(usd_per_t), name="commodity"),
    )


NO_BYPRODUCTS = pd.DataFrame(columns=["country", "byproduct", "host", "basis", "source_id", "note", "row"])


def _site(mine_id: str, commodity: str, metal_t: float, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "mine_id": mine_id, "name": mine_id, "country": "AUS", "latitude": -25.0, "longitude": 135.0,
        "commodity": commodity, "mine_type": "open_pit", "year": 2019, "resolution": "mine", "metal_t": metal_t,
        "source": "worked example", "source_ids": "s1",
    }
    row.update(values)
    return row


def _standalone(rows: list[dict[str, object]]) -> pd.DataFrame:
    return derive_hidden_flows(fill_gaps(validate(pd.DataFrame(rows), "example.csv")), "example.csv")


def _cu_co_mine(ore_reported: bool) -> pd.DataFrame:
    ore = {"ore_t": 1_000_000.0, "mine_ore_t": 1_000_000.0} if ore_reported else {}
    return _standalone([
        _site("A-cu", "copper", 10_000.0, grade=0.02, recovery=0.8, strip_ratio=1.0 if not ore_reported else 2.0,
              concentrate_grade=0.25, coproduct_group="A", **ore),
        _site("A-co", "cobalt", 1_000.0, concentrate_grade=0.10, coproduct_group="A",
              **({"strip_ratio": 2.0, "grade": 0.002} if ore_reported else {}), **ore),
    ])


def test_named_group_with_reported_ore_by_value() -> None:
    # One ore body: 1,000,000 t ore, strip ratio 2 -> 2,000,000 t waste rock;
    # tailings = ore - concentrates = 1,000,000 - (10,000 / 0.25 + 1,000 / 0.10) = 950,000 t;
    # pool hidden = 2,950,000 t. Values: Cu 10,000 x 6,000 = 60 M$, Co 1,000 x 30,000 = 30 M$ -> 2/3, 1/3.
    # Co: ore 333,333.33, waste 666,666.67, tailings 333,333.33 - 10,000 = 323,333.33 -> hidden 990,000 t;
    # Cu: waste 1,333,333.33, tailings 666,666.67 - 40,000 = 626,666.67 -> hidden 1,960,000 t.
    out = allocate(_cu_co_mine(True), prices=_prices(copper=6_000, cobalt=30_000), byproducts=NO_BYPRODUCTS)
    out = out.set_index("mine_id")
    assert out.loc["A-cu", "allocation_share"] == pytest.approx(2 / 3)
    assert out.loc["A-co", "allocation_share"] == pytest.approx(1 / 3)
    assert out.loc["A-co", "ore_t"] == pytest.approx(333_333.333, abs=1e-3)
    assert out.loc["A-co", "waste_rock_t"] == pytest.approx(666_666.667, abs=1e-3)
    assert out.loc["A-co", "tailings_t"] == pytest.approx(323_333.333, abs=1e-3)
    assert out.loc["A-co", "hidden_per_t"] == pytest.approx(990.0)  # 990,000 t / 1,000 t Co
    assert out.loc["A-cu", "hidden_per_t"] == pytest.approx(196.0)  # 1,960,000 t / 10,000 t Cu
    # every row keeps its mass balance: ore = tailings + concentrate
    assert (out["ore_t"] - out["tailings_t"] - out["concentrate_t"]).abs().max() < 1e-6
    assert out["hidden_t"].sum() == pytest.approx(2_950_000.0)
    assert set(out["allocation_method"]) == {"value"}
    assert set(out["ore_basis"]) == {"allocated"} and (out["mine_ore_t"] == 1_000_000.0).all()
    assert "share 0.3333" in out.loc["A-co", "source"] and "ISO 14044" in out.loc["A-co", "source"]
    assert {"iso14044", "test", "s1"} <= set(out.loc["A-co", "source_ids"].split(";"))


def test_mass_allocation_is_available_and_conserves_the_same_pool() -> None:
    # Mass shares 10,000 / 11,000 and 1,000 / 11,000 of the same 2,950,000 t: cobalt ore 90,909.09, waste
    # 181,818.18, tailings 90,909.09 - 10,000 = 80,909.09 -> 262,727.27 t.
    out = allocate(_cu_co_mine(True), method="mass", prices=_prices(copper=6_000, cobalt=30_000),
                   byproducts=NO_BYPRODUCTS).set_index("mine_id")
    assert out.loc["A-co", "allocation_share"] == pytest.approx(1 / 11)
    assert out.loc["A-co", "hidden_t"] == pytest.approx(262_727.273, abs=1e-3)
    assert out["hidden_t"].sum() == pytest.approx(2_950_000.0)
    assert set(out["allocation_method"]) == {"mass"}


def test_named_group_without_ore_counts_the_best_sourced_row_once() -> None:
    # Copper has its own grade (2 % Cu, 80 % recovery): ore = 10,000 / 0.016 = 625,000 t, strip ratio 1 -> 625,000 t
    # waste; cobalt's own ore from the 0.094 % default grade (1.65 Mt) is not used. Tailings = 625,000 - 50,000 =
    # 575,000 t; pool hidden = 625,000 + 575,000 = 1,200,000 t. Cobalt's value share 1/3: ore 208,333.33, waste
    # 208,333.33, tailings 208,333.33 - 10,000 = 198,333.33 -> 406,666.67 t.
    standalone = _cu_co_mine(False)
    assert standalone["hidden_t"].sum() > 4_000_000  # the double count being removed
    out = allocate(standalone, prices=_prices(copper=6_000, cobalt=30_000), byproducts=NO_BYPRODUCTS)
    out = out.set_index("mine_id")
    assert out.loc["A-co", "ore_t"] == pytest.approx(208_333.333, abs=1e-3)
    assert out.loc["A-co", "hidden_t"] == pytest.approx(406_666.667, abs=1e-3)
    assert out["hidden_t"].sum() == pytest.approx(1_200_000.0)
    assert out.loc["A-co", "strip_ratio"] == 1.0  # the ore body's, from the copper row


def _nickel_country() -> pd.DataFrame:
    return _standalone([
        _site("aus-rest-nickel", "nickel", 10_000.0, resolution="rest_of_country", grade=0.01, recovery=0.8,
              strip_ratio=1.0, concentrate_grade=0.125),
        _site("aus-n2-nickel", "nickel", 5_000.0, grade=0.02, recovery=0.8, strip_ratio=1.0, concentrate_grade=0.125),
        _site("aus-rest-cobalt", "cobalt", 300.0, resolution="rest_of_country"),
        _site("chl-rest-copper", "copper", 1_000.0, country="CHL", resolution="rest_of_country", grade=0.01,
              recovery=0.8, strip_ratio=1.0, concentrate_grade=0.25),
    ])


def _byproduct_table(rows: list[tuple[str, str, str]], relation: str = "byproduct") -> pd.DataFrame:
    return pd.DataFrame(
        [{"country": c, "byproduct": b, "host": h, "basis": "assumption", "source_id": "bp", "note": "",
          "relation": relation, "row": i + 2}
         for i, (c, b, h) in enumerate(rows)])


def test_byproduct_takes_a_value_share_of_its_country_hosts_and_conserves_the_country_total() -> None:
    # Hosts: rest 10,000 t Ni: ore 10,000 / 0.008 = 1,250,000, waste 1,250,000, tailings 1,250,000 - 80,000 =
    # 1,170,000 -> hidden 2,420,000 t; named 5,000 t Ni: ore 312,500, waste 312,500, tailings 272,500 -> 585,000 t.
    # Values at 15,000 $/t Ni and 30,000 $/t Co: 150 M$, 75 M$, cobalt 9 M$ -> f = 9 / (9 + 225) = 1/26 from each
    # host: cobalt ore = waste = (1,250,000 + 312,500) / 26 = 60,096.154 t, tailings = ore - its own concentrate
    # (300 / 0.08 = 3,750 t) = 56,346.154 t -> hidden 116,442.308 t. Rest nickel keeps 25/26: ore = waste =
    # 1,201,923.077, tailings 1,201,923.077 - 80,000 -> hidden 2,323,846.154 t. The country's hidden flows fall from
    # 3,005,000 to 3,001,250 t: by the cobalt concentrate, which the nickel rows had counted as tailings.
    standalone = _nickel_country()
    out = allocate(standalone, prices=_prices(nickel=15_000, cobalt=30_000, copper=6_000),
                   byproducts=_byproduct_table([("AUS", "cobalt", "nickel")])).set_index("mine_id")
    assert out.loc["aus-rest-cobalt", "hidden_t"] == pytest.approx(116_442.308, abs=1e-3)
    assert out.loc["aus-rest-cobalt", "ore_t"] == pytest.approx(60_096.154, abs=1e-3)
    assert out.loc["aus-rest-cobalt", "allocation_share"] == pytest.approx(1 / 26)
    assert out.loc["aus-rest-cobalt", "byproduct_host"] == "nickel"
    assert out.loc["aus-rest-nickel", "byproduct_share"] == pytest.approx(1 / 26)
    assert out.loc["aus-rest-nickel", "hidden_t"] == pytest.approx(2_323_846.154, abs=1e-3)
    aus = out[out["country"] == "AUS"]
    before = standalone[standalone["commodity"] == "nickel"]
    for column in ["ore_t", "overburden_t", "waste_rock_t"]:  # rock moved: conserved exactly
        assert aus[column].sum() == pytest.approx(before[column].sum(), rel=1e-12)
    assert aus["hidden_t"].sum() == pytest.approx(3_001_250.0)
    assert aus["tailings_t"].sum() == pytest.approx(before["tailings_t"].sum() - 3_750.0)
    # rows outside the declared by-product are untouched
    assert out.loc["chl-rest-copper", "hidden_t"] == standalone.set_index("mine_id").loc["chl-rest-copper", "hidden_t"]
    assert pd.isna(out.loc["chl-rest-copper", "allocation_method"])
    assert "no ore of its own" in out.loc["aus-rest-cobalt", "source"]


def test_lead_coproduct_shares_the_zinc_ore_body_once() -> None:
    # Rest of a country: 100,000 t Zn at 8 % x 80 % -> ore 1,562,500 t, strip ratio 2 -> 3,125,000 t waste,
    # concentrate 100,000 / 0.5 = 200,000 t, tailings 1,362,500 t -> hidden 4,487,500 t. Lead derived alone:
    # 40,000 t Pb at 2 % x 80 % -> 2,500,000 t ore, 5,000,000 t waste, concentrate 40,000 / 0.6 = 66,666.67 t:
    # hidden 7,433,333.33 t, the double count. As a co-product: Zn 100,000 x 2,500 = 250 M$, Pb 40,000 x 2,000
    # = 80 M$ -> lead takes 80 / 330 = 8/33 of the zinc ore body: ore 378,787.879 t, waste 757,575.758 t,
    # tailings 378,787.879 - 66,666.667 = 312,121.212 t -> hidden 1,069,696.970 t (26.742 t/t). Zinc keeps
    # 25/33: ore 1,183,712.121, waste 2,367,424.242, tailings 983,712.121 -> hidden 3,351,136.364 t.
    # The country: 4,487,500 - 66,666.67 (lead concentrate, counted as zinc tailings before) = 4,420,833.33 t.
    rest = {"resolution": "rest_of_country", "mine_type": "mixed", "country": "PER"}
    standalone = _standalone([
        _site("per-rest-zinc", "zinc", 100_000.0, grade=0.08, recovery=0.8, strip_ratio=2.0, concentrate_grade=0.5,
              **rest),
        _site("per-rest-lead", "lead", 40_000.0, grade=0.02, recovery=0.8, strip_ratio=2.0, concentrate_grade=0.6,
              **rest),
    ]).set_index("mine_id", drop=False)
    assert standalone["hidden_t"].sum() == pytest.approx(4_487_500.0 + 7_433_333.333, abs=1e-2)
    out = allocate(standalone.reset_index(drop=True), prices=_prices(zinc=2_500, lead=2_000),
                   byproducts=_byproduct_table([("PER", "lead", "zinc")], relation="coproduct")).set_index("mine_id")
    assert out.loc["per-rest-lead", "allocation_share"] == pytest.approx(8 / 33)
    assert out.loc["per-rest-zinc", "byproduct_share"] == pytest.approx(8 / 33)
    assert out.loc["per-rest-lead", "ore_t"] == pytest.approx(378_787.879, abs=1e-3)
    assert out.loc["per-rest-lead", "waste_rock_t"] + out.loc["per-rest-lead", "overburden_t"] == pytest.approx(
        757_575.758, abs=1e-3)
    assert out.loc["per-rest-lead", "hidden_t"] == pytest.approx(1_069_696.970, abs=1e-3)
    assert out.loc["per-rest-lead", "hidden_per_t"] == pytest.approx(26.742424, abs=1e-6)
    assert out.loc["per-rest-zinc", "hidden_t"] == pytest.approx(3_351_136.364, abs=1e-3)
    assert out["hidden_t"].sum() == pytest.approx(4_420_833.333, abs=1e-3)
    assert out["ore_t"].sum() == pytest.approx(standalone.loc["per-rest-zinc", "ore_t"], rel=1e-12)
    assert "Co-product of zinc in PER" in out.loc["per-rest-lead", "source"]
    assert "to the co-product lead of PER" in out.loc["per-rest-zinc", "source"]


def test_host_rows_that_already_report_the_byproduct_are_skipped_unless_they_are_all_there_is() -> None:
    rows = [
        _site("m-ni", "nickel", 10_000.0, grade=0.01, recovery=0.8, strip_ratio=1.0, concentrate_grade=0.125,
              coproduct_group="m", ore_t=1_250_000.0, mine_ore_t=1_250_000.0),
        _site("m-co", "cobalt", 500.0, coproduct_group="m", ore_t=1_250_000.0, mine_ore_t=1_250_000.0,
              concentrate_grade=0.1),
        _site("aus-rest-cobalt", "cobalt", 300.0, resolution="rest_of_country"),
    ]
    prices = _prices(nickel=15_000, cobalt=30_000)
    table = _byproduct_table([("AUS", "cobalt", "nickel")])
    only_group = allocate(_standalone(rows), prices=prices, byproducts=table).set_index("mine_id")
    assert only_group.loc["m-ni", "byproduct_share"] > 0  # fallback: the only nickel row hosts the rest too
    other = _site("aus-rest-nickel", "nickel", 10_000.0, resolution="rest_of_country", grade=0.01, recovery=0.8,
                  strip_ratio=1.0, concentrate_grade=0.125)
    both = allocate(_standalone([*rows, other]), prices=prices, byproducts=table).set_index("mine_id")
    assert pd.isna(both.loc["m-ni", "byproduct_share"])
    assert both.loc["aus-rest-nickel", "byproduct_share"] == pytest.approx(9 / 159)  # 9 M$ / (9 + 150) M$


def test_missing_host_price_and_method_are_input_errors() -> None:
    with pytest.raises(InputError, match="no 2019 price for cobalt") as err:
        allocate(_cu_co_mine(True), prices=_prices(copper=6_000), byproducts=NO_BYPRODUCTS)
    assert err.value.file == str(PRICES) and err.value.column == "commodity"
    with pytest.raises(InputError, match="unknown allocation method"):
        allocate(_cu_co_mine(True), method="revenue")
    with pytest.raises(InputError, match="no nickel production in CHL") as err:
        allocate(_nickel_country(), prices=_prices(nickel=1.0, cobalt=1.0, copper=1.0),
                 byproducts=_byproduct_table([("CHL", "copper", "nickel")]))
    assert (err.value.row, err.value.column) == (2, "host")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("country,byproduct,host,basis,source_id\nCOD,cobalt,copper,assumption,x\nNarnia,cobalt,nickel,assumption,x\n",
         3, "country"),
        ("country,byproduct,host,basis,source_id\nCOD,kobalt,copper,assumption,x\n", 2, "byproduct"),
        ("country,byproduct,host,basis,source_id\nCOD,cobalt,cobalt,assumption,x\n", 2, "host"),
        ("country,byproduct,host,basis,source_id\nCOD,cobalt,copper,guess,x\n", 2, "basis"),
        ("country,byproduct,host,basis,source_id\nCOD,cobalt,copper,assumption,\n", 2, "source_id"),
        ("country,byproduct,host,basis,source_id\nCOD,cobalt,copper,assumption,x\nDR Congo,cobalt,nickel,sourced,x\n",
         3, "byproduct"),
        ("country,byproduct,host,basis,source_id\nZAF,nickel,pgm,assumption,x\nZAF,cobalt,nickel,assumption,x\n",
         3, "host"),
        ("country,byproduct,host,basis,source_id,relation\nCHN,lead,zinc,assumption,x,coproduct\n"
         "PER,lead,zinc,assumption,x,joint\n", 3, "relation"),
    ],
)
def test_bad_byproduct_rows_are_located(tmp_path: Path, text: str, row: int, column: str) -> None:
    path = _write(tmp_path, "byproducts.csv", text)
    with pytest.raises(InputError) as err:
        read_byproducts(path)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), row, column)


@pytest.mark.parametrize(
    ("line", "column"),
    [("copper,-5,t Cu,x", "price_usd_per_t"), ("copper,abc,t Cu,x", "price_usd_per_t"),
     ("coper,5,t Cu,x", "commodity"), ("copper,5,t Co,x", "basis"), ("copper,5,t Cu,", "source_id")],
)
def test_bad_price_rows_are_located(tmp_path: Path, line: str, column: str) -> None:
    path = _write(tmp_path, "prices.csv", f"commodity,price_usd_per_t,basis,source_id\nnickel,1,t Ni,x\n{line}\n")
    with pytest.raises(InputError) as err:
        read_prices(path)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 3, column)


def test_bundled_prices_are_sourced_and_derived_as_written() -> None:
    prices = read_prices()
    assert set(prices.index) >= {"copper", "nickel", "cobalt", "zinc", "lead", "pgm"}
    # cobalt: 15.00 $/lb x 2,204.62262 lb/t = 33,069.339 $/t
    assert prices.at["cobalt", "price_usd_per_t"] == pytest.approx(33_069.339, abs=1e-3)
    # PGM: (186 x 866.94 + 227 x 1,544.31) / 413 = 1,239.2475 $/troy oz x 32,150.7466 troy oz/t = 39,842,731.7 $/t
    assert prices.at["pgm", "price_usd_per_t"] == pytest.approx(1_239.2475 * 32_150.7466, rel=1e-7)
    bibliography = set(pd.read_csv(PRICES.parent / "sources.csv")["id"])
    assert set(prices["source_id"]) <= bibliography
    assert set(read_byproducts()["source_id"]) <= bibliography
    assert BYPRODUCTS.is_file()


def test_shipped_groups_share_one_ore_body(shipped: pd.DataFrame) -> None:
    grouped = shipped[shipped["coproduct_group"].notna()]
    assert grouped["coproduct_group"].nunique() > 40
    kept = 1.0 - grouped["byproduct_share"].fillna(0.0)
    for group, rows in grouped.assign(before=grouped["ore_t"] / kept).groupby("coproduct_group"):
        assert rows["allocation_share"].sum() == pytest.approx(1.0), group
        assert rows["before"].sum() == pytest.approx(rows["mine_ore_t"].iloc[0], rel=1e-9), group
    assert set(shipped["allocation_method"].dropna()) == {"value"}


def test_shipped_byproducts_move_tonnes_and_never_create_them(shipped: pd.DataFrame) -> None:
    table = read_byproducts()
    hosted = table[table["host"] != "primary"]
    checked = 0
    for (country, host), specs in hosted.groupby(["country", "host"]):
        takers = shipped[(shipped["country"] == country) & shipped["commodity"].isin(specs["byproduct"])
                         & (shipped["byproduct_host"] == host)]
        givers = shipped[(shipped["country"] == country) & (shipped["commodity"] == host)]
        kept = 1.0 - givers["byproduct_share"].fillna(0.0)
        rock = givers["overburden_t"] + givers["waste_rock_t"]
        taken_rock = takers["overburden_t"] + takers["waste_rock_t"]
        for taker, giver in ((takers["ore_t"], givers["ore_t"]), (taken_rock, rock)):
            assert taker.sum() == pytest.approx((giver / kept - giver).sum(), rel=1e-9), (country, host)
        # before: hosts' ore, waste and ore - concentrate; after: the same less the by-products' concentrate
        before = (rock / kept + givers["ore_t"] / kept - givers["concentrate_t"]).sum()
        after = givers["hidden_t"].sum() + takers["hidden_t"].sum()
        assert after == pytest.approx(before - takers["concentrate_t"].sum(), rel=1e-9), (country, host)
        checked += len(takers)
    assert checked >= 25
    rest_cobalt = shipped[(shipped["commodity"] == "cobalt") & (shipped["resolution"] == "rest_of_country")]
    own_ore = rest_cobalt[rest_cobalt["byproduct_host"].isna()]
    assert list(own_ore["country"]) == ["MAR"]  # Bou Azzer, primary cobalt


def test_shipped_value_shares_by_hand(shipped: pd.DataFrame) -> None:
    rows = shipped.set_index("mine_id")
    # Norilsk: PGM 108.17 t x 39,842,731.72 $/t = 4,309.78 M$; Ni 198,799.12 t x 13,914 = 2,766.09 M$;
    # Cu 385,410.08 t x 6,010 = 2,316.31 M$; total 9,392.18 M$ -> PGM 0.45887
    pgm = 108.17 * 39_842_731.72
    total = pgm + 198_799.12 * 13_914 + 385_410.08 * 6_010
    assert rows.loc["rus-norilsk-taimyr-peninsula-operations-pgm", "allocation_share"] == pytest.approx(pgm / total)
    assert pgm / total == pytest.approx(0.45887, abs=1e-5)
    # DR Congo rest cobalt 36,632 t x 33,069.3393 = 1,211.4 M$ against the copper rows without a cobalt row of
    # their own: rest 827,350 t, Kinsenda 31,059 t, Kolwezi 53,235 t = 911,644 t x 6,010 = 5,478.98 M$ -> 0.18107
    cobalt = 36_632 * 33_069.3393
    host = (827_350 + 31_059 + 53_235) * 6_010
    assert rows.loc["cod-rest-cobalt", "allocation_share"] == pytest.approx(cobalt / (cobalt + host))
    assert rows.loc["cod-rest-copper", "byproduct_share"] == pytest.approx(cobalt / (cobalt + host))
    assert cobalt / (cobalt + host) == pytest.approx(0.18107, abs=1e-5)
    assert np.isnan(rows.loc["cod-kamoto-kcc-katanga-mining-copper", "byproduct_share"])


@settings(max_examples=25, deadline=None)
@given(
    cu=st.floats(1_000, 500_000), co=st.floats(10, 30_000), ni=st.floats(1_000, 200_000),
    co_rest=st.floats(1, 10_000), p_cu=st.floats(1_000, 20_000), p_co=st.floats(5_000, 100_000),
    p_ni=st.floats(5_000, 50_000), method=st.sampled_from(["value", "mass"]),
)
def test_allocation_only_moves_rock(cu: float, co: float, ni: float, co_rest: float, p_cu: float, p_co: float,
                                    p_ni: float, method: str) -> None:
    standalone = _standalone([
        _site("g-cu", "copper", cu, grade=0.02, recovery=0.85, strip_ratio=1.5, coproduct_group="g"),
        _site("g-co", "cobalt", co, coproduct_group="g"),
        _site("aus-rest-nickel", "nickel", ni, resolution="rest_of_country", grade=0.012, recovery=0.8,
              strip_ratio=1.0),
        _site("aus-rest-cobalt", "cobalt", co_rest, resolution="rest_of_country"),
    ])
    out = allocate(standalone, method=method, prices=_prices(copper=p_cu, cobalt=p_co, nickel=p_ni),
                   byproducts=_byproduct_table([("AUS", "cobalt", "nickel")])).set_index("mine_id")
    before = standalone.set_index("mine_id")
    # rock: the copper row's ore body once, the nickel row's ore once; nothing else
    for column in ("ore_t", "waste_rock_t", "overburden_t"):
        expected = before.loc["g-cu", column] + before.loc["aus-rest-nickel", column]
        assert out[column].sum() == pytest.approx(expected, rel=1e-9)
    # every site keeps ore = tailings + concentrate, none negative
    assert np.allclose(out["ore_t"], out["tailings_t"] + out["concentrate_t"], rtol=1e-9)
    assert (out[HIDDEN] >= 0).all().all()
    assert out.loc[["g-cu", "g-co"], "allocation_share"].sum() == pytest.approx(1.0)


def test_shipped_lead_counts_each_zinc_lead_ore_body_once() -> None:
    # The same stand-alone table allocated with and without the lead rows of byproducts_2019.csv. Declaring lead a
    # co-product of zinc must, country by country, only remove the rest-of-country lead row's own ore body: its
    # ore, overburden and waste rock leave the country; its hidden flows fall by that row's stand-alone hidden
    # flows plus its concentrate (which the zinc rows had counted as tailings). Nothing else moves.
    from mine_db.default import build_standalone

    standalone, _ = build_standalone()
    table = read_byproducts()
    lead = table[table["byproduct"] == "lead"]
    without = allocate(standalone, byproducts=table[table["byproduct"] != "lead"])
    with_lead = allocate(standalone, byproducts=table)
    coproduct = lead[lead["host"] == "zinc"]
    assert set(coproduct["relation"]) == {"coproduct"} and len(coproduct) >= 39
    rest_lead = without[(without["commodity"] == "lead") & (without["resolution"] == "rest_of_country")]
    assert set(rest_lead["country"]) == set(lead["country"])  # every rest-of-country lead row is declared
    removed = rest_lead.set_index("country")
    rock = ["ore_t", "overburden_t", "waste_rock_t"]
    for country, after in with_lead.groupby("country"):
        before = without[without["country"] == country]
        if country in set(coproduct["country"]):
            gone = removed.loc[country]
            for column in rock:
                assert after[column].sum() == pytest.approx(before[column].sum() - gone[column], rel=1e-9), country
            expected = before["hidden_t"].sum() - gone["hidden_t"] - gone["concentrate_t"]
            assert after["hidden_t"].sum() == pytest.approx(expected, rel=1e-9), country
        else:
            assert np.allclose(after["hidden_t"], before["hidden_t"], rtol=1e-12), country
    # primary lead (USA's Missouri lead mines; countries without zinc output) keeps its own ore
    rows = with_lead[(with_lead["commodity"] == "lead") & (with_lead["resolution"] == "rest_of_country")]
    own = rows[rows["byproduct_host"].isna()]
    assert sorted(own["country"]) == sorted(lead.loc[lead["host"] == "primary", "country"])
    assert "USA" in set(own["country"])


def test_shipped_china_lead_share_by_hand(shipped: pd.DataFrame) -> None:
    # China: rest lead 2,070,415 t x 1,997 $/t = 4,134.62 M$ against the zinc rows without a lead row of their
    # own (the named Miaogou-Sanguikou and Wulagen groups report lead): the rest of China's zinc, 4,045,014 t in
    # three rows by mining method (A40), x 2,550 = 10,314.79 M$ -> 4,134.62 / 14,449.40 = 0.286145 of each rest
    # zinc row's ore and waste go to lead.
    rows = shipped.set_index("mine_id")
    lead = 2_070_415 * 1_997
    share = lead / (lead + 4_045_014 * 2_550)
    assert share == pytest.approx(0.286145, abs=1e-6)
    zinc = [f"chn-rest-zinc-{method}" for method in ("open-pit", "mixed", "underground")]
    assert rows.loc[zinc, "metal_t"].sum() == pytest.approx(4_045_014, rel=1e-9)
    assert rows.loc["chn-rest-lead", "allocation_share"] == pytest.approx(share)
    assert np.allclose(rows.loc[zinc, "byproduct_share"], share)
    assert rows.loc["chn-rest-lead", "byproduct_host"] == "zinc"
    # lead's ore is that share of the zinc rows' stand-alone ore: ore after / (1 - share) on each zinc row
    zinc_ore = rows.loc[zinc, "ore_t"].sum() / (1 - share)
    assert rows.loc["chn-rest-lead", "ore_t"] == pytest.approx(share * zinc_ore, rel=1e-12)
    assert np.isnan(rows.loc["chn-wulagen-zinc", "byproduct_share"])


def test_allocate_keeps_column_types_and_leaves_its_input_alone() -> None:
    # allocate works on arrays and writes whole columns back: each column must come back in its own dtype
    # (text stays text, not object), the new columns in theirs, and the caller's frame must not change.
    from mine_db.default import build_standalone

    standalone, _ = build_standalone()
    before = standalone.copy(deep=True)
    out = allocate(standalone)
    pd.testing.assert_frame_equal(standalone, before, check_exact=True)
    for column in standalone.columns:
        assert out[column].dtype == standalone[column].dtype, column
    assert out["allocation_method"].dtype == object and out["byproduct_host"].dtype == object
    assert out["allocation_share"].dtype == float and out["byproduct_share"].dtype == float
    # a row names its method exactly where it took a share or gave one away
    took_or_gave = out["allocation_share"].notna() | out["byproduct_share"].notna()
    assert (out["allocation_method"].notna() == took_or_gave).all() and took_or_gave.sum() > 100
