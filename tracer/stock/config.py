"""The settings of one fleet run, read from TOML (``tracer fleet --config FILE``).

A config names its data tables (relative to the config file, else the bundled ones)
and the few modelling choices a user is expected to change. Unknown keys are errors,
so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from hfcommon.errors import InputError
from hfcommon.vocabulary import DEFAULT_HOME
from tracer.stock.lifetimes import KINDS
from tracer.stock.tables import DATA_DIR, resolve

DEFAULT_CONFIG = DATA_DIR / "china_trucks.toml"
WEIGHT_BASES = ("unit", "with_trailer", "trailer_to_unit")
"""Curb mass per class: the truck unit; with its trailer; or with its trailer, ranging
down to the unit alone (the weighing Xu et al. 2025 state, study ``xu2025``)."""


@dataclass(frozen=True)
class FleetConfig:
    """One fleet study: which stock, which classes, which data, which choices."""

    name: str
    stock_file: str
    total_class: str
    classes: tuple[str, ...]
    first_year: int = 1950
    fit_statuses: tuple[str, ...] = ("yearbook", "orientation")
    lifetime_kind: str = "weibull"
    weight_basis: str = "unit"
    classes_file: str = "vehicle_classes.csv"
    composition_file: str = "composition.csv"
    prices_file: str = "prices.csv"
    factors_file: str = "recycling_factors.csv"
    recovery_file: str = "recovery.csv"
    collection_rate: float = 1.0
    inflation_rate: float = 0.0
    price_year: int = 2023
    emission_path_start_year: int = 2023
    emission_path_end_year: int = 2050
    emission_path_end_fraction: float = 0.5
    saturation_units: float | None = None
    fit_per_class: bool = False
    extra_stock_file: str | None = None
    alt_inflation_rate: float | None = None
    region: str = DEFAULT_HOME
    """ISO3 code of the country whose fleet this is (the IAMC `region` of `tracer fleet --format iamc`)."""
    base_dir: Path | None = None

    def __post_init__(self) -> None:
        checks = [
            (self.lifetime_kind in KINDS, "lifetime_kind", f"must be one of {', '.join(KINDS)}"),
            (self.weight_basis in WEIGHT_BASES, "weight_basis", f"must be one of {', '.join(WEIGHT_BASES)}"),
            (0.0 <= self.collection_rate <= 1.0, "collection_rate", "must lie in [0, 1]"),
            (-0.5 < self.inflation_rate < 1.0, "inflation_rate", "must lie in (-0.5, 1)"),
            (self.alt_inflation_rate is None or -0.5 < self.alt_inflation_rate < 1.0, "alt_inflation_rate",
             "must lie in (-0.5, 1)"),
            (0.0 <= self.emission_path_end_fraction <= 1.0, "emission_path_end_fraction",
             "must lie in [0, 1]"),
            (self.emission_path_end_year > self.emission_path_start_year, "emission_path_end_year",
             "must come after emission_path_start_year"),
            (len(self.classes) > 0, "classes", "must name at least one class"),
            (self.saturation_units is None or self.saturation_units > 0, "saturation_units",
             "must be positive"),
        ]
        where = str(self.base_dir / "<config>") if self.base_dir else None
        for ok, key, message in checks:
            if not ok:
                raise InputError(f"{key} {message}", file=where, column=key)

    def path(self, name: str) -> Path:
        """Resolve one of the config's table names to a file."""
        return resolve(name, self.base_dir)

    def with_changes(self, **changes: Any) -> FleetConfig:
        return replace(self, **changes)


def bundled_configs() -> list[str]:
    """Names of the bundled studies (``--config NAME``)."""
    return sorted(p.stem for p in DATA_DIR.glob("*.toml"))


def load_config(path: str | Path | None = None) -> FleetConfig:
    """Read a TOML config: a file, or a bundled study's name; ``None`` gives China's trucks."""
    target = Path(path) if path is not None else DEFAULT_CONFIG
    if not target.is_file() and target.suffix == "" and (DATA_DIR / f"{target}.toml").is_file():
        target = DATA_DIR / f"{target}.toml"
    if not target.is_file():
        raise InputError(f"config file not found (bundled studies: {', '.join(bundled_configs())})",
                         file=str(target))
    try:
        raw = tomllib.loads(target.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", file=str(target)) from exc
    known = {f.name: f for f in fields(FleetConfig) if f.name != "base_dir"}
    for key in raw:
        if key not in known:
            raise InputError(f"unknown setting (known: {', '.join(sorted(known))})",
                             file=str(target), column=key)
    for key in ("name", "stock_file", "total_class", "classes"):
        if key not in raw:
            raise InputError("required setting missing", file=str(target), column=key)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = str(known[key].type).replace(" | None", "")
        if "tuple" in expected:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError("must be a list of strings", file=str(target), column=key)
            value = tuple(value)
        elif expected == "float" and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif expected == "bool":
            if not isinstance(value, bool):
                raise InputError("must be true or false", file=str(target), column=key)
        elif not isinstance(value, {"int": int, "float": float, "str": str}[expected]) or (
                isinstance(value, bool)):
            raise InputError(f"must be of type {expected}", file=str(target), column=key)
        values[key] = value
    try:
        return FleetConfig(**values, base_dir=target.parent)
    except InputError as exc:
        raise InputError(exc.message, file=str(target), column=exc.column) from exc
