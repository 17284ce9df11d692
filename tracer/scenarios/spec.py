"""Scenario files: TOML parsed into frozen dataclasses, validated key by key.

A scenario declares *what changes* (a lever and its parameters) and *why* (a source
for every assumption). It never says how the network is edited; that is
`tracer.scenarios.levers`. Any malformed key raises `InputError` naming the file and
the dotted key path (``recycled_content.copper.share``), so a user can fix it.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from hfcommon.errors import InputError
from hfcommon.vocabulary import DEFAULT_HOME, UNKNOWN_ORIGIN

# Scenario material names -> the mine_db commodity whose supply chain delivers them.
MATERIAL_COMMODITY: Mapping[str, str] = MappingProxyType(
    {
        "copper": "copper",
        "aluminium": "bauxite",
        "steel": "iron_ore",
        "lead": "lead",
        "zinc": "zinc",
        "nickel": "nickel",
        "cobalt": "cobalt",
        "lithium": "lithium",
        "manganese": "manganese",
    }
)
COMMODITIES: tuple[str, ...] = (
    "iron_ore",
    "bauxite",
    "copper",
    "nickel",
    "cobalt",
    "lithium",
    "manganese",
    "lead",
    "zinc",
    "pgm",
    "graphite",
    "rare_earths",
)
CHEMISTRIES: tuple[str, ...] = ("NMC111", "NMC532", "NMC622", "NMC811", "NCA", "LFP")
# Stressors a new (secondary or clean-energy) process may carry; `used` belongs to
# material nodes only (CONTRACTS.md), so a scenario cannot add it.
PROCESS_STRESSORS: tuple[str, ...] = (
    "overburden",
    "waste_rock",
    "tailings",
    "process_residue",
    "energy",
    "co2",
)
NEV_VEHICLES: tuple[str, ...] = ("PHEV", "BEV", "FCV")
SHARE_TOLERANCE = 1e-6
_MATERIAL_NAME = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class RecycledContent:
    """Set the recycled share of one material's metal supply to `share`.

    The secondary route is a new `recycling` node in `country` whose direct flows per
    tonne of secondary metal are `secondary_stressors`. `materials` limits the lever
    to those material nodes (names without the `material:` prefix); empty = all.
    """

    material: str
    commodity: str
    share: float
    secondary_stressors: Mapping[str, float]
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
        )

    def assumptions(self) -> list[dict[str, str]]:
        """One row per lever setting with its source: what a report must show."""
        rows: list[dict[str, str]] = []
        for rc in self.recycled_content:
            where = f" in {', '.join(rc.materials)}" if rc.materials else ""
            flows = ", ".join(f"{k} {v:g}" for k, v in rc.secondary_stressors.items()) or "none"
            setting = f"share {rc.share:g}{where}; secondary route per t: {flows}"
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


class _Reader:
    """Typed access to a TOML table that reports the file and dotted key on failure."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, path: str, message: str) -> InputError:
        return InputError(message, file=self.file, column=path)

    def table(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a table, got {type(value).__name__}")
        return value

    def only(self, table: dict[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(_join(path, key), f"unknown key; allowed: {', '.join(allowed)}")

    def required(self, table: dict[str, Any], path: str, key: str) -> Any:
        if key not in table:
            raise self.fail(_join(path, key), "missing required key")
        return table[key]

    def number(
        self,
        value: Any,
        path: str,
        lo: float | None = None,
        hi: float | None = None,
        lo_open: bool = False,
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(path, f"expected a number, got {value!r}")
        x = float(value)
        if not math.isfinite(x):
            raise self.fail(path, f"must be finite, got {value!r}")
        if lo is not None and (x < lo or (lo_open and x == lo)):
            bound = ">" if lo_open else ">="
            raise self.fail(path, f"must be {bound} {lo:g}, got {x:g}")
        if hi is not None and x > hi:
            raise self.fail(path, f"must be <= {hi:g}, got {x:g}")
        return x

    def integer(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, f"expected an integer, got {value!r}")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"expected a non-empty string, got {value!r}")
        return value.strip()

    def source(self, table: dict[str, Any], path: str) -> str:
        """Every assumption must say where it comes from."""
        return self.text(self.required(table, path, "source"), _join(path, "source"))

    def strings(self, value: Any, path: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list of strings, got {value!r}")
        return tuple(self.text(v, f"{path}[{i}]") for i, v in enumerate(value))

    def country(self, value: Any, path: str) -> str:
        code = self.text(value, path)
        if code == UNKNOWN_ORIGIN or (len(code) == 3 and code.isalpha() and code.isupper()):
            return code
        raise self.fail(path, f"expected an ISO 3166 alpha-3 code (e.g. CHN) or WLD, got {value!r}")

    def shares(
        self, value: Any, path: str, allowed: tuple[str, ...] | None, complete: bool
    ) -> dict[str, float]:
        """Shares in [0, 1]; summing to 1 when `complete`, to at most 1 otherwise."""
        table = self.table(value, path)
        if not table:
            raise self.fail(path, "needs at least one share")
        out: dict[str, float] = {}
        for key, share in table.items():
            if allowed is not None and key not in allowed:
                raise self.fail(_join(path, key), f"unknown key; allowed: {', '.join(allowed)}")
            label = self.country(key, _join(path, key)) if allowed is None else key
            out[label] = self.number(share, _join(path, key), 0.0, 1.0)
        total = sum(out.values())
        if complete and abs(total - 1.0) > SHARE_TOLERANCE:
            raise self.fail(path, f"shares must sum to 1, got {total:g}")
        if total > 1.0 + SHARE_TOLERANCE:
            raise self.fail(path, f"shares must sum to at most 1, got {total:g}")
        return out

    def stressors(self, value: Any, path: str) -> dict[str, float]:
        table = self.table(value, path)
        out: dict[str, float] = {}
        for key, amount in table.items():
            if key not in PROCESS_STRESSORS:
                raise self.fail(_join(path, key), f"unknown stressor; allowed: {', '.join(PROCESS_STRESSORS)}")
            out[key] = self.number(amount, _join(path, key), 0.0)
        return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_TOP_KEYS = (
    "scenario",
    "include",
    "recycled_content",
    "battery_mix",
    "electricity",
    "sourcing",
    "ore_grade",
    "fleet",
    "lightweighting",
)


def parse_scenario(data: Mapping[str, Any], file: str) -> Scenario:
    """Validate a scenario's TOML tables (without `include`, see `load_scenario`)."""
    r = _Reader(file)
    doc = dict(data)
    r.only(doc, "", _TOP_KEYS)
    head = r.table(r.required(doc, "", "scenario"), "scenario")
    r.only(head, "scenario", ("name", "title", "description"))
    name = r.text(r.required(head, "scenario", "name"), "scenario.name")
    title = r.text(head.get("title", name), "scenario.title")
    description = r.text(head.get("description", title), "scenario.description")
    includes = r.strings(doc.get("include", []), "include")
    return Scenario(
        name=name,
        title=title,
        description=description,
        file=file,
        recycled_content=_recycled(r, doc.get("recycled_content", {})),
        battery_mix=_battery(r, doc["battery_mix"]) if "battery_mix" in doc else None,
        electricity=_electricity(r, doc.get("electricity", [])),
        sourcing=_sourcing(r, doc.get("sourcing", [])),
        ore_grade=_ore_grade(r, doc.get("ore_grade", {})),
        fleet=_fleet(r, doc["fleet"]) if "fleet" in doc else None,
        lightweighting=_lightweighting(r, doc.get("lightweighting", {})),
        includes=includes,
    )


def _recycled(r: _Reader, value: Any) -> tuple[RecycledContent, ...]:
    out = []
    for material, entry in r.table(value, "recycled_content").items():
        path = f"recycled_content.{material}"
        if material not in MATERIAL_COMMODITY:
            raise r.fail(path, f"unknown material; allowed: {', '.join(MATERIAL_COMMODITY)}")
        t = r.table(entry, path)
        r.only(t, path, ("share", "secondary_stressors", "country", "materials", "source"))
        materials = r.strings(t.get("materials", []), f"{path}.materials")
        for i, name in enumerate(materials):
            if not _MATERIAL_NAME.fullmatch(name):
                raise r.fail(f"{path}.materials[{i}]", "name a material node without its prefix, e.g. steel")
        out.append(
            RecycledContent(
                material=material,
                commodity=MATERIAL_COMMODITY[material],
                share=r.number(r.required(t, path, "share"), f"{path}.share", 0.0, 1.0),
                secondary_stressors=MappingProxyType(
                    r.stressors(r.required(t, path, "secondary_stressors"), f"{path}.secondary_stressors")
                ),
                country=r.country(t.get("country", DEFAULT_HOME), f"{path}.country"),
                source=r.source(t, path),
                materials=materials,
            )
        )
    return tuple(out)


def _battery(r: _Reader, value: Any) -> BatteryMix:
    t = r.table(value, "battery_mix")
    r.only(t, "battery_mix", ("shares", "consumers", "source"))
    return BatteryMix(
        shares=MappingProxyType(
            r.shares(r.required(t, "battery_mix", "shares"), "battery_mix.shares", CHEMISTRIES, complete=True)
        ),
        consumers=r.strings(t.get("consumers", []), "battery_mix.consumers"),
        source=r.source(t, "battery_mix"),
    )


def _array_of_tables(r: _Reader, value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, list):
        raise r.fail(path, f"expected an array of tables ([[{path}]]), got {type(value).__name__}")
    return [(f"{path}[{i}]", r.table(v, f"{path}[{i}]")) for i, v in enumerate(value)]


def _electricity(r: _Reader, value: Any) -> tuple[CleanElectricity, ...]:
    out = []
    for path, t in _array_of_tables(r, value, "electricity"):
        r.only(t, path, ("share", "countries", "stages", "supply", "stressors", "source"))
        if ("supply" in t) == ("stressors" in t):
            raise r.fail(path, "give exactly one of 'supply' (a network node) or 'stressors' (a new node)")
        listed = r.strings(t.get("countries", []), f"{path}.countries")
        countries = tuple(r.country(c, f"{path}.countries[{i}]") for i, c in enumerate(listed))
        stages = r.strings(t.get("stages", ["smelting", "refining"]), f"{path}.stages")
        for i, stage in enumerate(stages):
            if stage not in ("beneficiation", "smelting", "refining", "material", "component", "recycling"):
                raise r.fail(f"{path}.stages[{i}]", f"not a processing stage: {stage!r}")
        out.append(
            CleanElectricity(
                share=r.number(r.required(t, path, "share"), f"{path}.share", 0.0, 1.0),
                countries=countries,
                stages=stages,
                supply=r.text(t["supply"], f"{path}.supply") if "supply" in t else None,
                stressors=MappingProxyType(r.stressors(t["stressors"], f"{path}.stressors"))
                if "stressors" in t
                else None,
                source=r.source(t, path),
            )
        )
    return tuple(out)


def _sourcing(r: _Reader, value: Any) -> tuple[Sourcing, ...]:
    out = []
    for path, t in _array_of_tables(r, value, "sourcing"):
        r.only(t, path, ("commodity", "market", "shares", "source"))
        if ("commodity" in t) == ("market" in t):
            raise r.fail(path, "give exactly one of 'commodity' or 'market'")
        commodity = None
        if "commodity" in t:
            commodity = r.text(t["commodity"], f"{path}.commodity")
            if commodity not in COMMODITIES:
                raise r.fail(f"{path}.commodity", f"unknown commodity; allowed: {', '.join(COMMODITIES)}")
        market = r.text(t["market"], f"{path}.market") if "market" in t else None
        out.append(
            Sourcing(
                commodity=commodity,
                market=market,
                shares=MappingProxyType(
                    r.shares(r.required(t, path, "shares"), f"{path}.shares", None, complete=False)
                ),
                source=r.source(t, path),
            )
        )
    return tuple(out)


def _ore_grade(r: _Reader, value: Any) -> tuple[OreGradeDecline, ...]:
    out = []
    for commodity, entry in r.table(value, "ore_grade").items():
        path = f"ore_grade.{commodity}"
        if commodity not in COMMODITIES:
            raise r.fail(path, f"unknown commodity; allowed: {', '.join(COMMODITIES)}")
        t = r.table(entry, path)
        r.only(t, path, ("annual_decline", "base_year", "target_year", "source"))
        base = r.integer(t.get("base_year", 2019), f"{path}.base_year")
        target = r.integer(r.required(t, path, "target_year"), f"{path}.target_year")
        if target < base:
            raise r.fail(f"{path}.target_year", f"must not be before base_year {base}, got {target}")
        out.append(
            OreGradeDecline(
                commodity=commodity,
                annual_decline=r.number(
                    r.required(t, path, "annual_decline"), f"{path}.annual_decline", 0.0, 1.0
                ),
                base_year=base,
                target_year=target,
                source=r.source(t, path),
            )
        )
        if out[-1].grade_factor <= 0.0:
            raise r.fail(f"{path}.annual_decline", "grade would fall to zero by the target year")
    return tuple(out)


def _fleet(r: _Reader, value: Any) -> FleetMix:
    t = r.table(value, "fleet")
    r.only(t, "fleet", ("nev_share", "total", "nev_split", "source"))
    if not {"nev_share", "total", "nev_split"} & set(t):
        raise r.fail("fleet", "give at least one of nev_share, total, nev_split")
    split = None
    if "nev_split" in t:
        split = MappingProxyType(r.shares(t["nev_split"], "fleet.nev_split", NEV_VEHICLES, complete=True))
    return FleetMix(
        nev_share=r.number(t["nev_share"], "fleet.nev_share", 0.0, 1.0) if "nev_share" in t else None,
        total=r.number(t["total"], "fleet.total", 0.0, lo_open=True) if "total" in t else None,
        nev_split=split,
        source=r.source(t, "fleet"),
    )


def _lightweighting(r: _Reader, value: Any) -> tuple[Lightweighting, ...]:
    out = []
    for material, entry in r.table(value, "lightweighting").items():
        path = f"lightweighting.{material}"
        if not _MATERIAL_NAME.fullmatch(material):
            raise r.fail(path, "name a material node without its prefix, e.g. steel for material:steel")
        t = r.table(entry, path)
        r.only(t, path, ("mass_change", "source"))
        out.append(
            Lightweighting(
                material=material,
                mass_change=r.number(
                    r.required(t, path, "mass_change"), f"{path}.mass_change", -1.0, lo_open=True
                ),
                source=r.source(t, path),
            )
        )
    return tuple(out)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, turning syntax errors into `InputError` naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise InputError("scenario file not found", file=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", file=str(path)) from exc
