"""FINEPRINT importer: rules on a hand-made fixture, facts on the shared copy (skipped when absent)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from hfcommon.errors import InputError
from mine_db.fineprint import CITATION, FineprintImport, read_fineprint
from mine_db.schema import validate

FIXTURE = Path(__file__).parent / "fixtures" / "mine_db" / "fineprint"
SHARED = Path(os.environ.get("TRACER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
FINEPRINT = SHARED / "data" / "fineprint-mine-production" / "final_2022-06"


@pytest.fixture(scope="module")
def fixture_import() -> FineprintImport:
    return read_fineprint(FIXTURE)


def _site(result: FineprintImport, mine_id: str) -> pd.Series:
    return result.sites.set_index("mine_id").loc[mine_id]


def test_polymetallic_ore_allocated_by_tracked_metal_mass() -> None:
    mass_import = read_fineprint(FIXTURE, allocation="mass")
    # Mine A 2019: 9,000,000 t ore processed by the main facility (the sub-site's 5,000,000 t is not added);
    # Cu 72,000 t (= 9e6 x 1 % x 0.8, recovered); Zn 270,000 t = 9e6 x 3 % is contained metal -> x 0.9 = 243,000 t
    # Cu share = 72,000 / (72,000 + 243,000) = 0.228571; gold (5 t) takes no share
    cu, zn = _site(mass_import, "FP-AAA00001-copper"), _site(mass_import, "FP-AAA00001-zinc")
    assert cu["metal_t"] == pytest.approx(72_000)
    assert zn["metal_t"] == pytest.approx(243_000)
    assert cu["ore_t"] == pytest.approx(2_057_142.857, abs=1e-3)
    assert zn["ore_t"] == pytest.approx(6_942_857.143, abs=1e-3)
    # strip ratio over every year with waste and ore mined: (31.5 + 18.0) Mt / (10 + 8) Mt = 2.75,
    # not 2019 alone (3.15): waste rock 2.75 x each ore share
    assert cu["strip_ratio"] == zn["strip_ratio"] == pytest.approx(2.75)
    assert cu["waste_rock_t"] == pytest.approx(5_657_142.857, abs=1e-3)
    assert zn["waste_rock_t"] == pytest.approx(19_092_857.143, abs=1e-3)
    assert (cu["grade"], cu["recovery"]) == (pytest.approx(0.01), pytest.approx(0.8))
    # main facility open pit + sub-site underground = mixed
    assert cu["mine_type"] == "mixed"
    assert cu["source"] == (f"{CITATION}, facility AAA00001, 2019: Company A (2020) Annual Report 2019 "
                            "(ore shared with the mine's other tracked metals by recovered metal mass) "
                            "(strip ratio: waste / ore mined summed over 2 year(s), 2018-2019)")


def test_polymetallic_ore_allocated_by_value_by_default(fixture_import: FineprintImport) -> None:
    # Same stream by 2019 value: Cu 72,000 t x 6,010 $/t = 432.72 M$, Zn 243,000 t x 2,550 $/t = 619.65 M$;
    # Cu share = 432.72 / 1,052.37 = 0.411186 -> ore 3,700,675.618 t, waste rock 2.75 x 3,700,675.618 = 10,176,857.950 t
    cu, zn = _site(fixture_import, "FP-AAA00001-copper"), _site(fixture_import, "FP-AAA00001-zinc")
    assert cu["ore_t"] == pytest.approx(3_700_675.618, abs=1e-3)
    assert zn["ore_t"] == pytest.approx(5_299_324.382, abs=1e-3)
    assert cu["waste_rock_t"] == pytest.approx(10_176_857.950, abs=1e-3)
    assert cu["waste_rock_t"] + zn["waste_rock_t"] == pytest.approx(2.75 * 9_000_000)
    assert cu["source"].endswith("(strip ratio: waste / ore mined summed over 2 year(s), 2018-2019)")
    assert "(ore shared with the mine's other tracked metals by 2019 value (prices_2019.csv))" in cu["source"]
    with pytest.raises(InputError, match="unknown allocation method"):
        read_fineprint(FIXTURE, allocation="price")


def test_lithium_oxide_and_strip_ratio_from_other_year(fixture_import: FineprintImport) -> None:
    li = _site(fixture_import, "FP-AAA00002-lithium")
    # 10,000 t Li2O x 0.4646 = 4,646 t Li; 15,000 ppm Li2O x 0.4646 = 0.006969 Li
    assert li["metal_t"] == pytest.approx(4_646)
    assert li["grade"] == pytest.approx(0.006969)
    # no waste tonnes in any year; the 2018 reported stripping ratio 3.0 is the mine's own: 3 x 1,000,000 t ore
    assert (li["strip_ratio"], li["strip_ratio_fill"]) == (pytest.approx(3.0), "mine")
    assert li["waste_rock_t"] == pytest.approx(3_000_000)
    assert li["mine_type"] == "open_pit" and "taken as open pit" in li["source"]


def test_bauxite_production_is_gross_ore(fixture_import: FineprintImport) -> None:
    bx = _site(fixture_import, "FP-AAA00005-bauxite")
    assert bx["metal_t"] == bx["ore_t"] == 2_000_000
    assert bx["overburden_t"] == pytest.approx(2_000_000)  # bauxite default strip ratio 1 (A38) -> overburden


def test_production_from_concentrate_tonnage(fixture_import: FineprintImport) -> None:
    # Mine F reports only 100,000 t zinc concentrate (2017, no 2019): 100,000 x 0.5398 default = 53,980 t Zn
    zn = _site(fixture_import, "FP-AAA00006-zinc")
    assert (zn["year"], zn["metal_t"]) == (2017, pytest.approx(53_980))
    assert zn["mine_type"] == "underground" and "default concentrate grade" in zn["source"]


def test_skips_and_summary(fixture_import: FineprintImport) -> None:
    # the smelter is not a mine; Mine D has latitude -200: skipped with its reason
    assert sorted(fixture_import.sites["mine_id"]) == ["FP-AAA00001-copper", "FP-AAA00001-zinc",
                                                       "FP-AAA00002-lithium", "FP-AAA00005-bauxite",
                                                       "FP-AAA00006-zinc"]
    summary = fixture_import.summary()
    assert summary["skipped"] == {"no valid coordinates": 1}
    assert summary["by_commodity"]["copper"] == {"sites": 1, "with_grade": 1, "with_ore_t": 1, "with_waste": 1,
                                                 "year_2019": 1}
    assert summary["by_commodity"]["bauxite"]["with_grade"] == 0


def test_missing_table_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "fp"
    shutil.copytree(FIXTURE, folder)
    (folder / "waste.csv").unlink()
    with pytest.raises(InputError) as err:
        read_fineprint(folder)
    assert err.value.file == str(folder / "waste.csv")
    shutil.copy(FIXTURE / "waste.csv", folder / "waste.csv")
    pd.read_csv(FIXTURE / "minerals.csv").drop(columns="material").to_csv(folder / "minerals.csv", index=False)
    with pytest.raises(InputError) as err:
        read_fineprint(tmp_path)  # a parent folder with one FINEPRINT sub-folder is accepted
    assert (err.value.file, err.value.row, err.value.column) == (str(folder / "minerals.csv"), 1, "material")


def test_no_usable_mine_gives_an_empty_table(tmp_path: Path) -> None:
    folder = tmp_path / "fp"
    shutil.copytree(FIXTURE, folder)
    pd.read_csv(FIXTURE / "facilities.csv").assign(geom="numeric(0)").to_csv(folder / "facilities.csv", index=False)
    result = read_fineprint(folder)
    # the five chosen mine+commodity rows and Mine D all lack coordinates now
    assert len(result.sites) == 0
    assert result.summary()["skipped"] == {"no valid coordinates": 6}


def test_wkt_geometry(tmp_path: Path) -> None:
    folder = tmp_path / "fp"
    shutil.copytree(FIXTURE, folder)
    facilities = pd.read_csv(FIXTURE / "facilities.csv")
    facilities.loc[0, "geom"] = "MULTIPOINT ((-77.5 -9.25), (-77.0 -9.0))"
    facilities.loc[2, "geom"] = "POINT (118.25 -22.5)"
    facilities.to_csv(folder / "facilities.csv", index=False)
    result = read_fineprint(folder)
    a, b = _site(result, "FP-AAA00001-copper"), _site(result, "FP-AAA00002-lithium")
    assert (a["longitude"], a["latitude"]) == (-77.5, -9.25)
    assert (b["longitude"], b["latitude"]) == (118.25, -22.5)


def test_not_a_fineprint_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_fineprint(tmp_path)


needs_shared = pytest.mark.skipif(not FINEPRINT.is_dir(), reason="shared FINEPRINT copy not available")


@pytest.fixture(scope="module")
def shared_import() -> FineprintImport:
    return read_fineprint(FINEPRINT)


@needs_shared
def test_los_pelambres_2019(shared_import: FineprintImport) -> None:
    # Checked against the raw FINEPRINT workbook (raw_input_2022-11, sheets minerals_ores_conce and
    # commodities): ore processed 61,247 kt, Cu 363.4 kt at 0.700 % Cu, recovery 0.878,
    # source "Antofagasta Plc. (2020) Q4 2019 Production Report"
    lp = _site(shared_import, "FP-COM00747-copper")
    assert lp["name"] == "Los Pelambres" and lp["country"] == "CHL" and lp["year"] == 2019
    assert lp["ore_t"] == pytest.approx(61_247_000)
    assert lp["metal_t"] == pytest.approx(363_400)
    assert lp["grade"] == pytest.approx(0.007)
    assert lp["recovery"] == pytest.approx(0.878)
    assert "Antofagasta" in lp["source"]


@needs_shared
def test_antamina_copper_zinc_split(shared_import: FineprintImport) -> None:
    # Antamina, latest year 2018: 51,247,000 t ore, Cu 446,100 t, Zn 409,300 t; by 2019 value
    # Cu 446,100 x 6,010 = 2,681.061 M$, Zn 409,300 x 2,550 = 1,043.715 M$: Cu share 0.719791 -> 36,887,140 t ore
    # strip ratio over the six waste years 2013-2018: sum(total material - ore mined) 1,034,476,000 t /
    # sum(ore mined) 310,081,000 t = 3.336148 (2018 alone: 191,160,000 / 51,247,000 = 3.730);
    # Cu waste = 3.336148 x 36,887,140 t = 123,060,945 t
    cu, zn = _site(shared_import, "FP-COM00048-copper"), _site(shared_import, "FP-COM00048-zinc")
    assert cu["year"] == zn["year"] == 2018
    assert cu["ore_t"] == pytest.approx(36_887_140, abs=1)
    assert cu["ore_t"] + zn["ore_t"] == pytest.approx(51_247_000)
    assert cu["strip_ratio"] == pytest.approx(3.336148, abs=1e-6)
    assert cu["waste_rock_t"] == pytest.approx(123_060_945, abs=2)


@needs_shared
def test_mt_cattlin_concentrate_filed_as_ore(shared_import: FineprintImport) -> None:
    # FINEPRINT files Mt Cattlin's 2019 "ore" at 59,300 ppm Li2O (= SC6 concentrate grade); the importer
    # uses the 191,570 t concentrate instead: 191,570 x 6.0 % Li2O x 0.4645 = 5,339 t Li (not 46,709 t)
    li = _site(shared_import, "FP-COM00862-lithium")
    assert li["metal_t"] == pytest.approx(191_570 * 0.02787, rel=1e-9)
    assert li["ore_t"] == pytest.approx(1_695_369)
    dropped = shared_import.dropped
    assert ((dropped["mine_id"] == "FP-COM00862-lithium") & (dropped["column"] == "grade")).any()


@needs_shared
def test_shared_import_is_canonical(shared_import: FineprintImport) -> None:
    sites = shared_import.sites
    assert sites["source"].str.startswith(CITATION).all()
    assert sites["mine_id"].is_unique
    validate(sites)  # a second validation finds nothing
    summary = shared_import.summary()
    assert summary["by_commodity"]["copper"]["sites"] > 100
    assert summary["sites"] == sum(c["sites"] for c in summary["by_commodity"].values())
