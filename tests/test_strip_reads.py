"""Published strip ratios of the commodities on a fill (tools/defaults/strip_reads.csv): sourced, and a fill is
replaced by a commodity's own row only when at least five mines of its kind were read (issue 17)."""

from __future__ import annotations

import pandas as pd
import pytest

from hfcommon.assumptions import load_assumptions
from mine_db import commodities
from mine_db.default import read_bibliography
from mine_db.gapfill import MIN_SAMPLE


def test_every_read_cites_a_bundled_source_and_quotes_it(strip_reads) -> None:
    reads = strip_reads.read_reads()
    assert set(reads["source_id"]) <= set(read_bibliography()["id"])
    # sd_ (first strip campaign), ls_ (lithium campaign), fp_ (a FINEPRINT document already in the bibliography),
    # ug_ (underground campaign), tm_ (thin-fill campaign: lead, zinc, graphite, manganese, cobalt, lithium),
    # bx_ (bauxite campaign)
    assert reads["source_id"].str.startswith(("sd_", "ls_", "fp_", "ug_", "tm_", "bx_")).all()
    assert reads["quote"].str.len().gt(15).all() and reads["status"].str.len().gt(5).all()
    # underground reads test the one all-commodity fill, so they pool as commodity 'all'
    assert set(reads["commodity"]) <= set(commodities.CODES) | {"all"}
    assert set(reads.loc[reads["commodity"] == "all", "method"]) == {"underground"}
    # a volume ratio (or volume per tonne) is kept as read and never pooled (no density from the same document)
    assert set(reads["unit"]) == {strip_reads.TONNAGE_UNIT, "m3 waste / m3 ore", "m3 waste / t ore"}


def test_the_derivation_reproduces_each_kind(strip_reads) -> None:
    table = strip_reads.pooled(strip_reads.read_reads()).set_index(strip_reads.KEYS)
    laterite = table.loc[("nickel", "surface", "laterite")]
    assert laterite["n"] == 6 and laterite["median"] == pytest.approx(1.0)  # 0.46 0.8 1.0 1.0 1.5 6.9
    sulphide = table.loc[("nickel", "surface", "sulphide")]
    # one value per mine: Kevitsa's three years (4.56, 2.45, 2.70) and Terrafame's four count once each
    assert sulphide["n"] == 5 and sulphide["median"] == pytest.approx(2.328)
    assert "Kevitsa 2.7;" in sulphide["mines"] and "Terrafame (Sotkamo) 1.16" in sulphide["mines"]
    assert table.loc[("nickel", "surface", ""), "n"] == 11  # all nickel pits, either type
    # Paragominas' 7.6 m3/m3, Felicitas' layer thicknesses (0.286 m3/m3) and Kodingamali's 0.0354 m3/t are not counted
    assert table.loc[("bauxite", "surface", ""), "n"] == 3 + 1


def test_lithium_pits_rest_on_six_mines(strip_reads) -> None:
    lithium = strip_reads.pooled(strip_reads.read_reads()).set_index(strip_reads.KEYS).loc[("lithium", "surface", "")]
    # per-mine medians: Arcadia 2.98, Mt Cattlin 3.006 (2018 2.441, 2019 3.571), James Bay 3.65 (3.7, 3.6),
    # Pilgangoora 4.022, Mt Holland 4.11, Rose 7.3
    assert lithium["n"] == 6 and lithium["median"] == pytest.approx((3.65 + 4.022) / 2)
    assert "Mt Cattlin 3.01" in lithium["mines"] and "James Bay 3.65" in lithium["mines"]
    row = commodities.default("lithium", "surface", None, "strip_ratio")
    assert (row.n, row.quality) == (6, "planned")
    assert (row.value, row.low, row.high) == pytest.approx((lithium["median"], lithium["p10"], lithium["p90"]), abs=0.001)


def test_each_own_row_is_the_derivation(strip_reads) -> None:
    table = strip_reads.pooled(strip_reads.read_reads()).set_index(strip_reads.KEYS)
    for deposit in ("laterite", "sulphide", None):
        row = commodities.default("nickel", "surface", deposit, "strip_ratio")
        got = table.loc[("nickel", "surface", deposit or "")]
        assert (row.deposit_type, row.n, row.quality) == (deposit, got["n"], "planned")
        assert row.value == pytest.approx(got["median"], abs=0.005)
        assert (row.low, row.high) == (pytest.approx(got["p10"], abs=0.005), pytest.approx(got["p90"], abs=0.005))


def test_a_fill_gives_way_only_to_five_mines_of_its_kind(strip_reads) -> None:
    table = strip_reads.pooled(strip_reads.read_reads())
    own = {(r.commodity, r.method, r.deposit_type or "") for r in commodities.coefficients()
           if r.variable == "strip_ratio" and r.quality != "assumption"}
    for row in table.itertuples():
        assert ((row.commodity, row.method, row.deposit_type) in own) == bool(row.enough), row
    # below five, the fill stays and says how many were read
    notes = pd.Series({r.commodity: r.note for r in commodities.coefficients()
                       if r.variable == "strip_ratio" and r.method == "surface" and r.deposit_type is None})
    assert "rare earths n = 1" in notes["all"] and "n = 4 (median 0.78) is below the five" in notes["bauxite"]


