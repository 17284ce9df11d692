"""The report's bibliography: each document once, formatted, with the rows that cite it one click away.

Why: the mine table carries one provenance string per row (method, citations, notes), so
the same annual report appears dozens of times with internal ids. A reader citing the
report wants the documents (author, year, title, where in it), and a reviewer wants to
check one row; here the documents form a numbered list and each one's rows (site, country,
hidden flows in this run, the row's own method and notes) sit in a `<details>` element.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd

from hfcommon.display import country_name, quantity
from tracer.maps.aggregate import by_mine

_LEFTOVER = re.compile(r"(\s*;\s*)+(?=[.;]|$)|^\s*[;.]\s*")


def _bibliography() -> pd.DataFrame:
    from mine_db.default import read_bibliography

    return read_bibliography().set_index("id")


def _provenance(source: str, ids: Sequence[str], cite: pd.Series) -> str:
    """A row's own words: its source text without the full citations the bibliography already gives."""
    text = source
    for key in ids:
        if key in cite.index:
            text = text.replace(f"[{key}] {cite[key]}", "")
    text = _LEFTOVER.sub("", re.sub(r"\s*;\s*;\s*", "; ", text))
    return re.sub(r"\.(\s*[.;])+", ".", text).strip(" ;") or "(no further note)"


def _cited_rows(flows: pd.DataFrame, mines: pd.DataFrame) -> pd.DataFrame:
    """One row per (site, document): mine_id, name, country, hidden_t, key, provenance."""
    table = by_mine(flows, mines)
    own = [c for c in ("mine_id", "name", "country", "hidden_t") if c in table]
    extra = [c for c in ("mine_id", "source", "source_ids") if c in mines]
    sites = table[own].merge(mines[extra].drop_duplicates("mine_id"), on="mine_id", how="left")
    sources = sites.get("source", pd.Series("", index=sites.index)).fillna("").astype(str)
    ids = sites.get("source_ids", pd.Series("", index=sites.index)).fillna("").astype(str)
    cite = _bibliography()["citation"] if ids.str.len().gt(0).any() else pd.Series(dtype=str)
    records = []
    for site, source, keys in zip(sites.itertuples(), sources, ids, strict=True):
        known = [k for k in keys.split(";") if k in cite.index]
        for key in known or [source or "(no source given)"]:
            records.append({"mine_id": site.mine_id, "name": getattr(site, "name", site.mine_id),
                            "country": getattr(site, "country", ""), "hidden_t": site.hidden_t, "key": key,
                            "provenance": _provenance(source, known, cite) if known else source})
    return pd.DataFrame.from_records(records, columns=["mine_id", "name", "country", "hidden_t", "key", "provenance"])


def _entry(citation: str, keys: list[str], rows: pd.DataFrame, bib: pd.DataFrame) -> tuple[str, str]:
    """(sort key, <li>) of one document, however many ids the data gave it."""
    known = [k for k in keys if k in bib.index]
    urls = [str(bib.at[k, "url"]) for k in known if str(bib.at[k, "url"]).startswith("http")]
    where = list(dict.fromkeys(str(bib.at[k, "where_read"]) for k in known if str(bib.at[k, "where_read"])))
    link = f' <a href="{html.escape(urls[0])}">{html.escape(urls[0])}</a>' if urls else ""
    rows = rows.drop_duplicates("mine_id")
    sites = "".join(
        f"<li><b>{html.escape(str(r.name))}</b> ({html.escape(country_name(str(r.country)))}, "
        f"{quantity(r.hidden_t)}): {html.escape(str(r.provenance))}</li>"
        for r in rows.sort_values("hidden_t", ascending=False).itertuples()
    )
    read = "".join(f'<p class="where">Read in: {html.escape(w)}</p>' for w in where)
    summary = (f"cited for {len(rows)} site{'s' if len(rows) != 1 else ''}, "
               f"{quantity(rows['hidden_t'].sum())} of this run's hidden flows")
    anchor = html.escape(re.sub(r"[^A-Za-z0-9_-]", "-", keys[0]))
    body = (f'<li id="src-{anchor}"><span class="cite">{html.escape(citation.rstrip("."))}.</span>{link}'
            f"<details><summary>{summary}</summary>{read}<ul>{sites}</ul></details></li>")
    return f"{html.escape(citation.rstrip('.'))}.".casefold(), body  # sorted as displayed


def bibliography_html(flows: pd.DataFrame, mines: pd.DataFrame | None, other: Sequence[str] = ()) -> str:
    """A numbered, de-duplicated list of the documents behind this run's mine sites, then the other sources."""
    parts = []
    if mines is not None and len(mines):
        rows = _cited_rows(flows, mines)
        bib = _bibliography() if "source_ids" in mines else pd.DataFrame(columns=["citation", "url", "where_read"])
        citation = rows["key"].map(lambda k: str(bib.at[k, "citation"]) if k in bib.index else str(k))
        rows = rows.assign(citation=citation.str.strip().str.rstrip("."))  # one entry per document, not per id
        entries = sorted(_entry(str(cite), list(dict.fromkeys(part["key"])), part, bib)
                         for cite, part in rows.groupby("citation"))
        parts.append(f"<p>{len(entries)} documents behind the {rows['mine_id'].nunique()} mine sites of this run "
                     "(open an entry for the rows that cite it, with each row's method and notes).</p>")
        parts.append(f'<ol class="bib">{"".join(body for _, body in entries)}</ol>')
    if other:
        parts.append("<h3>Other sources</h3><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in dict.fromkeys(other))
                     + "</ul>")
    return "\n".join(parts)
