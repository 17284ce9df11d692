"""`tracer db coverage`: fleet hidden flows by fill level add up and follow the site table."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from mine_db import load_default
from tracer import api
from tracer.cli import app
from tracer.coverage import SITE_DOCUMENTS, coverage, site_hidden, thin_fill


@pytest.fixture(scope="module")
def flows():
    return api.run().flows


def test_fill_shares_sum_to_one_and_match_the_sites(flows) -> None:
    mines = load_default()
    report = coverage(flows, mines)
    sites = site_hidden(flows, mines)
    for var, shares in report["share_by_fill"].items():
        assert sum(shares.values()) == pytest.approx(1.0)
        own = sites.loc[sites[f"{var}_fill"] == "mine", "hidden_t"].sum() / sites["hidden_t"].sum()
        assert shares["mine"] == pytest.approx(own)
    assert report["hidden_t"] == pytest.approx(sites["hidden_t"].sum())
    # sites + outside sites (coal behind grids) = every hidden tonne of the flow table
    hidden = flows[flows["stressor"].isin(["overburden", "waste_rock", "tailings"])]
    assert report["hidden_t"] + report["hidden_outside_sites_t"] == pytest.approx(hidden["value"].sum(), rel=1e-12)
    assert report["hidden_outside_sites_t"] >= 0
    assert sites["hidden_t"].is_monotonic_decreasing
    assert sites["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_own_strip_ratios_split_by_how_they_were_read(flows) -> None:
    """Reported, plan, upper- and lower-bound shares add up to the share on the mine's own strip ratio; each is
    the hidden flows of the sites so declared in mines.csv (`strip_ratio_basis`)."""
    mines = load_default()
    report = coverage(flows, mines)
    by_basis = report["own_strip_ratio_by_basis"]
    assert sum(by_basis.values()) == pytest.approx(report["share_by_fill"]["strip_ratio"]["mine"])
    sites = site_hidden(flows, mines).set_index("mine_id")
    total = sites["hidden_t"].sum()
    bounds = ["chl-escondida-copper", "zaf-mogalakwena-pgm", "chl-candelaria-copper", "zaf-sishen-iron_ore"]
    assert by_basis["upper_bound"] == pytest.approx(sites.loc[sites.index.intersection(bounds), "hidden_t"].sum() / total)
    plans = ["chl-ministro-hales-copper", "chl-gabriela-mistral-copper", "chl-lomas-bayas-copper",
             "pan-cobre-panama-copper", "cod-tenke-fungurume-copper", "cod-tenke-fungurume-cobalt",
             "aus-pilgangoora-lithium", "can-mount-milligan-copper"]
    assert by_basis["plan"] == pytest.approx(sites.loc[sites.index.intersection(plans), "hidden_t"].sum() / total)
    assert by_basis["lower_bound"] == pytest.approx(sites.loc["mng-oyu-tolgoi-copper", "hidden_t"] / total)
    assert list(by_basis) == ["reported", "plan", "upper_bound", "lower_bound"]
    assert by_basis["plan"] > 0 and by_basis["upper_bound"] > 0 and by_basis["lower_bound"] > 0


def test_thin_fills_are_fills_of_fewer_than_five_mines_or_of_no_sample(flows) -> None:
    """A fill counts as thin when its sample has under 5 mines or no count (an assumption); a
    site's own value, a value true by definition and a national statistic never do. The share
    is part of the fill levels."""
    mines = load_default()
    report = coverage(flows, mines)
    sites = site_hidden(flows, mines)
    for var in ("strip_ratio", "grade", "recovery"):
        fill, n = sites[f"{var}_fill"], sites[f"{var}_fill_n"]
        by_hand = (sites.loc[~fill.isin(["mine", "definition", "national"]) & ~(n >= 5), "hidden_t"].sum()
                   / sites["hidden_t"].sum())
        assert report["thin_fill_share"][var] == pytest.approx(by_hand, rel=1e-12)
        on_fills = 1 - sum(report["share_by_fill"][var][level] for level in ("mine", "definition", "national"))
        assert 0 <= report["thin_fill_share"][var] <= on_fills + 1e-12
    # no grade fill is thin since the rare-earth grade rests on ten deposits; bauxite's assumptions remain
    assert report["thin_fill_share"]["grade"] == 0
    assert report["thin_fill_share"]["strip_ratio"] > 0 and report["thin_fill_share"]["recovery"] > 0
    assert not thin_fill(sites[sites["commodity"] == "rare_earths"], "recovery").any()
    # country, pooled and global fills rest on >= 5 mines by construction (mine_db.gapfill)
    shared = sites[sites["strip_ratio_fill"].isin(["country", "pooled", "global"])]
    assert (shared["strip_ratio_fill_n"] >= 5).all()


def test_bauxite_grade_holds_by_definition_and_is_no_gap(flows) -> None:
    """Bauxite is sold as the ore itself: its grade 1 is flagged `definition`, never a thin fill."""
    mines = load_default()
    bauxite = mines[mines["commodity"] == "bauxite"]
    assert (bauxite["grade"] == 1.0).all()
    assert set(bauxite["grade_fill"]) == {"definition"}
    assert set(bauxite["concentrate_grade_fill"]) == {"definition"}
    # assumption A33, a real gap, except where a document reads the ore as shipped unwashed (test_direct_shipping)
    # or washed (test_bauxite_routes: MRN's own yield, else the washed default of five read yields)
    shipped, washed = bauxite["process"] == "direct_shipping", bauxite["process"] == "washed"
    assert set(bauxite.loc[~shipped & ~washed, "recovery_fill"]) == {"default"}
    assert bauxite.loc[~shipped & ~washed, "recovery_fill_n"].isna().all()
    assert set(bauxite.loc[shipped, "recovery_fill"]) <= {"definition"}
    assert set(bauxite.loc[washed, "recovery_fill"]) == {"mine", "default"}
    report = coverage(flows, mines)
    sites = site_hidden(flows, mines)
    share = sites.loc[sites["commodity"] == "bauxite", "hidden_t"].sum() / sites["hidden_t"].sum()
    assert report["share_by_fill"]["grade"]["definition"] == pytest.approx(share)
    assert report["share_by_fill"]["strip_ratio"]["definition"] == 0.0


def test_large_sites_on_fills_name_a_document(flows) -> None:
    """Every site of those carrying 80 % of the hidden flows that rests on a fill names the document that
    would hold its own figures (issue 17's done-when); a site on its own values names none."""
    large = coverage(flows, load_default(), top=1)["sites_carrying_80_percent"]
    report = coverage(flows, load_default(), top=large)
    assert len(report["largest_sites"]) == large > 25
    first = report["largest_sites"][0]
    assert first["mine_id"] == "chn-rest-copper-open-pit"
    assert "Yearbook" in first["document_that_would_hold_it"]
    for site in report["largest_sites"]:
        on_fill = any(site[f"{v}_fill"] not in ("mine", "definition") for v in ("grade", "recovery", "strip_ratio"))
        assert (site["document_that_would_hold_it"] is not None) == on_fill, site["mine_id"]
    dexing = next(s for s in report["largest_sites"] if s["mine_id"] == "chn-dexing-copper")
    assert "Jiangxi Copper" in dexing["document_that_would_hold_it"]


def test_site_documents_name_existing_sites_once() -> None:
    """A typo in site_documents.csv would silently drop its document: every id is a site of the table."""
    table = pd.read_csv(SITE_DOCUMENTS)
    assert not table["mine_id"].duplicated().any()
    assert set(table["mine_id"]) <= set(load_default()["mine_id"])
    assert table["document"].str.strip().str.len().gt(0).all()


def test_cli_json() -> None:
    result = CliRunner().invoke(app, ["db", "coverage", "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert len(report["largest_sites"]) == 3
    assert set(report["share_by_fill"]) == {"grade", "recovery", "strip_ratio"}