def test_zinc_and_lead_pits_rest_on_five_zinc_bearing_pits(strip_reads) -> None:
    zinc = strip_reads.pooled(strip_reads.read_reads()).set_index(strip_reads.KEYS).loc[("zinc", "surface", "")]
    # per-mine medians: Red Dog 2.055 (2013-2018), Peñasquito 2.804 (2010-2016), San Cristóbal 2.846 (1.885, 3.808),
    # Antamina 3.511 (2013-2018), Pirquitas 9.067 (2011-2019)
    assert zinc["n"] == 5 and zinc["enough"]
    assert zinc["median"] == pytest.approx((1.885 + 3.808) / 2, abs=0.001)
    assert "Red Dog 2.06" in zinc["mines"] and "Pirquitas (Puna) 9.07" in zinc["mines"]
    for code in ("zinc", "lead"):  # lead comes from the same zinc-lead ores: one pool
        row = commodities.default(code, "surface", None, "strip_ratio")
        assert (row.commodity, row.n, row.quality) == (code, 5, "derived")
        assert (row.value, row.low, row.high) == pytest.approx((zinc["median"], zinc["p10"], zinc["p90"]), abs=0.001)


def test_the_underground_default_rests_on_six_mines(strip_reads) -> None:
    underground = strip_reads.pooled(strip_reads.read_reads()).set_index(strip_reads.KEYS).loc[("all", "underground", "")]
    # per-mine medians: South Deep 0.100 (4 periods), Mina Florida 0.108, Pend Oreille 0.2705 (2015-2018),
    # St Ives 0.276, Mina 21 de Mayo 0.353, El Peñón 0.832
    assert underground["n"] == 6 and underground["enough"]
    assert underground["median"] == pytest.approx((0.2705 + 0.276) / 2, abs=0.001)
    assert "South Deep 0.1;" in underground["mines"]
    assert "El Peñón (Pampa Augusta Victoria underground) 0.832" in underground["mines"]
    for code in ("zinc", "lead"):  # Pend Oreille alone made a zinc-lead row of n = 1; the six-mine sample holds it
        assert commodities.default(code, "underground", None, "strip_ratio").commodity == "all"
    row = commodities.default("copper", "underground", "porphyry", "strip_ratio")  # the all-commodity row
    assert (row.commodity, row.n, row.quality) == ("all", 6, "planned")
    stats = (underground["median"], underground["p10"], underground["p90"])
    assert (row.value, row.low, row.high) == pytest.approx(stats, abs=0.0005)
    assert "Replaces the weak 0.2" in row.note


def test_bauxite_stays_on_its_assumption_and_the_register_names_every_read(strip_reads) -> None:
    reads = strip_reads.read_reads()
    bauxite = reads[reads["commodity"] == "bauxite"]
    tonnage = bauxite[bauxite["unit"] == strip_reads.TONNAGE_UNIT]
    by_volume = bauxite[bauxite["unit"] != strip_reads.TONNAGE_UNIT].set_index("mine")["value"]
    assert tonnage["mine"].nunique() == 4 < MIN_SAMPLE
    assert by_volume.to_dict() == pytest.approx({"Paragominas": 7.6, "Felicitas (Darling Range)": 1 / 3.5,
                                                 "Kodingamali (OMC)": 8_840 / (3e6 / 12),
                                                 "Kapuas Bara Mineral (Tayan Hilir)": 7_319_820 / 20_344_000,
                                                 "Krasnooktyabrsk bauxite mines (KBRU, Aluminium of Kazakhstan)":
                                                     11_128.8 / 2_022}, abs=0.001)
    row = commodities.default("bauxite", "surface", None, "strip_ratio")
    assert (row.quality, row.assumption_id, row.value, row.low, row.high) == ("assumption", "A38", 1.0, 0.1, 7.6)
    # A38's reason lists every bauxite mine read, so the register says what the fill was checked against
    reason = load_assumptions()["A38"].reason
    for mine in bauxite["mine"]:
        assert mine.split(" (")[0] in reason, mine


def test_the_four_bauxite_tonnage_ratios_and_their_median(strip_reads) -> None:
    bauxite = strip_reads.pooled(strip_reads.read_reads()).set_index(strip_reads.KEYS).loc[("bauxite", "surface", "")]
    # Minim Martap 0.4 (stated); Pilidhar (8,800 + 222,080) / 300,755; Baphlimali 153.42 / 194.5;
    # Sijimali (0.18 + 7.40) / 9.00, its 1.42 Mt a year of subgrade left out
    pilidhar, baphlimali, sijimali = 230_880 / 300_755, 153.42 / 194.5, 7.58 / 9.00
    assert (pilidhar, baphlimali, sijimali) == pytest.approx((0.768, 0.789, 0.842), abs=5e-4)
    assert bauxite["n"] == 4 and not bauxite["enough"]
    assert bauxite["median"] == pytest.approx((0.768 + 0.789) / 2)
    assert "Sijimali (Vedanta) 0.842" in bauxite["mines"]
