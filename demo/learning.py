"""The demo learning network: the four regions of the seeds, comparing synthetic figures.

Oulu (this installation) signs its real package from the demo's own events; Soite, Tampere's
north-east area and Siun Sote are synthetic regions with their own (deterministic, demo-only)
signing keys. Every package goes through the hub's own checks, exactly as an upload would.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from nacl.signing import SigningKey

from accounts.models import User
from directory.models import Area
from indicators.suppression import suppress_table
from learning import package, services
from learning.models import LearningKind, Region, TrialStatus
from learning.selectors import indicator_rules

# Synthetic areas: names are real places, population figures are invented round estimates.
OTHER_REGIONS: dict[str, tuple[str, list[tuple[str, str, int, int]]]] = {
    "soite": (
        "Keski-Pohjanmaa (Soite)",
        [
            ("kokkola", "Kokkola", 48000, 10200),
            ("kannus", "Kannus", 5400, 1300),
            ("kaustinen", "Kaustinen", 4200, 1000),
        ],
    ),
    "tampere-koillinen": (
        "Tampere, koillinen alue",
        [("tampere-koillinen", "Koillinen alue", 45000, 9000)],
    ),
    "siun-sote": (
        "Pohjois-Karjala (Siun Sote)",
        [
            ("joensuu", "Joensuu", 77000, 13000),
            ("kitee", "Kitee", 10000, 1700),
            ("lieksa", "Lieksa", 10500, 1500),
        ],
    ),
}

LEARNINGS = {
    "oulu": [
        (
            LearningKind.WORKS,
            "Yksi puhelu riittää: koordinaattori kokoaa verkoston, eikä perheen tarvitse kertoa asiaansa monelle.",
        ),
        (
            LearningKind.ESSENTIAL,
            "Koulun ja päiväkodin johtajat ovat mukana johtotiimissä: lupaukset pitävät, kun esihenkilö on sitoutunut.",
        ),
    ],
    "soite": [
        (
            LearningKind.WORKS,
            "Verkostotapaaminen koulun tiloissa iltapäivällä: vanhemmat pääsevät paikalle työpäivän jälkeen.",
        ),
        (
            LearningKind.DOES_NOT_WORK,
            "Pitkät kutsuviestit: perheet eivät lue niitä. Lyhyt kutsu ja puhelu toimivat paremmin.",
        ),
    ],
    "tampere-koillinen": [
        (
            LearningKind.WORKS,
            "Järjestöjen ohjaajat kutsutaan verkostoon jo ensimmäiseen tapaamiseen: vapaa-ajan tuki alkaa nopeammin.",
        ),
        (
            LearningKind.ESSENTIAL,
            "Alueen koordinaattorin numero on kaikkien ammattilaisten puhelimessa.",
        ),
    ],
    "siun-sote": [
        (
            LearningKind.WORKS,
            "Etäyhteys verkostotapaamiseen pitkien välimatkojen takia: osallistujia on enemmän.",
        ),
        (
            LearningKind.DOES_NOT_WORK,
            "Lupaukset ilman päivämäärää: seurantatapaamisessa kukaan ei muista, mitä sovittiin.",
        ),
    ],
}

TRIALS = [
    (
        "Lyhyt kutsu ja soitto perheelle ennen ensimmäistä verkostotapaamista",
        "oulu",
        TrialStatus.TESTING,
        "",
    ),
    (
        "Etäyhteys verkostotapaamisiin pitkien matkojen alueilla",
        "soite",
        TrialStatus.DONE,
        "Osallistujia keskimäärin kaksi enemmän; perheet pitivät mahdollisuudesta.",
    ),
    (
        "Järjestön ohjaaja mukaan jo ensimmäiseen tapaamiseen",
        "siun-sote",
        TrialStatus.TO_TEST,
        "",
    ),
]


def demo_key(code: str) -> SigningKey:
    """A synthetic region's demo-only key: derived from its code, never a secret."""
    return SigningKey(hashlib.sha256(f"arki-demo-learning-network:{code}".encode()).digest())


def _rate(rng: random.Random, unit: str, person_count: bool) -> float:
    if unit == "count":
        return rng.uniform(3, 14) if person_count else rng.uniform(8, 40)
    if unit == "percent":
        return rng.uniform(45, 92)
    if unit == "days":
        return rng.uniform(7, 15)
    return rng.uniform(1.5, 7)


