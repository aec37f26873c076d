"""Loading the versioned configuration files (programmes/data/*.toml) into the database.

``sectors.toml`` holds the sectors of actors; every other ``*.toml`` file in the data
directory holds one programme with its life areas, participant kinds, network roles,
concern categories, age bands and (optionally) outcomes at closing, who the work is about
(``subject``), the client's own rating question and its own ``[wording]``. Everything is matched by ``code``:

- every file is read and checked first; any problem stops the load with a
  :class:`ConfigurationError` naming the file and the key, and nothing is written;
- then, in one transaction, rows are created or updated to match the files;
- items left out of a file are marked not in use (``is_active=False``), never deleted,
  because networks and figures may refer to them; so are programmes whose file is gone.

The files win: values edited in the admin are set back to the file's values on the next
load, so lasting changes belong in the files (with a new ``version``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import models

from programmes.models import (
    AgeBand,
    ClosingOutcome,
    ConcernCategory,
    LifeArea,
    ParticipantKind,
    Programme,
    ProgrammeItem,
    ProgrammeRole,
)
from programmes.wording import CLIENT, FAMILY, SUBJECTS, TEXTS

DATA_DIR = Path(__file__).resolve().parent / "data"
SECTORS_FILE = "sectors.toml"
LANGUAGES = ("fi", "sv", "en")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_SMALL_INTEGER = 32767
# Lengths of the code fields of Sector, Programme and the programme items.
SECTOR_CODE_LENGTH = 40
PROGRAMME_CODE_LENGTH = 40
ITEM_CODE_LENGTH = 60

SECTOR_FILE_KEYS = {"version", "sectors"}
SECTOR_KEYS = {"code", "name"}
PROGRAMME_REQUIRED_KEYS = {
    "version",
    "code",
    "name",
    "description",
    "common_goal",
    "method_name",
    "convening_deadline_days",
    "convening_warning_day",
    "life_areas",
    "participant_kinds",
    "roles",
    "concern_categories",
    "age_bands",
}
PROGRAMME_OPTIONAL_KEYS = {
    "order",
    "population",
    "retention_years",
    "subject",
    "self_rating_question",
    "wording",
    "closing_outcomes",
}
# Whole years a closed network's personal data is kept (see docs/retention.md).
DEFAULT_RETENTION_YEARS = 12
MAX_RETENTION_YEARS = 150

# Section in a programme file -> (model, extra keys every entry must have, optional flags).
ITEM_SECTIONS: dict[str, tuple[type[ProgrammeItem], frozenset[str], frozenset[str]]] = {
    "life_areas": (LifeArea, frozenset(), frozenset()),
    "participant_kinds": (ParticipantKind, frozenset({"is_family"}), frozenset({"is_subject"})),
    "roles": (ProgrammeRole, frozenset({"description"}), frozenset()),
    "concern_categories": (ConcernCategory, frozenset(), frozenset()),
    "age_bands": (AgeBand, frozenset(), frozenset()),
    # Optional: where the client's path led at closing (work, education…).
    "closing_outcomes": (ClosingOutcome, frozenset(), frozenset({"is_progress"})),
}
# Sections a programme file may leave out (then it has none of them).
OPTIONAL_SECTIONS = frozenset({"closing_outcomes"})


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one configuration file."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


class ConfigurationError(ValueError):
    """The configuration files have problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"Configuration not loaded, nothing was written:\n{lines}")


@dataclass(frozen=True)
class SectorData:
    code: str
    order: int
    names: dict[str, str]


@dataclass(frozen=True)
class ItemData:
    code: str
    order: int
    values: dict[str, Any]


@dataclass(frozen=True)
class ProgrammeData:
    file: str
    code: str
    version: str
    values: dict[str, Any]
    items: dict[str, list[ItemData]]


@dataclass(frozen=True)
class Configuration:
    sectors_version: str
    sectors: list[SectorData]
    programmes: list[ProgrammeData]


