"""The scenario file, declared: a typed pydantic model of the TOML document.

`ScenarioFile` says which tables and keys a scenario file may hold, their types and
their ranges; `validate_document` checks a parsed TOML document against it and turns
the first problem into an `InputError` naming the file and the dotted key
(``recycled_content.copper.share``, ``electricity[0].countries[0]``). `json_schema()`
exports the same declaration for editors; a copy ships as
tracer/data/scenarios/scenario.schema.json (a test keeps it in sync).

What a validated document *means* (the frozen `Scenario` the levers read) is
`tracer.scenarios.spec`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hfcommon.errors import InputError, did_you_mean
from hfcommon.vocabulary import COMMODITY_CODES, DEFAULT_HOME, STRESSORS, UNKNOWN_ORIGIN

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
COMMODITIES: tuple[str, ...] = COMMODITY_CODES
CHEMISTRIES: tuple[str, ...] = ("NMC111", "NMC532", "NMC622", "NMC811", "NCA", "LFP")
# Stressors a new (secondary or clean-energy) process may carry; `used` belongs to
# material nodes only (CONTRACTS.md), so a scenario cannot add it.
PROCESS_STRESSORS: tuple[str, ...] = tuple(s for s in STRESSORS if s != "used")
NEV_VEHICLES: tuple[str, ...] = ("PHEV", "BEV", "FCV")
STAGES: tuple[str, ...] = ("beneficiation", "smelting", "refining", "material", "component", "recycling")
SHARE_TOLERANCE = 1e-6
_MATERIAL_NAME = re.compile(r"[a-z0-9_]+")


def _country(code: str) -> str:
    if code == UNKNOWN_ORIGIN or (len(code) == 3 and code.isalpha() and code.isupper()):
        return code
    raise ValueError(f"expected an ISO 3166 alpha-3 code (e.g. CHN) or {UNKNOWN_ORIGIN}, got {code!r}")


def _material_name(name: str) -> str:
    if not _MATERIAL_NAME.fullmatch(name):
        raise ValueError("name a material node without its prefix, e.g. steel for material:steel")
    return name


def _finite(lo: float | None = None, hi: float | None = None, lo_open: bool = False) -> Any:
    bounds = {"gt" if lo_open else "ge": lo} if lo is not None else {}
    return Annotated[float, Strict(), Field(le=hi, allow_inf_nan=False, **bounds)]


Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
Country = Annotated[Text, AfterValidator(_country), Field(description="ISO 3166 alpha-3 code or WLD")]
MaterialName = Annotated[Text, AfterValidator(_material_name), Field(json_schema_extra={"pattern": "^[a-z0-9_]+$"})]
Share = _finite(0.0, 1.0)
Amount = _finite(0.0)
Positive = _finite(0.0, lo_open=True)
MassChange = _finite(-1.0, lo_open=True)
Material = Literal[tuple(MATERIAL_COMMODITY)]  # type: ignore[valid-type]
Commodity = Literal[COMMODITIES]  # type: ignore[valid-type]
Chemistry = Literal[CHEMISTRIES]  # type: ignore[valid-type]
Stressor = Literal[PROCESS_STRESSORS]  # type: ignore[valid-type]
NevVehicle = Literal[NEV_VEHICLES]  # type: ignore[valid-type]
Stage = Literal[STAGES]  # type: ignore[valid-type]
Source = Annotated[Text, Field(description="Where the assumption comes from: every lever must cite one.")]


def _sums_to_one(shares: dict[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"shares must sum to 1, got {total:g}")
    return shares


def _sums_to_at_most_one(shares: dict[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    if total > 1.0 + SHARE_TOLERANCE:
        raise ValueError(f"shares must sum to at most 1, got {total:g}")
    return shares


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioHead(_Table):
    """[scenario]: the name, title and description shown in reports."""

    name: Text
    title: Text | None = Field(None, description="Default: the name.")
    description: Text | None = Field(None, description="Default: the title.")


class RecycledContentTable(_Table):
    """[recycled_content.<material>]: the recycled share of one material's metal supply."""

    share: Share
    secondary_stressors: dict[Stressor, Amount] | None = Field(
        None, description="Direct flows per t of secondary metal, standing in for its route. "
        "Default: the network's own secondary route node (its grid, fuel and scrap traced).")
    country: Country = DEFAULT_HOME
    materials: list[MaterialName] = Field([], description="Only these material nodes (no prefix); empty: all.")
    source: Source


class BatteryMixTable(_Table):
    """[battery_mix]: traction-battery chemistry shares (summing to 1)."""

    shares: Annotated[dict[Chemistry, Share], Field(min_length=1), AfterValidator(_sums_to_one)]
    consumers: list[Text] = []
    source: Source


class ElectricityTable(_Table):
    """[[electricity]]: clean power for some stages, from a network node or a new one."""

    share: Share
    countries: list[Country] = Field([], description="Empty: every country.")
    stages: list[Stage] = ["smelting", "refining"]
    supply: Text | None = Field(None, description="A network node; {country} stands for the consumer's.")
    stressors: dict[Stressor, Amount] | None = Field(None, description="Direct flows per GJ of a new node.")
    source: Source

    @model_validator(mode="after")
    def _one_supply(self) -> ElectricityTable:
        if (self.supply is None) == (self.stressors is None):
            raise ValueError("give exactly one of 'supply' (a network node) or 'stressors' (a new node)")
        return self


class SourcingTable(_Table):
    """[[sourcing]]: origin-country shares of one market or of a commodity's import markets."""

    commodity: Commodity | None = None
    market: Text | None = None
    shares: Annotated[dict[Country, Share], Field(min_length=1, description="Shares summing to at most 1."),
                      AfterValidator(_sums_to_at_most_one)]
    source: Source

    @model_validator(mode="after")
    def _one_target(self) -> SourcingTable:
        if (self.commodity is None) == (self.market is None):
            raise ValueError("give exactly one of 'commodity' or 'market'")
        return self


