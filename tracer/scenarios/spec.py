"""Scenario files: TOML validated against a declared schema, read into frozen dataclasses.

A scenario declares *what changes* (a lever and its parameters) and *why* (a source
for every assumption). It never says how the network is edited; that is
`tracer.scenarios.levers`. What a file may hold is declared once, as a pydantic model
(`tracer.scenarios.schema`, also exported as JSON Schema); any malformed key raises
`InputError` naming the file and the dotted key path (``recycled_content.copper.share``),
so a user can fix it. This module turns a valid document into the `Scenario` the
levers read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hfcommon.errors import InputError
from tracer.scenarios.schema import (
    CHEMISTRIES,
    COMMODITIES,
    MATERIAL_COMMODITY,
    NEV_VEHICLES,
    PROCESS_STRESSORS,
    SHARE_TOLERANCE,
    ScenarioFile,
    validate_document,
)

__all__ = [
    "CHEMISTRIES", "COMMODITIES", "MATERIAL_COMMODITY", "NEV_VEHICLES", "PROCESS_STRESSORS", "SHARE_TOLERANCE",
    "AluminiumPower", "BatteryMix", "CleanElectricity", "FleetMix", "Lightweighting", "OreGradeDecline",
    "RecycledContent", "Scenario", "Sourcing", "SteelRoute", "parse_scenario", "read_toml",
]


@dataclass(frozen=True)
class RecycledContent:
    """Set the recycled share of one material's metal supply to `share`.

    The secondary route is the network's own route node for the commodity in `country`
    (graphs/secondary.py: its grid electricity, fuel and scrap traced), or, when
    `secondary_stressors` is given, a new `recycling` node whose direct flows per tonne
    of secondary metal are those. `materials` limits the lever to those material nodes
    (names without the `material:` prefix); empty = all.
    """

    material: str
    commodity: str
    share: float
    secondary_stressors: Mapping[str, float] | None
    country: str
    source: str
    materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatteryMix:
    """Traction-battery chemistry shares (of the battery input as the network models it)."""

    shares: Mapping[str, float]
    consumers: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class CleanElectricity:
    """Replace `share` of the grid electricity used by `stages` in `countries`.

    An empty `countries` means every country. The clean supply is either a node of
    the network, `supply` with `{country}` standing for the consumer's country
    (e.g. `energy:other_power:{country}`), or a new node whose direct flows per GJ
    are `stressors`.
    """

    share: float
    countries: tuple[str, ...]
    stages: tuple[str, ...]
    supply: str | None
    stressors: Mapping[str, float] | None
    source: str


@dataclass(frozen=True)
class Sourcing:
    """Origin-country shares of one market (by node id) or of a commodity's import markets.

    Countries not named keep their baseline proportions within the remaining share.
    """

    commodity: str | None
    market: str | None
    shares: Mapping[str, float]
    source: str


@dataclass(frozen=True)
class OreGradeDecline:
    """Head grade of a commodity's mines falls by `annual_decline` (fraction) per year."""

    commodity: str
    annual_decline: float
    base_year: int
    target_year: int
    source: str

    @property
    def grade_factor(self) -> float:
        """New grade / baseline grade at the target year (compounded)."""
        return (1.0 - self.annual_decline) ** (self.target_year - self.base_year)


@dataclass(frozen=True)
class FleetMix:
    """Vehicles produced: NEV share, optional total and split among NEV types."""

    nev_share: float | None
    total: float | None
    nev_split: Mapping[str, float] | None
    source: str


@dataclass(frozen=True)
class Lightweighting:
    """Relative change of one material's mass in every product (-0.1 = 10 % lighter).

    `material` names a material node without its prefix (`steel` = `material:steel`).
    """

    material: str
    mass_change: float
    source: str


@dataclass(frozen=True)
class SteelRoute:
    """Route shares of the crude steel in `material:steel`: electric arc (None: the network's) and
    direct reduction + arc furnace; optional EAF scrap charge (t/t). The blast furnace takes the rest."""

    eaf_share: float | None
    eaf_scrap_ratio: float | None
    source: str
    dri_share: float = 0.0


@dataclass(frozen=True)
class AluminiumPower:
    """Share of primary-aluminium smelters' electricity taken from their country's non-coal power."""

    hydro_share: float
    source: str