@dataclass
class Tally:
    """What a load did to one kind of row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deactivated} marked not in use"
        )


@dataclass
class LoadReport:
    """The outcome of ``operations.configuration.load_configuration``."""

    versions: dict[str, str] = field(default_factory=dict)
    tallies: dict[str, Tally] = field(default_factory=dict)
    sectors_not_in_file: list[str] = field(default_factory=list)

    def tally(self, kind: str) -> Tally:
        return self.tallies.setdefault(kind, Tally())

    @property
    def created(self) -> int:
        return sum(tally.created for tally in self.tallies.values())

    @property
    def changed(self) -> int:
        return sum(
            tally.created + tally.updated + tally.deactivated for tally in self.tallies.values()
        )

    def summary_lines(self) -> list[str]:
        lines = [f"{name} version {version}" for name, version in self.versions.items()]
        lines += [f"{kind}: {tally}" for kind, tally in self.tallies.items()]
        if self.sectors_not_in_file:
            listed = ", ".join(self.sectors_not_in_file)
            lines.append(f"sectors in the database but not in {SECTORS_FILE} (kept): {listed}")
        lines.append("Configuration loaded." if self.changed else "Configuration up to date.")
        return lines


# Reading and checking -------------------------------------------------------------------


class _FileReader:
    """Reads the values of one file, collecting every problem instead of stopping at the first."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.file = path.name
        self.problems = problems

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, key, message))

    def keys(
        self,
        table: Mapping[str, Any],
        where: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> bool:
        """Report missing and unknown keys of ``table``; True when it has all required keys."""
        allowed = set(required) | set(optional)
        complete = True
        for key in sorted(set(required) - set(table)):
            self.fail(_join(where, key), "required key is missing")
            complete = False
        for key in sorted(set(table) - allowed):
            self.fail(_join(where, key), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        return complete

    def text(self, value: object, key: str, max_length: int) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty text")
            return ""
        if len(value) > max_length:
            self.fail(key, f"is {len(value)} characters long; at most {max_length} allowed")
        return value.strip()

    def code(self, value: object, key: str, max_length: int) -> str:
        text = self.text(value, key, max_length)
        if text and not CODE_PATTERN.match(text):
            self.fail(key, f"{text!r} is not a code: use a-z, 0-9, '-' and '_'")
        return text

    def translated(self, value: object, key: str, max_length: int) -> dict[str, str]:
        """A ``{fi = …, sv = …, en = …}`` table: every language is required."""
        if not isinstance(value, dict):
            self.fail(key, "must be a table with fi, sv and en")
            return dict.fromkeys(LANGUAGES, "")
        self.keys(value, key, LANGUAGES)
        return {
            language: self.text(value[language], f"{key}.{language}", max_length)
            if language in value
            else ""
            for language in LANGUAGES
        }

    def integer(self, value: object, key: str, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "must be a whole number")
            return None
        if not minimum <= value <= MAX_SMALL_INTEGER:
            self.fail(key, f"must be between {minimum} and {MAX_SMALL_INTEGER}, got {value}")
            return None
        return value

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
            return False
        return value

    def entries(self, value: object, key: str) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
            self.fail(key, f"must be a list of entries ([[{key}]] tables)")
            return []
        return value

    def unique(self, codes: list[str], section: str) -> None:
        seen: dict[str, int] = {}
        for number, code in enumerate(codes, start=1):
            if not code:
                continue
            if code in seen:
                self.fail(
                    f"{section}[{number}].code",
                    f"duplicate code {code!r} (also in entry {seen[code]})",
                )
            else:
                seen[code] = number


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _parse(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.append(Problem(path.name, "(file)", f"not found in {path.parent}"))
    except tomllib.TOMLDecodeError as error:
        problems.append(Problem(path.name, "(syntax)", f"not valid TOML: {error}"))
    return None


def name_fields(values: dict[str, str], prefix: str = "name") -> dict[str, str]:
    return {f"{prefix}_{language}": values[language] for language in LANGUAGES}


def _read_sectors(path: Path, problems: list[Problem]) -> tuple[str, list[SectorData]]:
    data = _parse(path, problems)
    if data is None:
        return "", []
    reader = _FileReader(path, problems)
    reader.keys(data, "", SECTOR_FILE_KEYS)
    version = reader.text(data.get("version"), "version", 40) if "version" in data else ""
    sectors = []
    for number, entry in enumerate(reader.entries(data.get("sectors", []), "sectors"), start=1):
        where = f"sectors[{number}]"
        reader.keys(entry, where, SECTOR_KEYS)
        code = (
            reader.code(entry.get("code"), f"{where}.code", SECTOR_CODE_LENGTH)
            if "code" in entry
            else ""
        )
        names = (
            reader.translated(entry.get("name"), f"{where}.name", 200) if "name" in entry else {}
        )
        sectors.append(SectorData(code=code, order=number, names=names))
    reader.unique([sector.code for sector in sectors], "sectors")
    return version, sectors


def _read_programme(path: Path, problems: list[Problem]) -> ProgrammeData | None:
    data = _parse(path, problems)
    if data is None:
        return None
    reader = _FileReader(path, problems)
    complete = reader.keys(data, "", PROGRAMME_REQUIRED_KEYS, PROGRAMME_OPTIONAL_KEYS)
    if not complete:
        # Report every other problem too, but with placeholders for what is missing.
        data = {**dict.fromkeys(PROGRAMME_REQUIRED_KEYS - set(data)), **data}

    values: dict[str, Any] = {}
    code = ""
    if data["code"] is not None:
        code = reader.code(data["code"], "code", PROGRAMME_CODE_LENGTH)
    version = reader.text(data["version"], "version", 40) if data["version"] is not None else ""
    for key, max_length in (("name", 200), ("common_goal", 300), ("method_name", 200)):
        if data[key] is not None:
            values.update(name_fields(reader.translated(data[key], key, max_length), key))
    if data["description"] is not None:
        values.update(
            name_fields(reader.translated(data["description"], "description", 10000), "description")
        )

    deadline = warning = None
    if data["convening_deadline_days"] is not None:
        deadline = reader.integer(data["convening_deadline_days"], "convening_deadline_days", 1)
    if data["convening_warning_day"] is not None:
        warning = reader.integer(data["convening_warning_day"], "convening_warning_day", 1)
    if deadline is not None and warning is not None and warning >= deadline:
        reader.fail(
            "convening_warning_day",
            f"must be smaller than convening_deadline_days ({deadline}), got {warning}",
        )
    values["convening_deadline_days"] = deadline
    values["convening_warning_day"] = warning
    values["order"] = reader.integer(data.get("order", 0), "order", 0) or 0
    population = data.get("population", "inhabitants")
    if population not in ("children", "inhabitants"):
        reader.fail("population", f"must be children or inhabitants, got {population!r}")
    values["population"] = population
    retention = data.get("retention_years", DEFAULT_RETENTION_YEARS)
    if isinstance(retention, bool) or not isinstance(retention, int):
        reader.fail("retention_years", "must be a whole number of years")
        retention = None
    elif not 1 <= retention <= MAX_RETENTION_YEARS:
        reader.fail(
            "retention_years", f"must be between 1 and {MAX_RETENTION_YEARS}, got {retention}"
        )
        retention = None
    values["retention_years"] = retention
    subject = data.get("subject", FAMILY)
    if subject not in SUBJECTS:
        reader.fail("subject", f"must be one of {', '.join(SUBJECTS)}, got {subject!r}")
    values["subject"] = subject
    if "self_rating_question" in data:
        question = reader.translated(data["self_rating_question"], "self_rating_question", 200)
        values.update(name_fields(question, "self_rating_question"))
    else:
        values.update(name_fields(dict.fromkeys(LANGUAGES, ""), "self_rating_question"))
    values["wording"] = _read_wording(reader, data.get("wording", {}))

    items: dict[str, list[ItemData]] = {}
    for section, (_model, extra_keys, flags) in ITEM_SECTIONS.items():
        value = data.get(section)
        entries = reader.entries(value, section) if value is not None else []
        parsed = []
        for number, entry in enumerate(entries, start=1):
            where = f"{section}[{number}]"
            reader.keys(entry, where, {"code", "name", *extra_keys}, flags)
            item_code = (
                reader.code(entry.get("code"), f"{where}.code", ITEM_CODE_LENGTH)
                if "code" in entry
                else ""
            )
            item_values: dict[str, Any] = {}
            if "name" in entry:
                item_values.update(
                    name_fields(reader.translated(entry["name"], f"{where}.name", 200))
                )
            if "is_family" in extra_keys and "is_family" in entry:
                item_values["is_family"] = reader.boolean(entry["is_family"], f"{where}.is_family")
            for flag in flags:
                item_values[flag] = reader.boolean(entry.get(flag, False), f"{where}.{flag}")
            if "description" in extra_keys and "description" in entry:
                described = reader.translated(entry["description"], f"{where}.description", 10000)
                item_values.update(name_fields(described, "description"))
            parsed.append(ItemData(code=item_code, order=number, values=item_values))
        reader.unique([item.code for item in parsed], section)
        items[section] = parsed
    subjects = [item for item in items["participant_kinds"] if item.values.get("is_subject")]
    if len(subjects) > 1:
        reader.fail("participant_kinds", "at most one participant kind can be is_subject")
    if subjects and subject != CLIENT:
        reader.fail("participant_kinds", "is_subject is for a programme whose subject is client")

    return ProgrammeData(file=path.name, code=code, version=version, values=values, items=items)


def _read_wording(reader: _FileReader, value: object) -> dict[str, dict[str, str]]:
    """The ``[wording]`` table: texts of programmes/wording.py this programme says its own way."""
    if not isinstance(value, dict):
        reader.fail("wording", "must be a table of texts")
        return {}
    wording = {}
    for key, texts in value.items():
        if key not in TEXTS:
            reader.fail(f"wording.{key}", f"unknown text (known: {', '.join(sorted(TEXTS))})")
            continue
        wording[key] = reader.translated(texts, f"wording.{key}", 2000)
    return wording


def read_configuration(data_dir: Path | None = None) -> Configuration:
    """Read and check every file; raise :class:`ConfigurationError` listing all problems."""
    directory = Path(data_dir) if data_dir is not None else DATA_DIR
    problems: list[Problem] = []
    sectors_version, sectors = _read_sectors(directory / SECTORS_FILE, problems)
    programme_files = sorted(path for path in directory.glob("*.toml") if path.name != SECTORS_FILE)
    if not programme_files:
        problems.append(Problem("*.toml", "(file)", f"no programme files in {directory}"))
    programmes = []
    for path in programme_files:
        programme = _read_programme(path, problems)
        if programme is not None:
            programmes.append(programme)
    first_file: dict[str, str] = {}
    for programme in programmes:
        if not programme.code:
            continue
        if programme.code in first_file:
            problems.append(
                Problem(
                    programme.file,
                    "code",
                    f"duplicate programme code {programme.code!r} (also in {first_file[programme.code]})",
                )
            )
        else:
            first_file[programme.code] = programme.file
    if problems:
        raise ConfigurationError(problems)
    return Configuration(sectors_version=sectors_version, sectors=sectors, programmes=programmes)


# Writing ---------------------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any], tally: Tally) -> M:
    """Create the row found by ``lookup`` or bring its ``values`` up to date; count which."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        tally.created += 1
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        tally.updated += 1
    else:
        tally.unchanged += 1
    return instance


def write_programmes(configuration: Configuration, report: LoadReport) -> None:
    """Bring the programmes and their items in line with the files (inside the caller's
    transaction; the sectors are written first by ``directory.services.write_sectors``)."""
    programmes = report.tally("programmes")
    for data in configuration.programmes:
        report.versions[data.file] = data.version
        programme = upsert(
            Programme,
            {"code": data.code},
            {**data.values, "config_version": data.version, "is_active": True},
            programmes,
        )
        for section, (model, _extra, _flags) in ITEM_SECTIONS.items():
            tally = report.tally(section.replace("_", " "))
            entries = data.items[section]
            for item in entries:
                upsert(
                    model,
                    {"programme": programme, "code": item.code},
                    {**item.values, "order": item.order, "is_active": True},
                    tally,
                )
            in_programme: dict[str, Any] = {"programme": programme, "is_active": True}
            tally.deactivated += (
                model._default_manager.filter(**in_programme)
                .exclude(code__in=[item.code for item in entries])
                .update(is_active=False)
            )
    # A programme once loaded from a file whose file is gone is no longer in use.
    programmes.deactivated += (
        Programme.objects.filter(is_active=True)
        .exclude(config_version="")
        .exclude(code__in=[data.code for data in configuration.programmes])
        .update(is_active=False)
    )
