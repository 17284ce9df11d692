"""The report's bibliography: each document once, formatted, with the rows citing it one click away."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_maps_synthetic import synthetic_flows, synthetic_mines

from tracer.maps.aggregate import by_mine
from tracer.maps.bibliography import bibliography_html


@pytest.fixture(scope="module")
def bundled() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    import mine_db
    from tracer import api

    flows, mines = api.run().flows, mine_db.load_default()
    return flows, mines, bibliography_html(flows, mines, ["Country boundaries: Natural Earth."])


def test_each_document_once_with_its_rows_in_details(bundled: tuple[pd.DataFrame, pd.DataFrame, str]) -> None:
    flows, mines, page = bundled
    entries = re.findall(r'<li id="src-[^"]+"><span class="cite">(.*?)</span>', page)
    assert len(entries) == len(set(entries)) > 50  # de-duplicated by document, not by internal id
    assert entries == sorted(entries, key=str.casefold)  # alphabetical, as a reference list
    assert page.count("<details>") == len(entries)
    assert "Rio Tinto (2019) Annual Report 2018." in entries
    text = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"\[(fp|usgs|wmd)[a-z0-9_]*\]", text)  # no internal tags in the visible text
    assert ".." not in text.replace("...", "")
    sites = by_mine(flows, mines)
    assert f"behind the {sites['mine_id'].nunique()} mine sites" in page
    largest = sites.iloc[0]
    assert f"<b>{largest['name']}</b>" in page  # every site's own provenance is one click away
    assert "Country boundaries: Natural Earth." in page


def test_a_table_without_source_ids_lists_each_source_string_once() -> None:
    mines = synthetic_mines()
    mines.loc[1, "source"] = mines.loc[0, "source"]
    page = bibliography_html(synthetic_flows(), mines)
    entries = re.findall(r'<span class="cite">(.*?)</span>', page)
    assert len(entries) == len(set(entries)) == mines["source"].nunique()
    assert "cited for 2 sites" in page
