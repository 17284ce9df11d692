"""Regenerate the README's "Bad input: what each gets" table from the test catalogue.

The table between `<!-- bad-inputs:start -->` and `<!-- bad-inputs:end -->` in README.md
is `markdown_table()` of tests/test_bad_inputs.py, so the README lists exactly the cases
the tests check (tests/test_bad_inputs.py::test_readme_lists_the_catalogue fails when
they drift). Run after adding a case:

    python tools/bad_inputs_table.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hfcommon.output import atomic_path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- bad-inputs:start -->\n).*?(<!-- bad-inputs:end -->)", re.DOTALL)


def main() -> None:
    """Rewrite the marked block of README.md."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_bad_inputs import markdown_table

    text = README.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        raise SystemExit("README.md has no <!-- bad-inputs:start --> ... <!-- bad-inputs:end --> block")
    with atomic_path(README) as tmp:
        tmp.write_text(BLOCK.sub(lambda m: m.group(1) + markdown_table() + "\n" + m.group(2), text), encoding="utf-8")


if __name__ == "__main__":
    main()
