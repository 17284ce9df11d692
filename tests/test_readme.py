"""The README's Python snippets run as written (a snippet that fails is a broken promise to a new user)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
#: Files the snippets name as the user's own, made from bundled ones.
USER_FILES = {"my_scenario.toml": Path(__file__).resolve().parents[1] / "tracer/data/scenarios/lfp.toml"}


def test_readme_has_python_snippets() -> None:
    assert len(SNIPPETS) >= 3


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_readme_snippet_runs(snippet: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, bundled in USER_FILES.items():
        if name in snippet:
            shutil.copy(bundled, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(snippet, f"README.md snippet:\n{snippet[:60]}", "exec"), namespace)  # noqa: S102
    assert namespace  # the snippet defined what it shows


def test_mine_db_summary_as_the_readme_spells_it() -> None:
    """`import mine_db; mine_db.summary.summarise(df)` (issue 15 item 9): submodules load on attribute access."""
    import mine_db

    assert "mine_db.summary.summarise(df)" in README.read_text(encoding="utf-8")
    df = mine_db.load_default()
    summary = mine_db.summary.summarise(df)
    assert summary["sites"] == len(df) and summary["hidden_t"] == pytest.approx(float(df["hidden_t"].sum()))
    with pytest.raises(AttributeError):
        mine_db.summarize  # noqa: B018  (no second spelling: the README uses the real one)