@dataclass(frozen=True)
class Scenario:
    """A validated what-if: levers on the network and on the fleet, each with its source."""

    name: str
    title: str
    description: str
    file: str | None = None
    recycled_content: tuple[RecycledContent, ...] = ()
    battery_mix: BatteryMix | None = None
    electricity: tuple[CleanElectricity, ...] = ()
    sourcing: tuple[Sourcing, ...] = ()
    ore_grade: tuple[OreGradeDecline, ...] = ()
    fleet: FleetMix | None = None
    lightweighting: tuple[Lightweighting, ...] = ()
    steel_route: SteelRoute | None = None
    aluminium_power: AluminiumPower | None = None
    includes: tuple[str, ...] = ()

    @property
    def changes_network(self) -> bool:
        """Whether any lever edits the network (as opposed to the demand only)."""
        return bool(
            self.recycled_content
            or self.battery_mix
            or self.electricity
            or self.sourcing
            or self.ore_grade
            or self.lightweighting
            or self.steel_route
            or self.aluminium_power
        )

    def assumptions(self) -> list[dict[str, str]]:
        """One row per lever setting with its source: what a report must show."""
        rows: list[dict[str, str]] = []
        for rc in self.recycled_content:
            where = f" in {', '.join(rc.materials)}" if rc.materials else ""
            if rc.secondary_stressors is None:
                route = f"the network's secondary {rc.material} route in {rc.country}"
            else:
                route = "per t: " + (", ".join(f"{k} {v:g}" for k, v in rc.secondary_stressors.items()) or "none")
            setting = f"share {rc.share:g}{where}; secondary route {route}"
            rows.append(_row(f"recycled_content.{rc.material}", setting, rc.source))
        if self.battery_mix:
            mix = ", ".join(f"{k} {v:g}" for k, v in self.battery_mix.shares.items())
            rows.append(_row("battery_mix", mix, self.battery_mix.source))
        for i, el in enumerate(self.electricity):
            where = ",".join(el.countries) or "all countries"
            supply = el.supply or "a new supply"
            setting = f"clean share {el.share:g} of {'/'.join(el.stages)} power in {where}, from {supply}"
            rows.append(_row(f"electricity[{i}]", setting, el.source))
        for i, so in enumerate(self.sourcing):
            mix = ", ".join(f"{k} {v:g}" for k, v in so.shares.items())
            rows.append(_row(f"sourcing[{i}]", f"{so.market or so.commodity}: {mix}", so.source))
        for og in self.ore_grade:
            setting = f"-{og.annual_decline:g}/yr {og.base_year}->{og.target_year} (x{og.grade_factor:.3f})"
            rows.append(_row(f"ore_grade.{og.commodity}", setting, og.source))
        if self.fleet:
            rows.append(_row("fleet", _fleet_text(self.fleet), self.fleet.source))
        for lw in self.lightweighting:
            rows.append(_row(f"lightweighting.{lw.material}", f"mass {lw.mass_change:+g}", lw.source))
        if self.steel_route:
            sr = self.steel_route
            scrap = "" if sr.eaf_scrap_ratio is None else f", EAF scrap {sr.eaf_scrap_ratio:g} t/t"
            eaf = "EAF share as the network's" if sr.eaf_share is None else f"EAF share {sr.eaf_share:g}"
            dri = f", DRI-EAF share {sr.dri_share:g}" if sr.dri_share else ""
            rows.append(_row("steel_route", f"{eaf}{dri}{scrap}", sr.source))
        if self.aluminium_power:
            rows.append(_row("aluminium_power", f"hydro share {self.aluminium_power.hydro_share:g}",
                             self.aluminium_power.source))
        return rows


def _row(key: str, setting: str, source: str) -> dict[str, str]:
    return {"key": key, "setting": setting, "source": source}


def _fleet_text(fleet: FleetMix) -> str:
    parts = []
    if fleet.nev_share is not None:
        parts.append(f"NEV share {fleet.nev_share:g}")
    if fleet.total is not None:
        parts.append(f"total {fleet.total:g}")
    if fleet.nev_split:
        parts.append("split " + ", ".join(f"{k} {v:g}" for k, v in fleet.nev_split.items()))
    return "; ".join(parts)


def parse_scenario(data: Mapping[str, Any], file: str) -> Scenario:
    """Validate a scenario's TOML tables (without `include`, see `load_scenario`)."""
    return from_document(validate_document(data, file), file)


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


def from_document(doc: ScenarioFile, file: str | None) -> Scenario:
    """The `Scenario` a validated document describes (defaults filled in, mappings frozen)."""
    head = doc.scenario
    title = head.title or head.name
    battery, fleet = doc.battery_mix, doc.fleet
    return Scenario(
        name=head.name,
        title=title,
        description=head.description or title,
        file=file,
        recycled_content=tuple(
            RecycledContent(material=material, commodity=MATERIAL_COMMODITY[material], share=t.share,
                            secondary_stressors=None if t.secondary_stressors is None
                            else _frozen(t.secondary_stressors), country=t.country,
                            source=t.source, materials=tuple(t.materials))
            for material, t in doc.recycled_content.items()
        ),
        battery_mix=None if battery is None else BatteryMix(
            shares=_frozen(battery.shares), consumers=tuple(battery.consumers), source=battery.source),
        electricity=tuple(
            CleanElectricity(share=t.share, countries=tuple(t.countries), stages=tuple(t.stages), supply=t.supply,
                             stressors=None if t.stressors is None else _frozen(t.stressors), source=t.source)
            for t in doc.electricity
        ),
        sourcing=tuple(
            Sourcing(commodity=t.commodity, market=t.market, shares=_frozen(t.shares), source=t.source)
            for t in doc.sourcing
        ),
        ore_grade=tuple(
            OreGradeDecline(commodity=commodity, annual_decline=t.annual_decline, base_year=t.base_year,
                            target_year=t.target_year, source=t.source)
            for commodity, t in doc.ore_grade.items()
        ),
        fleet=None if fleet is None else FleetMix(
            nev_share=fleet.nev_share, total=fleet.total,
            nev_split=None if fleet.nev_split is None else _frozen(fleet.nev_split), source=fleet.source),
        lightweighting=tuple(
            Lightweighting(material=material, mass_change=t.mass_change, source=t.source)
            for material, t in doc.lightweighting.items()
        ),
        steel_route=None if doc.steel_route is None else SteelRoute(
            eaf_share=doc.steel_route.eaf_share, eaf_scrap_ratio=doc.steel_route.eaf_scrap_ratio,
            source=doc.steel_route.source, dri_share=doc.steel_route.dri_share),
        aluminium_power=None if doc.aluminium_power is None else AluminiumPower(
            hydro_share=doc.aluminium_power.hydro_share, source=doc.aluminium_power.source),
        includes=tuple(doc.include),
    )


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning syntax errors into `InputError` naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise InputError("scenario file not found", file=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from exc
