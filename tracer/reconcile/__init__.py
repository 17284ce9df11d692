"""`tracer reconcile`: a run beside a reference study, and what each boundary element explains.

`reconcile(...)` -> `Reconciliation` (`.comparison`, `.elements`, `.waterfall`);
the reference study is data (`tracer/data/references/*.csv`), the boundary elements
are declared in `tracer/data/reconcile/boundary_elements.csv`.
"""

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
    "Element",
    "Reconciliation",
    "Reference",
    "bundled_names",
    "format_value",
    "load_elements",
    "load_reference",
    "reconcile",
    "switched_off",
]