class OreGradeTable(_Table):
    """[ore_grade.<commodity>]: head grades falling by `annual_decline` a year."""

    base_year: Annotated[int, Strict()] = 2019
    target_year: Annotated[int, Strict()]
    annual_decline: Share
    source: Source

    @field_validator("target_year")
    @classmethod
    def _not_before_base(cls, target: int, info: ValidationInfo) -> int:
        base = info.data.get("base_year")
        if base is not None and target < base:
            raise ValueError(f"must not be before base_year {base}, got {target}")
        return target

    @field_validator("annual_decline")
    @classmethod
    def _grade_stays_positive(cls, decline: float, info: ValidationInfo) -> float:
        years = info.data.get("target_year", 0) - info.data.get("base_year", 0)
        if "target_year" in info.data and "base_year" in info.data and (1.0 - decline) ** years <= 0.0:
            raise ValueError("grade would fall to zero by the target year")
        return decline


class FleetTable(_Table):
    """[fleet]: vehicles produced (NEV share, total, split among NEV types)."""

    nev_share: Share | None = None
    total: Positive | None = None
    nev_split: Annotated[dict[NevVehicle, Share], AfterValidator(_sums_to_one)] | None = None
    source: Source

    @model_validator(mode="after")
    def _something(self) -> FleetTable:
        if self.nev_share is None and self.total is None and self.nev_split is None:
            raise ValueError("give at least one of nev_share, total, nev_split")
        return self


class LightweightingTable(_Table):
    """[lightweighting.<material>]: relative change of the material's mass (-0.1 = 10 % lighter)."""

    mass_change: MassChange
    source: Source


class SteelRouteTable(_Table):
    """[steel_route]: the electric-arc and direct-reduction shares of crude steel (and the EAF's scrap charge)."""

    eaf_share: Share | None = Field(None, description="electric-arc share of crude steel; default: the network's.")
    dri_share: Share = Field(0.0, description="share made by direct reduction (natural gas) and an arc furnace.")
    eaf_scrap_ratio: Share | None = Field(None, description="t scrap per t EAF steel; default: the network's.")
    source: Source

    @model_validator(mode="after")
    def _routes_fit(self) -> SteelRouteTable:
        if self.eaf_share is None and self.dri_share == 0.0:
            raise ValueError("set eaf_share, dri_share or both")
        if (self.eaf_share or 0.0) + self.dri_share > 1.0:
            raise ValueError(f"eaf_share + dri_share is {(self.eaf_share or 0.0) + self.dri_share:g}, more than 1")
        return self


class AluminiumPowerTable(_Table):
    """[aluminium_power]: the share of primary-aluminium smelters' electricity from hydro (non-coal) power."""

    hydro_share: Share
    source: Source


class ScenarioFile(_Table):
    """A scenario file of the hidden-flow tracer: levers and the source of every assumption."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, title="Hidden-flow tracer scenario",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    scenario: ScenarioHead
    include: list[Text] = Field([], description="Bundled names or TOML files whose levers are merged in.")
    recycled_content: dict[Material, RecycledContentTable] = {}
    battery_mix: BatteryMixTable | None = None
    electricity: list[ElectricityTable] = []
    sourcing: list[SourcingTable] = []
    ore_grade: dict[Commodity, OreGradeTable] = {}
    fleet: FleetTable | None = None
    lightweighting: dict[MaterialName, LightweightingTable] = {}
    steel_route: SteelRouteTable | None = None
    aluminium_power: AluminiumPowerTable | None = None


def validate_document(data: Mapping[str, Any], file: str) -> ScenarioFile:
    """Check a parsed TOML document; the first problem raises `InputError` (file + dotted key)."""
    try:
        return ScenarioFile.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # a misspelled key explains the "missing" key it was meant to be: report it first
        first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        raise InputError(_message(first), file=file, column=dotted(first["loc"]) or None) from None


def dotted(loc: tuple[int | str, ...]) -> str:
    """("electricity", 0, "countries", 1) -> "electricity[0].countries[1]"; dict keys stay keys."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Mapping[str, Any]) -> str:
    kind, value, loc = error["type"], error.get("input"), error["loc"]
    if kind == "missing":
        return "missing required key"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return f"unknown key{did_you_mean(str(loc[-1]), allowed, 0.6)}; allowed: {', '.join(allowed)}"
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(error["ctx"]["expected"]))
        what = "unknown key" if loc and loc[-1] == "[key]" else f"got {value!r}"
        what += did_you_mean(str(value), options, 0.6)
        return f"{what}; allowed: {error['ctx']['expected']}"
    if kind in ("model_type", "dict_type"):
        return f"expected a table, got {type(value).__name__}"
    if kind == "list_type":
        return f"expected an array, got {type(value).__name__}"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    text = str(error["msg"])
    return f"{'must be ' + text.removeprefix('Input should be ') if text.startswith('Input should be ') else text}, got {value!r}"


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the table at `loc` may hold (read off the JSON Schema)."""
    schema = json_schema()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        node = next((n for n in node.get("anyOf", []) if n.get("type") != "null"), node)
        return schema["$defs"][node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node

    node = schema
    for part in loc:
        node = resolve(node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part) or node.get("additionalProperties", {})
    return list(resolve(node).get("properties", {}))


@functools.cache
def _schema() -> str:
    return json.dumps(ScenarioFile.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (for editors: taplo, Even Better TOML, VS Code)."""
    return json.loads(_schema())


def json_schema_text() -> str:
    """`json_schema()` as the text of tracer/data/scenarios/scenario.schema.json."""
    return _schema()