def synthetic_payload(
    code: str,
    name: str,
    areas: list[tuple[str, str, int, int]],
    template: dict[str, Any],
    version: int,
) -> dict[str, Any]:
    """A region's package shaped like Oulu's, with invented figures suppressed the same way."""
    rng = random.Random(f"{code}:{version}")  # noqa: S311 - synthetic demo figures
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for figure in template["figures"]:
        groups.setdefault((figure["programme"], figure["indicator"]), []).append(figure)
    figures: list[dict[str, Any]] = []
    rules = indicator_rules()  # the hub rejects a percentage over 100 or an answer average over 5
    for (programme, indicator), sample in groups.items():
        first = sample[0]
        periods = sorted({figure["period"] for figure in sample})
        rule = rules.get(indicator)
        if rule is not None and rule.low is not None and rule.high is not None:
            low, high = rule.low, rule.high  # drawn so that 1.2 times the rate stays on the scale
            base = {a: rng.uniform((low + high) / 2, high / 1.2) for a, *_rest in areas}
        else:
            base = {a: _rate(rng, first["unit"], first["person_count"]) for a, *_rest in areas}
        rows: dict[str, dict[str, float]] = {}
        for area_code, _area_name, inhabitants, children in areas:
            population = children if first.get("population") == "children" else inhabitants
            rows[area_code] = {}
            for period in periods:
                value = base[area_code] * rng.uniform(0.8, 1.2)
                if first["unit"] == "count":
                    # Per 1,000 a year, spread over the period's share of the year.
                    share = {"-": 1 / 12, "Q": 1 / 4, "S": 1 / 2}.get(
                        next((c for c in period[4:5] if c in "-QS"), ""), 1
                    )
                    value = round(value * population / 1000 * share)
                rows[area_code][period] = round(value, 1)
        common = {
            "programme": programme,
            "population": first.get("population", "inhabitants"),
            "indicator": indicator,
            "name": first["name"],
            "unit": first["unit"],
            "person_count": first["person_count"],
        }
        if first["person_count"] and first["unit"] == "count":
            table = {a: {p: int(v) for p, v in periods_.items()} for a, periods_ in rows.items()}
            cells, totals = suppress_table(table, with_total=True)
            for area_code, area_name, *_ in areas:
                for period in periods:
                    cell = cells[area_code][period]
                    figures.append(
                        {
                            **common,
                            "area": area_code,
                            "area_name": area_name,
                            "period": period,
                            "value": None if cell.hidden else cell.value,
                            "hidden": cell.hidden,
                            "note": "",
                        }
                    )
            for period in periods:
                cell = totals[period]
                figures.append(
                    {
                        **common,
                        "area": "",
                        "area_name": name,
                        "period": period,
                        "value": None if cell.hidden else cell.value,
                        "hidden": cell.hidden,
                        "note": "",
                    }
                )
        else:
            for area_code, area_name, *_ in areas:
                for period in periods:
                    figures.append(
                        {
                            **common,
                            "area": area_code,
                            "area_name": area_name,
                            "period": period,
                            "value": rows[area_code][period],
                            "hidden": False,
                            "note": "",
                        }
                    )
            for period in periods:
                values = [rows[a][period] for a, *_ in areas]
                total = sum(values) if first["unit"] == "count" else sum(values) / len(values)
                figures.append(
                    {
                        **common,
                        "area": "",
                        "area_name": name,
                        "period": period,
                        "value": round(total, 1),
                        "hidden": False,
                        "note": "",
                    }
                )
    if figures:
        figures[-1]["note"] = "Synteettinen demotieto."
    today = timezone.localdate()
    return {
        "format_version": package.FORMAT_VERSION,
        "region": {"code": code, "name": name},
        "version": version,
        "created_at": timezone.localtime().isoformat(),
        "figures": figures,
        "populations": [
            {"area": a, "area_name": n, "inhabitants": i, "children": c} for a, n, i, c in areas
        ],
        "learnings": [
            {
                "kind": kind.value,
                "text": text,
                "area_name": "",
                "date": (today - timedelta(days=20 * n)).isoformat(),
            }
            for n, (kind, text) in enumerate(LEARNINGS[code])
        ],
    }


def build_learning_network(developer: User, coordinator: User) -> int:
    """Register the four regions, receive their packages, plan meetings; returns packages made."""
    if Region.objects.exists():
        return 0
    own = settings.ARKI_REGION_CODE or "oulu"
    services.register_region(
        code=own,
        name="Oulu (Kaakkuri, Tuira)",
        public_key=package.public_key_text(package.signing_key()),
    )
    kaakkuri = Area.objects.filter(code="kaakkuri").first()
    for kind, text in LEARNINGS["oulu"]:
        services.record_learning(by=developer, kind=kind, text=text, area=kaakkuri)
    exported = services.export_package(by=developer)
    services.receive_package(bytes(exported.envelope), by=coordinator)
    exported_payload = package.open_envelope(bytes(exported.envelope)).payload
    made = 1
    for code, (name, areas) in OTHER_REGIONS.items():
        key = demo_key(code)
        services.register_region(code=code, name=name, public_key=package.public_key_text(key))
        versions = 2 if code == "siun-sote" else 1  # a corrected version: the change is visible
        for version in range(1, versions + 1):
            payload = synthetic_payload(code, name, areas, exported_payload, version)
            services.receive_package(package.seal(payload, key), by=coordinator)
            made += 1
    _plan_meetings(coordinator)
    return made


def _month(first: date, offset: int) -> date:
    years, month = divmod(first.month - 1 + offset, 12)
    return date(first.year + years, month + 1, 1)


def _plan_meetings(coordinator: User) -> None:
    """Monthly meetings on the second Thursday: three past ones with notes, three coming."""
    first = timezone.localdate().replace(day=1)
    meetings = []
    for offset in range(-3, 3):
        month = _month(first, offset)
        day = month + timedelta(days=(3 - month.weekday()) % 7 + 7)
        starts = timezone.make_aware(datetime.combine(day, time(13, 0)))
        meeting = services.schedule_meeting(
            starts_at=starts, topic="Oppimisverkoston tapaaminen", place="Teams", by=coordinator
        )
        if starts < timezone.now():
            services.save_meeting_notes(
                meeting,
                notes=(
                    "Alueet kertoivat kuukauden oppimisistaan. Verrattiin verkoston koolle "
                    "kutsumisen aikoja ja sovittiin, mitä kokeillaan seuraavaksi."
                ),
                by=coordinator,
            )
        meetings.append(meeting)
    latest_past = next((m for m in reversed(meetings) if m.starts_at < timezone.now()), None)
    regions = {region.code: region for region in Region.objects.all()}
    own = settings.ARKI_REGION_CODE or "oulu"
    for title, code, status, result in TRIALS:
        services.save_trial(
            trial=None,
            title=title,
            region=regions.get(own if code == "oulu" else code),
            meeting=latest_past,
            status=status,
            result=result,
        )
