"""Load the indicator catalogue (indicators/data/catalogue.toml): all or nothing, by code."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from django.db import transaction

from indicators.computations import REGISTRY
from indicators.models import Cadence, Direction, Disclosure, Indicator, Source, Unit
from programmes.models import Programme

DATA_FILE = Path(__file__).resolve().parent / "data" / "catalogue.toml"
FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "definition_fi",
    "definition_sv",
    "definition_en",
    "owner",
)


def guiding_questions(language: str) -> list[str]:
    """The seeds' guiding questions shown with the indicator set."""
    return list(_guiding_questions(language))


@functools.cache
def _guiding_questions(language: str) -> tuple[str, ...]:
    # Read once per process: the catalogue is part of the release (a new one comes with a
    # restart), and parsing it took ~3 ms of every dashboard and indicator page.
    data = tomllib.loads(DATA_FILE.read_text())
    return tuple(data.get(f"guiding_questions_{language}") or data["guiding_questions_fi"])


def load_catalogue(path: Path | None = None) -> list[str]:
    path = path or DATA_FILE
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path.name}: {error}") from None
    problems = []
    codes = set()
    programmes = {p.code: p for p in Programme.objects.all()}
    specs = data.get("indicator", [])
    for index, spec in enumerate(specs, start=1):
        where = f"{path.name}: indicator {index} ({spec.get('code', '?')})"
        if not spec.get("code") or spec["code"] in codes:
            problems.append(f"{where}: code missing or repeated")
        codes.add(spec.get("code"))
        for key, choices in (
            ("cadence", Cadence.values),
            ("unit", Unit.values),
            ("direction", Direction.values),
            ("source", Source.values),
        ):
            if spec.get(key) not in choices:
                problems.append(f"{where}: {key}: expected one of {', '.join(choices)}")
        disclosure = spec.get("disclosure", Disclosure.PERSON)
        if disclosure not in Disclosure.values:
            problems.append(f"{where}: disclosure: expected one of {', '.join(Disclosure.values)}")
        elif disclosure == Disclosure.ACTIVITY and spec.get("unit") != Unit.COUNT:
            problems.append(f"{where}: disclosure: activity is a class of counts only")
        if spec.get("source") == Source.COMPUTED and spec.get("computation") not in REGISTRY:
            problems.append(f"{where}: computation: unknown {spec.get('computation')!r}")
        if spec.get("enterable") and spec.get("source") != Source.COMPUTED:
            problems.append(f"{where}: enterable: only a computed indicator can also be entered")
        if spec.get("programme") and spec["programme"] not in programmes:
            problems.append(f"{where}: programme: unknown {spec['programme']!r}")
        if not spec.get("name_fi") or not spec.get("definition_fi"):
            problems.append(f"{where}: name_fi and definition_fi are required")
    if problems:
        raise ValueError("\n".join(problems))
    lines = []
    with transaction.atomic():
        for order, spec in enumerate(specs, start=1):
            _indicator, created = Indicator.objects.update_or_create(
                code=spec["code"],
                defaults={
                    **{field: spec.get(field, "") for field in FIELDS},
                    "cadence": spec["cadence"],
                    "unit": spec["unit"],
                    "direction": spec["direction"],
                    "source": spec["source"],
                    "computation": spec.get("computation", ""),
                    "person_count": bool(spec.get("person_count", True)),
                    "disclosure": spec.get("disclosure", Disclosure.PERSON),
                    "enterable": bool(spec.get("enterable", False)),
                    "programme": programmes.get(spec.get("programme", "")),
                    "order": order,
                    "is_active": True,
                },
            )
            if created:
                lines.append(f"indicator {spec['code']}: created")
        Indicator.objects.exclude(code__in=codes).update(is_active=False)
    return lines
