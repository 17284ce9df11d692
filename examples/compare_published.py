"""How do our figures compare with the published study of China's 2019 passenger cars?

Prints the Markdown tables of the README's "Against the published study" section:
Wang et al., Nature Communications 16, 9217 (2025), beside `tracer run` on the bundled
data, and the waterfall of what each declared boundary element contributes (each
switched off alone). The published figures are read from
`tracer/data/references/wang2025.csv`; nothing here or in the engine is fitted to them.
Same as `tracer reconcile --markdown`.

    python examples/compare_published.py
"""

from __future__ import annotations

from tracer.reconcile import reconcile
from tracer.reconcile.figure import elements_markdown, markdown


def main() -> None:
    """Print the comparison and the waterfall."""
    result = reconcile()
    print(markdown(result))
    print()
    print(elements_markdown(result.elements))


if __name__ == "__main__":
    main()
