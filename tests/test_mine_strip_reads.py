"""Mines' own strip ratios read in documents (issue 17): one table of every read, each pinned to the figures its
source prints, its quote in where_read, a bound or a plan saying so, and the built table keeping it as the mine's
own value. A new read is a new row of READS or STATED (campaigns bigpits2, chilecu, andesq, pgm, mexmon)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mine_db.default import read_bibliography

#: (mine_id, source id, material moved, ore, the figures as the document prints them, strip_ratio_basis).
#: Moved and ore share a unit within a row, so strip = (moved - ore) / ore needs no conversion. By hand:
#: Escondida (368.3 - 87.7) / 87.7 = 3.200; Gibraltar (130,000 - 35,000) / 35,000 = 2.714; Centinela
#: (570,000 - 150,000) / 150,000 = 2.8; Candelaria (230,000 - 75,000) / 75,000 = 2.067; Cerro Verde
#: (180,000 - 58,000) / 58,000 = 2.103; Mogalakwena (50 - 4.62) / 4.62 = 9.823; Riotinto 17.9 / 10.4 = 1.721;
#: Guelb Moghrein 8,804,000 / 2,287,000 = 3.850 (2009). A source of several ids names each document read.
#: Pilgangoora's Stage 1 plan (8 - 2) / 2 = 3.0.
READS = [
    ("aus-pilgangoora-lithium", "fo_pls_maca_contract_2017", 8.0, 2.0,
     ("approximately 8Mt/y for the production of 2Mt/y of ore",), "plan"),
    ("chl-escondida-copper", "bp2_mtech_escondida", 368.3, 87.7,
     ("368.3Mt of ore and waste", "87.7Mt of sulphide ore"), "upper_bound"),
    ("can-gibraltar-copper", "bp2_cmj_gibraltar_2005", 130_000, 35_000,
     ("130,000 tons of ore and waste per day", "35,000 tons of daily mill throughput"), ""),
    ("chl-centinela-copper", "cl_ubc_centinela_2016", 420_000 + 150_000, 100_000 + 20_000 + 30_000,
     ("Esperanza moves 420,000 tpd to send 100,000 tpd to the mill and 20,000 tpd to a stockpile",
      "move 150,000 tpd to send 30,000 tpd to a leach pad"), ""),
    ("chl-candelaria-copper", "cl_miningdigital_candelaria", 230_000, 75_000,
     ("Approximately 230,000 tons are extracted daily", "about 75,000 tons are minerals that are sent to the"),
     "upper_bound"),
    ("mrt-guelb-moghrein-copper", "fp_1316;fp_1188", 8_804_000 + 2_287_000, 2_287_000,
     ("Waste rock,,,8804000,,,,,det_1316", "Ore mined,O.sul,2287000,,,,,det_1188"), ""),
    ("per-cerro-verde-copper", "aq_smcv_eia_2004", 180_000, 38_000 + 20_000,
     ("180 000 toneladas métricas diarias (TMD) de movimiento total", "38 000 TMD de mineral de alta ley",
      "20 000 TMD de mineral de baja ley"), ""),
    ("zaf-mogalakwena-pgm", "pg_pprust_analyst_visit_2006", 50.0, 0.385 * 12,
     ("Mining rate remains 50million tonnes per annum", "continued operation at 385ktpm"), "upper_bound"),
    ("esp-riotinto-copper", "mm_atalaya_q4_2020", 17.9 + 10.4, 10.4,
     ("Ore mined (M tonnes) 10.4", "Waste mined (M tonnes) 17.9"), ""),
]
EXPECTED = {"aus-pilgangoora-lithium": 3.0,
            "chl-escondida-copper": 3.2, "can-gibraltar-copper": 2.714, "chl-centinela-copper": 2.8,
            "chl-candelaria-copper": 2.067, "mrt-guelb-moghrein-copper": 3.85,
            "per-cerro-verde-copper": 2.103, "zaf-mogalakwena-pgm": 9.823,
            "esp-riotinto-copper": 1.721}

#: (mine_id, source id, stated ratio, quote): a ratio the document states, entered as printed (Mount Milligan's
#: 0.84 : 1 is its 2009 feasibility study's life-of-mine plan, waste over ore, no arithmetic).
STATED = [("can-mount-milligan-copper", "na_womp_milligan_fs_2009", 0.84, "life-of-mine strip ratio of 0.84:1"),
          ("cod-tenke-fungurume-cobalt", "ci_im_tfm_fs_2007", 3.1, "The overall strip ratio is 3.1:1."),
          ("cod-tenke-fungurume-copper", "ci_im_tfm_fs_2007", 3.1, "The overall strip ratio is 3.1:1."),
          ("pan-cobre-panama-copper", "aq_mpsa_basic_eng_2012", 0.58, "'Strip ratio 0.58'")]


#: FINEPRINT's own strips (helper fp19): the FINEPRINT year nearest 2019 (ties: the later year), as every other read,
#: never a value over years (the year-to-year spread is the Monte Carlo's, A42). (mine_id, FINEPRINT facility, year,
#: total material moved or None, waste rock or None, ore mined (the sum of the year's ore streams), strip_source,
#: the old multi-year value, and a basis where the year's "ore" is a plant's product, less than the ore mined). By hand: Antamina (242,407,000 - 51,247,000) / 51,247,000 = 3.730 (was 3.336);
#: Cuajone (153,911,000 - 30,530,000) / 30,530,000 = 4.041 (3.785); Toquepala (249,083,000 - 134,948,000) /
#: 134,948,000 = 0.846 (1.084); Buenavista (288,882,000 - 211,419,000) / 211,419,000 = 0.366 (0.407); La Caridad
#: (94,578,000 - 62,858,000) / 62,858,000 = 0.505 (0.338); Highland Valley (112,037,000 - 51,888,000) / 51,888,000 =
#: 1.159 (1.357); Carmen de Andacollo (24,140,000 - 18,466,000) / 18,466,000 = 0.307 (0.553); Spence FY2019
#: (82,513,000 - 20,670,000) / 20,670,000 = 2.992 (3.613); Cerro Colorado (67,458,000 - 18,888,000) / 18,888,000 =
#: 2.571 (2.598); Kansanshi 48,719,000 / 28,080,000 = 1.735 (2.021); Chapada (31,305,991 + 6,416,534) / 33,787,816 =
#: 1.116 (1.171); Batu Hijau 46,992,960 / 91,859,443 = 0.512 (2.301); Sentinel 82,098,000 / 37,960,000 = 2.163
#: (3.418); Sishen 137,100,000 / 28,380,000 = 4.831 (5.95, the median of 2015 and 2016); Kolomela 50,200,000 /
#: 12,726,300 = 3.945 (3.94, FINEPRINT's one waste year).
FINEPRINT_YEARS = [
    ("bra-chapada-copper", "COM00244.00", 2018, None, 31_305_991 + 6_416_534, 33_787_816, "fp_1663;fp_1669", 1.171),
    ("can-highland-valley-copper-copper", "COM00538.00", 2018, 112_037_000, None, 51_888_000, "fp_1088", 1.357),
    ("chl-carmen-de-andacollo-copper", "COM00207.00", 2018, 24_140_000, None, 18_466_000, "fp_1088", 0.553),
    ("chl-cerro-colorado-copper", "COM00955.02", 2019, 67_458_000, None, 18_888_000, "fp_1460", 2.598),
    ("chl-spence-copper", "COM00955.01", 2019, 82_513_000, None, 20_670_000, "fp_1460", 3.613),
    ("idn-batu-hijau-copper", "COM00104.00", 2015, None, 46_992_960, 91_859_443, "fp_1398", 2.301),
    ("mex-buenavista-copper", "COM00178.00", 2019, 288_882_000, None, 70_323_000 + 141_096_000, "fp_1323", 0.407),
    ("mex-buenavista-sx-ew-copper", "COM00178.00", 2019, 288_882_000, None, 70_323_000 + 141_096_000, "fp_1323", 0.407),
    ("mex-la-caridad-copper", "COM00693.00", 2019, 94_578_000, None, 34_401_000 + 28_457_000, "fp_1323", 0.338),
    ("mex-la-caridad-sx-ew-copper", "COM00693.00", 2019, 94_578_000, None, 34_401_000 + 28_457_000, "fp_1323", 0.338),
    ("per-antamina-copper", "COM00048.00", 2018, 242_407_000, None, 51_247_000, "fp_1088", 3.336),
    ("per-antamina-zinc", "COM00048.00", 2018, 242_407_000, None, 51_247_000, "fp_1088", 3.336),
    ("per-cuajone-copper", "COM00305.00", 2019, 153_911_000, None, 29_017_000 + 1_513_000, "fp_1323", 3.785),
    ("per-toquepala-copper", "COM01290.00", 2019, 249_083_000, None, 38_248_000 + 96_700_000, "fp_1323", 1.084),
    ("zaf-kolomela-iron_ore", "COM00661.00", 2016, None, 50_200_000, 12_726_300, "f19_aa_ar2016", 3.94),
    ("zaf-sishen-iron_ore", "COM01199.00", 2016, None, 137_100_000, 28_380_000, "f19_aa_ar2016", 5.95, "upper_bound"),
    ("zmb-kansanshi-copper", "COM00618.00", 2018, None, 48_719_000, 8_186_000 + 6_916_000 + 12_978_000,
     "fp_1315;fp_3188", 2.021),
    ("zmb-sentinel-copper", "COM01150.00", 2016, None, 82_098_000, 37_960_000, "fp_1091", 3.418),
]
FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")
#: Rows whose FINEPRINT "ore mined" is the raw workbook's ore processed (stockpile balance not read): said in the note.
FINEPRINT_ORE_PROCESSED = ("can-highland-valley-copper-copper", "chl-carmen-de-andacollo-copper", "per-antamina-copper",
                           "per-antamina-zinc", "zmb-kansanshi-copper")


def _fineprint_strip(moved: float | None, waste: float | None, ore: float) -> float:
    return round(((moved - ore) if moved is not None else waste) / ore, 3)


def _basis(row: pd.Series) -> str:
    return row["strip_ratio_basis"] if isinstance(row["strip_ratio_basis"], str) else ""


@pytest.mark.parametrize(("mine_id", "source", "moved", "ore", "quoted", "basis"), READS)
def test_strip_is_the_arithmetic_of_the_quoted_tonnes(named_mines, mine_id, source, moved, ore, quoted, basis) -> None:
    row = named_mines.loc[mine_id]
    assert row["strip_ratio"] == pytest.approx(round((moved - ore) / ore, 3)) == pytest.approx(EXPECTED[mine_id])
    assert row["strip_source"] == source
    assert set(source.split(";")) <= set(row["source_ids"].split(";"))
    for figure in quoted:
        assert figure in row["where_read"]
    assert _basis(row) == basis


@pytest.mark.parametrize(("mine_id", "source", "ratio", "quoted"), STATED)
def test_a_stated_ratio_is_entered_as_printed(named_mines, mine_id, source, ratio, quoted) -> None:
    row = named_mines.loc[mine_id]
    assert (row["strip_ratio"], row["strip_source"], _basis(row)) == (pytest.approx(ratio), source, "plan")
    assert source in row["source_ids"].split(";")
    assert quoted in row["where_read"]


def test_every_source_is_in_the_bibliography_with_its_address() -> None:
    bibliography = read_bibliography().set_index("id")
    for source in [s for r in READS + STATED for s in r[1].split(";")]:
        assert bibliography.loc[source, "url"].startswith("http")


def test_a_bound_or_a_plan_says_so(named_mines) -> None:
    """Every bound says why in its note (a lower bound quotes why); a plan names its document, date and page."""
    bounded = named_mines[named_mines["strip_ratio_basis"].eq("upper_bound")]
    assert {r[0] for r in READS if r[5] == "upper_bound"} <= set(bounded.index)
    assert bounded["note"].str.contains("UPPER BOUND").all()
    assert "stockpiles ore" in named_mines.loc["chl-candelaria-copper", "note"]
    # FINEPRINT's 2016 "ore" at Sishen is Kumba's product of its DMS and jig plants, less than the ore mined: a bound;
    # at Kolomela it is the direct-shipping product, which the row takes as its ore: not a bound
    assert "is Kumba's PRODUCTION" in named_mines.loc["zaf-sishen-iron_ore", "note"]
    assert _basis(named_mines.loc["zaf-kolomela-iron_ore"]) == ""
    assert "PLAN" in named_mines.loc["zaf-mogalakwena-pgm", "note"]
    assert "life-of-mine plan" in named_mines.loc["zaf-mogalakwena-pgm", "where_read"]
    for mine_id in [r[0] for r in READS if r[5] == "plan"]:
        assert "PLAN" in named_mines.loc[mine_id, "note"]
        assert "life-of-mine plan" in named_mines.loc[mine_id, "where_read"]
    # a lower bound (ore treated for ore mined while stockpiles feed the mill) says so and quotes why
    lower = named_mines.index[named_mines["strip_ratio_basis"].eq("lower_bound")]
    assert list(lower) == ["mng-oyu-tolgoi-copper"]
    assert "LOWER BOUND" in named_mines.loc[lower[0], "note"]
    quote = "primary ore source changed to Phase 4B and lower grade stockpiles"
    assert quote in named_mines.loc[lower[0], "where_read"]
    citation = read_bibliography().set_index("id").loc["pg_pprust_analyst_visit_2006", "citation"]
    assert citation.startswith("life-of-mine plan, ") and "November 2006" in citation
    # a plan is declared so (it joins the fills' samples, unlike a bound)
    plans = named_mines.index[named_mines["strip_ratio_basis"].eq("plan")]
    assert {r[0] for r in STATED} | {r[0] for r in READS if r[5] == "plan"} | {
        "chl-ministro-hales-copper", "chl-gabriela-mistral-copper", "chl-lomas-bayas-copper"} == set(plans)
    assert named_mines.loc[plans, "note"].str.contains("PLAN").all()
    note = named_mines.loc["pan-cobre-panama-copper", "note"]
    for part in ("LIFE-OF-MINE PLAN", "life-of-mine plan, ", "Basic Engineering Summary Report", "May 2012", "p. 2"):
        assert part in note
    milligan = named_mines.loc["can-mount-milligan-copper"]
    assert "LIFE-OF-MINE PLAN" in milligan["note"] and "not a 2019 actual" in milligan["note"]
    assert "life-of-mine plan, Terrane Metals Corp. Mt. Milligan feasibility study update, 2009" in milligan["note"]
    assert "life-of-mine plan, Terrane Metals Corp.'s Mt. Milligan feasibility study update (2009)" in milligan["where_read"]


def test_built_table_keeps_each_strip_as_the_mines_own(named_mines, built_mines) -> None:
    expected = {r[0]: (r[2] - r[3]) / r[3] for r in READS} | {r[0]: r[2] for r in STATED}
    for mine_id, strip in expected.items():
        assert built_mines.loc[mine_id, "strip_ratio_fill"] == "mine", mine_id
        assert built_mines.loc[mine_id, "strip_ratio"] == pytest.approx(strip, abs=5e-4), mine_id
        assert _basis(built_mines.loc[mine_id]) == _basis(named_mines.loc[mine_id])


def test_mogalakwenas_bound_sets_its_own_waste_and_no_underground_row(built_mines) -> None:
    row = built_mines.loc["zaf-mogalakwena-pgm"]
    assert row["waste_rock_t"] + row["overburden_t"] == pytest.approx(row["ore_t"] * 9.823, rel=1e-6)
    # South Africa's underground PGM rows stay on the underground method default (no pit ratio leaks in)
    underground = built_mines[(built_mines["country"] == "ZAF") & (built_mines["commodity"] == "pgm")
                        & (built_mines["mine_type"] == "underground") & (built_mines["strip_ratio_fill"] != "mine")]
    assert len(underground) >= 5
    assert set(underground["strip_ratio"].round(4)) == {0.2733}


def test_every_large_pgm_site_on_a_fill_names_its_document() -> None:
    """Issue 17: the coverage table names, for each large site still on a fill, the document that would hold it."""
    from mine_db import load_default
    from tracer import api
    from tracer.coverage import coverage

    report = coverage(api.run().flows, load_default(), top=60)
    pgm = [s for s in report["largest_sites"] if s["commodity"] == "pgm"]
    assert {"zaf-mogalakwena-pgm", "zaf-rest-pgm", "rus-norilsk-taimyr-peninsula-operations-pgm",
            "rus-rest-pgm"} <= {s["mine_id"] for s in pgm}
    for site in pgm:
        on_fill = any(site[f"{v}_fill"] not in ("mine", "definition") for v in ("grade", "recovery", "strip_ratio"))
        assert (site["document_that_would_hold_it"] is not None) == on_fill, site["mine_id"]


@pytest.mark.parametrize(("mine_id", "facility", "year", "moved", "waste", "ore", "source", "old", "basis"),
                         [(*r, "") if len(r) == 8 else r for r in FINEPRINT_YEARS])
def test_a_fineprint_strip_is_its_nearest_years_arithmetic(named_mines, built_mines, mine_id, facility, year, moved,
                                                           waste, ore, source, old, basis) -> None:
    row = named_mines.loc[mine_id]
    strip = _fineprint_strip(moved, waste, ore)
    assert row["strip_ratio"] == pytest.approx(strip) and strip != pytest.approx(old)
    assert (row["strip_source"], _basis(row)) == (source, basis)
    assert set(source.split(";")) <= set(row["source_ids"].split(";"))
    note = row["note"][row["note"].index("[f19]"):]
    assert f"strip_ratio {strip:.3f} = the FINEPRINT year nearest 2019" in note and f"Was {old}" in note
    assert f"{year}; " in note and facility in row["where_read"]
    assert ("Its ore is ORE PROCESSED" in note) == (mine_id in FINEPRINT_ORE_PROCESSED)
    assert built_mines.loc[mine_id, "strip_ratio_fill"] == "mine"
    assert built_mines.loc[mine_id, "strip_ratio"] == pytest.approx(strip)


@pytest.mark.skipif(not FINEPRINT.is_dir(), reason="shared FINEPRINT copy not available")
def test_fineprint_strips_are_the_cells_of_the_year_nearest_2019() -> None:
    """Each pinned figure is FINEPRINT's cell; no year nearer 2019 (or as near and later) has waste and ore mined."""
    waste = pd.read_csv(FINEPRINT / "waste.csv")
    minerals = pd.read_csv(FINEPRINT / "minerals.csv")
    mined = minerals[minerals["type"] == "Ore mined"]
    for mine_id, facility, year, moved, rock, ore, *_ in FINEPRINT_YEARS:
        own = waste[waste["facility_id"] == facility]
        cells = own[own["year"] == year]
        if moved is not None:
            assert cells["total_material_tonnes"].max() == pytest.approx(moved), mine_id
        else:
            assert cells["value_tonnes"].sum() == pytest.approx(rock), mine_id
        # Pampa Norte's final tables hold ore only at the main facility: the two sub-sites' FY2019 ore sums to it
        site = "COM00955.00" if facility.startswith("COM00955") else facility
        ore_by_year = mined[mined["facility_id"] == site].groupby("year")["value_tonnes"].sum()
        if site == facility:
            assert ore_by_year[year] == pytest.approx(ore), mine_id
        else:
            assert ore_by_year[year] == pytest.approx(20_670_000 + 18_888_000)
        both = [y for y in own["year"].unique() if ore_by_year.get(y, 0) > 0]
        assert max(both, key=lambda y: (-abs(y - 2019), y)) == year, mine_id
