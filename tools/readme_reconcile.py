"""Regenerate the README's "Against the published study" tables from `tracer reconcile`.

The tables between `<!-- reconcile:start -->` and `<!-- reconcile:end -->` in README.md
(side by side, the waterfalls of hidden flows and TMR, the elements, the choices) are
replaced by what `tracer reconcile --markdown` prints on the bundled data, so the
section is never typed in by hand. Run after any change to the bundled data:

    python tools/readme_reconcile.py
"""

from __future__ import annotations

import re
from pathlib import Path

from hfcommon.output import atomic_path
from tracer.reconcile import reconcile
from tracer.reconcile.figure import choices_markdown, elements_markdown, markdown

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- reconcile:start -->\n).*?(<!-- reconcile:end -->)", re.S)


def main() -> None:
    """Rewrite the marked block of README.md."""
    hidden = reconcile()
    tmr = reconcile(metric="total_tmr_t", choices=())  # the choices' TMR changes are in the hidden run's table
    body = "\n\n".join([markdown(hidden), _steps_only(markdown(tmr)), elements_markdown(hidden.elements),
                         choices_markdown(hidden)]) + "\n"
    text = README.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        raise SystemExit("README.md has no <!-- reconcile:start --> ... <!-- reconcile:end --> block")
    with atomic_path(README) as tmp:
        tmp.write_text(BLOCK.sub(lambda m: m.group(1) + body + m.group(2), text), encoding="utf-8")


def _steps_only(text: str) -> str:
    """The waterfall table of a Markdown block (the side-by-side table is printed once)."""
    return text.split("\n\n")[1]


if __name__ == "__main__":
    main()
