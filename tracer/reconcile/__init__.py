"""`tracer reconcile`: a run beside a reference study, and what each boundary element explains.

`reconcile(...)` -> `Reconciliation` (`.comparison`, `.elements`, `.waterfall`, `.choices`);
the reference study is data (`tracer/data/references/*.csv`), the boundary elements
are declared in `tracer/data/reconcile/boundary_elements.csv`, the alternative choices
in `tracer/data/reconcile/choices.csv`.
"""

from tracer.reconcile.choices import Choice, load_choices
from tracer.reconcile.core import METRICS, Reconciliation, format_value, reconcile
from tracer.reconcile.elements import Element, load_elements, switched_off
from tracer.reconcile.reference import (
    INDICATORS,
    Reference,
    bundled_names,
    load_reference,
)

__all__ = [
    "INDICATORS",
    "METRICS",
    "Choice",
    "Element",
    "Reconciliation",
    "Reference",
    "bundled_names",
    "format_value",
    "load_choices",
    "load_elements",
    "load_reference",
    "reconcile",
    "switched_off",
]
