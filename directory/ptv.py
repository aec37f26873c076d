"""Import an organisation's services from the national service catalogue PTV (Palvelutietovaranto).

PTV's open interface (Open API v11, ``ARKI_PTV_URL``, default
``https://api.palvelutietovaranto.suomi.fi/api/v11``) is read with three requests, the lists
followed page by page (``page`` from 1 to the answer's ``pageCount``):

* ``GET Organization/{id}`` – the organisation: names, descriptions, emails, phones, web pages;
* ``GET Service/list/organization?organizationId={id}&page=N`` – its services in full;
* ``GET ServiceChannel/list/organization?organizationId={id}&page=N`` – its service channels:
  ``Phone``, ``WebPage``, ``EChannel``, ``ServiceLocation`` and ``PrintableForm``.

What goes where (``directory/data/ptv_mapping.toml`` maps PTV's codes to Arki's)::

    Organization            -> Organisation (by ptv_id): name, description, email, phone,
                               website; its sector from the mapping, chosen when it is created
    Service                 -> Service (by ptv_id): name (fi, else sv, else en), description,
                               phone (the first Phone channel), email (a channel's email),
                               web address (the first WebPage or EChannel); new services get the
                               mapping's default areas and programmes
    ServiceLocation channel -> Location (by ptv_id): name, visiting street address, postal code,
                               city, and the services it is linked to
    Phone channel listed    -> ContactPoint of the mapping's area and programme: phone and
    in [[contact_points]]      opening hours

Local additions are never touched: records without a PTV id, the fields PTV does not hold
(basic task, areas, programmes, a location's area, positions) and any field for which PTV has no
value. Services that PTV no longer lists, or lists as not published (``publishingStatus`` other
than ``Published``), are marked not in use; nothing is ever deleted. With ``since`` (an
incremental run) only the services PTV changed since then, or whose channels it changed, are
updated; the others are left as they are.

:func:`plan_import` says what would change and writes nothing; :func:`apply_import` writes a plan
in one transaction, all or nothing. Any answer that is not what PTV's interface describes stops
the import with :class:`PtvError` before anything is written.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import models, transaction
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from directory.models import Area, ContactPoint, Location, Organisation, Sector, Service
from programmes.models import Programme

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://api.palvelutietovaranto.suomi.fi/api/v11"
DEFAULT_MAPPING = Path(__file__).resolve().parent / "data" / "ptv_mapping.toml"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ptv"
MAX_PAGES = 500
MAX_ANSWER_BYTES = 50 * 1024 * 1024
LANGUAGES = ("fi", "sv", "en")
PUBLISHED = "Published"
DAYS = {
    name: index
    for index, name in enumerate(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    )
}


class PtvError(Exception):
    """PTV could not be read, or answered something else than its interface describes."""


# --- reading PTV ---------------------------------------------------------------------------


class Source(Protocol):
    def get(self, path: str, params: dict[str, str]) -> Any: ...


def fixture_name(path: str, params: dict[str, str]) -> str:
    """The recorded answer's file for a request: ``Service/list/organization/organizationId-…_
    page-1.json``. The fake PTV of the tests and ``import_ptv --file`` both use it."""
    name = path.strip("/")
    if params:
        name += "/" + "_".join(f"{key}-{params[key]}" for key in sorted(params))
    return name + ".json"


def _decode(content: bytes, where: str) -> Any:
    try:
        return json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PtvError(
            _("PTV's answer from %(where)s is not valid JSON: %(reason)s")
            % {"where": where, "reason": error}
        ) from error


@dataclass(frozen=True)
class HttpSource:
    """PTV's open interface over HTTPS."""

    base_url: str
    timeout: float = 20

    def url(self, path: str, params: dict[str, str]) -> str:
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        return f"{url}?{urllib.parse.urlencode(params)}" if params else url

    def get(self, path: str, params: dict[str, str]) -> Any:
        url = self.url(path, params)
        if not url.startswith(("https://", "http://")):
            raise PtvError(_("The PTV address must start with https:// (ARKI_PTV_URL)."))
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                content = answer.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise PtvError(
                _("PTV answered %(status)s to %(url)s.") % {"status": error.code, "url": url}
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PtvError(
                _("PTV could not be reached at %(url)s: %(reason)s")
                % {"url": url, "reason": reason}
            ) from error
        if len(content) > MAX_ANSWER_BYTES:
            raise PtvError(_("PTV's answer from %(url)s is too large.") % {"url": url})
        return _decode(content, url)


@dataclass(frozen=True)
class FileSource:
    """Recorded PTV answers in a directory, named by :func:`fixture_name`."""

    directory: Path

    def get(self, path: str, params: dict[str, str]) -> Any:
        file = self.directory / fixture_name(path, params)
        try:
            content = file.read_bytes()
        except OSError as error:
            raise PtvError(
                _("No recorded PTV answer %(file)s: %(reason)s")
                % {"file": file, "reason": error.strerror}
            ) from error
        return _decode(content, str(file))


def configured_source() -> HttpSource:
    return HttpSource(settings.ARKI_PTV_URL, timeout=settings.ARKI_PTV_TIMEOUT)


@dataclass
class PtvData:
    """What PTV says about one organisation."""

    organisation: dict[str, Any]
    services: list[dict[str, Any]]
    channels: dict[str, dict[str, Any]]


def parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value).strip())
    except ValueError as error:
        raise PtvError(
            _("%(value)s is not a PTV id (a UUID such as 826c27a5-e03e-43fa-ade5-56f5be049d95).")
            % {"value": value}
        ) from error


def _malformed(where: str, what: str) -> PtvError:
    return PtvError(
        _("PTV's answer to %(where)s is not in the expected form: %(what)s")
        % {"where": where, "what": what}
    )


def _pages(source: Source, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page, count = 1, 1
    while page <= count:
        answer = source.get(path, {**params, "page": str(page)})
        if not isinstance(answer, dict) or not isinstance(answer.get("itemList"), list):
            raise _malformed(path, "itemList")
        count = answer.get("pageCount") or 1
        if not isinstance(count, int) or count < 1 or count > MAX_PAGES:
            raise _malformed(path, "pageCount")
        for item in answer["itemList"]:
            if not isinstance(item, dict):
                raise _malformed(path, "itemList")
            _check_id(item, path)
            items.append(item)
        page += 1
    return items


def _check_id(item: Any, where: str) -> uuid.UUID:
    if not isinstance(item, dict):
        raise _malformed(where, "id")
    try:
        return uuid.UUID(str(item.get("id")))
    except ValueError as error:
        raise _malformed(where, "id") from error


def fetch(source: Source, organisation_id: str) -> PtvData:
    """Read one organisation, its services and their channels from PTV."""
    ptv_id = str(parse_id(organisation_id))
    organisation = source.get(f"Organization/{ptv_id}", {})
    if _check_id(organisation, "Organization") != uuid.UUID(ptv_id):
        raise _malformed("Organization", "id")
    query = {"organizationId": ptv_id}
    services = _pages(source, "Service/list/organization", query)
    channels = _pages(source, "ServiceChannel/list/organization", query)
    for service in services:
        for link in _list(service, "serviceChannels"):
            if not isinstance(link, dict) or not isinstance(link.get("serviceChannel"), dict):
                raise _malformed("Service/list/organization", "serviceChannels")
    return PtvData(
        organisation=organisation,
        services=services,
        channels={str(_check_id(channel, "ServiceChannel")): channel for channel in channels},
    )


# --- the mapping -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactPointRule:
    channel: str
    area: str
    programme: str


@dataclass(frozen=True)
class Mapping:
    """PTV's codes to Arki's, from ``ptv_mapping.toml``."""

    default_sector: str
    default_areas: tuple[str, ...] = ()
    default_programmes: tuple[str, ...] = ()
    organisations: dict[str, str] = field(default_factory=dict)
    service_classes: dict[str, str] = field(default_factory=dict)
    ontology_terms: dict[str, str] = field(default_factory=dict)
    contact_points: tuple[ContactPointRule, ...] = ()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PtvError(_("The PTV mapping: %(where)s must be a list of codes.") % {"where": where})
    return tuple(value)


def _table(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise PtvError(
            _("The PTV mapping: %(where)s must map codes to sector codes.") % {"where": where}
        )
    return {str(key).lower(): item for key, item in value.items()}


def load_mapping(path: Path | None = None) -> Mapping:
    path = path or Path(settings.ARKI_PTV_MAPPING or DEFAULT_MAPPING)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PtvError(
            _("The PTV mapping %(path)s cannot be read: %(reason)s")
            % {"path": path, "reason": error}
        ) from error
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict) or not isinstance(defaults.get("sector"), str):
        raise PtvError(_("The PTV mapping: [defaults] needs a sector."))
    rules = []
    for number, rule in enumerate(data.get("contact_points", []), start=1):
        if not isinstance(rule, dict) or not all(
            isinstance(rule.get(key), str) for key in ("channel", "area", "programme")
        ):
            raise PtvError(
                _("The PTV mapping: contact point %(number)d needs a channel, area and programme.")
                % {"number": number}
            )
        rules.append(
            ContactPointRule(str(parse_id(rule["channel"])), rule["area"], rule["programme"])
        )
    return Mapping(
        default_sector=defaults["sector"],
        default_areas=_strings(defaults.get("areas", []), "defaults.areas"),
        default_programmes=_strings(defaults.get("programmes", []), "defaults.programmes"),
        organisations=_table(data.get("organisations", {}), "organisations"),
        service_classes=_table(data.get("service_classes", {}), "service_classes"),
        ontology_terms=_table(data.get("ontology_terms", {}), "ontology_terms"),
        contact_points=tuple(rules),
    )


# --- reading PTV's values --------------------------------------------------------------------


def _list(item: dict[str, Any], key: str) -> list[Any]:
    value = item.get(key)
    return value if isinstance(value, list) else []


def _localised(values: list[Any], kind: str | None = None) -> str:
    """The Finnish value of a localised list, else Swedish, else English, else any."""
    found: dict[str, str] = {}
    for value in values:
        if not isinstance(value, dict) or (kind and value.get("type") != kind):
            continue
        text = str(value.get("value") or "").strip()
        if text:
            found.setdefault(str(value.get("language") or ""), text)
    for language in LANGUAGES:
        if language in found:
            return found[language]
    return next(iter(found.values()), "")


def _modified(item: dict[str, Any]) -> datetime.datetime | None:
    value = item.get("modified")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _phone(item: dict[str, Any]) -> str:
    for phone in _list(item, "phoneNumbers"):
        if not isinstance(phone, dict) or phone.get("type", "Phone") != "Phone":
            continue
        number = str(phone.get("number") or "").strip()
        if number:
            prefix = (
                "" if phone.get("isFinnishServiceNumber") else str(phone.get("prefixNumber") or "")
            )
            return f"{prefix} {number}".strip()
    return ""


def _email(item: dict[str, Any]) -> str:
    return _localised(_list(item, "emails")) or _localised(_list(item, "supportEmails"))


def _web(item: dict[str, Any]) -> str:
    for page in _list(item, "webPages"):
        if isinstance(page, dict) and str(page.get("url") or "").startswith(
            ("https://", "http://")
        ):
            return str(page["url"])
    url = _localised(_list(item, "urls"))
    return url if url.startswith(("https://", "http://")) else ""


def _hours(channel: dict[str, Any]) -> str:
    """Weekly opening hours in words in the installation's language: "maanantai–perjantai
    09:00–15:00"."""
    with translation.override(settings.LANGUAGE_CODE):
        return _weekly_hours(channel)


def _weekly_hours(channel: dict[str, Any]) -> str:
    parts = []
    for hour in _list(channel, "serviceHours"):
        if not isinstance(hour, dict) or hour.get("serviceHourType") != "DaysOfTheWeek":
            continue
        if hour.get("isClosed"):
            continue
        for opening in _list(hour, "openingHour"):
            if not isinstance(opening, dict) or opening.get("dayFrom") not in DAYS:
                continue
            days = str(WEEKDAYS[DAYS[opening["dayFrom"]]])
            if opening.get("dayTo") in DAYS and opening["dayTo"] != opening["dayFrom"]:
                days += "–" + str(WEEKDAYS[DAYS[opening["dayTo"]]])
            start, end = str(opening.get("from") or "")[:5], str(opening.get("to") or "")[:5]
            parts.append(f"{days} {start}–{end}".strip())
    return ", ".join(parts)


def _visiting_address(channel: dict[str, Any]) -> dict[str, str]:
    for address in _list(channel, "addresses"):
        if not isinstance(address, dict) or address.get("type") not in ("Location", "Visiting"):
            continue
        street = address.get("streetAddress")
        if not isinstance(street, dict):
            continue
        line = " ".join(
            part
            for part in (_localised(_list(street, "street")), street.get("streetNumber"))
            if part
        )
        return {
            "address": line,
            "postal_code": str(street.get("postalCode") or ""),
            "city": _localised(_list(street, "postOffice")).title(),
        }
    return {}


# --- the plan --------------------------------------------------------------------------------

CREATE, UPDATE, DEACTIVATE, UNCHANGED = "create", "update", "deactivate", "unchanged"


@dataclass
class Change:
    """What the import does to one record, in words for the preview and the report."""

    kind: str
    action: str
    name: str
    record: models.Model
    fields: list[str] = field(default_factory=list)
    # Service PTV ids a location gets linked to; areas and programmes of a new service.
    links: list[str] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        labels = {
            "organisation": _("organisation"),
            "service": _("service"),
            "location": _("location"),
            "contact point": _("contact point"),
        }
        return labels[self.kind]


@dataclass
class PtvPlan:
    """Everything an import from PTV would do."""

    organisation_id: str
    since: datetime.date | None
    changes: list[Change] = field(default_factory=list)

    def _of(self, action: str) -> list[Change]:
        return [change for change in self.changes if change.action == action]

    @property
    def created(self) -> list[Change]:
        return self._of(CREATE)

    @property
    def updated(self) -> list[Change]:
        return self._of(UPDATE)

    @property
    def deactivated(self) -> list[Change]:
        return self._of(DEACTIVATE)

    @property
    def unchanged(self) -> list[Change]:
        return self._of(UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return any(change.action != UNCHANGED for change in self.changes)

    @property
    def fingerprint(self) -> str:
        """A digest of what the preview showed: applying refuses when PTV or Arki moved since."""
        shown = [(c.kind, c.action, c.name, c.fields, c.links) for c in self.changes]
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def _set(record: models.Model, name: str, value: str, changed: list[str]) -> None:
    """Take PTV's value for a field PTV holds; an empty PTV value keeps Arki's."""
    if not value:
        return
    model_field = record._meta.get_field(name)
    max_length = getattr(model_field, "max_length", None)
    if max_length:
        value = value[:max_length]
    if getattr(record, name) != value:
        setattr(record, name, value)
        changed.append(str(getattr(model_field, "verbose_name", name)))


def _codes(service: dict[str, Any], key: str) -> list[str]:
    found = []
    for item in _list(service, key):
        if isinstance(item, dict):
            found += [str(item.get(part) or "").lower() for part in ("uri", "code")]
    return [code for code in found if code]


def _mapped_sector(service: dict[str, Any], mapping: Mapping) -> str | None:
    for code in _codes(service, "serviceClasses"):
        # A class maps with its sub-classes: "p24" covers "p24.1".
        for key, sector in mapping.service_classes.items():
            if code == key or code.startswith(key + "."):
                return sector
    for code in _codes(service, "ontologyTerms"):
        if code in mapping.ontology_terms:
            return mapping.ontology_terms[code]
    return None


def _organisation_sector(data: PtvData, mapping: Mapping) -> Sector:
    code = mapping.organisations.get(str(data.organisation["id"]).lower())
    if code is None:
        found = Counter(
            mapped
            for service in data.services
            if service.get("publishingStatus") == PUBLISHED
            and (mapped := _mapped_sector(service, mapping))
        )
        code = found.most_common(1)[0][0] if found else mapping.default_sector
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        raise PtvError(
            _("The PTV mapping names sector %(code)s, which Arki does not have.") % {"code": code}
        )
    return sector


def _by_code(model: type[Area] | type[Programme], codes: tuple[str, ...], what: str) -> list[Any]:
    found = {item.code: item for item in model.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise PtvError(
            _("The PTV mapping names %(what)s %(codes)s, which Arki does not have.")
            % {"what": what, "codes": ", ".join(missing)}
        )
    return [found[code] for code in codes]


def _linked_channels(service: dict[str, Any], data: PtvData) -> list[dict[str, Any]]:
    linked = []
    for link in _list(service, "serviceChannels"):
        channel = data.channels.get(str(link["serviceChannel"].get("id")).lower())
        if channel is not None and channel.get("publishingStatus", PUBLISHED) == PUBLISHED:
            linked.append(channel)
    return linked


def _first(channels: list[dict[str, Any]], kinds: tuple[str, ...], read: Any) -> str:
    for channel in channels:
        if channel.get("serviceChannelType") in kinds and (value := read(channel)):
            return str(value)
    return ""


def _plan_organisation(data: PtvData, mapping: Mapping) -> Change:
    ptv_id = uuid.UUID(str(data.organisation["id"]))
    item = data.organisation
    record = Organisation.objects.filter(ptv_id=ptv_id).first()
    changed: list[str] = []
    if record is None:
        # An organisation added in Arki before (e.g. by the staff import) under the name PTV
        # gives it is the same body: it is linked to PTV, not duplicated.
        names = [
            entry.get("value")
            for entry in _list(item, "organizationNames")
            if isinstance(entry, dict)
        ]
        record = Organisation.objects.filter(
            ptv_id__isnull=True, name__in=[name for name in names if name]
        ).first()
        if record is not None:
            record.ptv_id = ptv_id
            changed.append("ptv_id")
    created = record is None
    if record is None:
        record = Organisation(ptv_id=ptv_id, sector=_organisation_sector(data, mapping))
    _set(record, "name", _localised(_list(item, "organizationNames"), "Name"), changed)
    if not record.name:
        raise _malformed("Organization", "organizationNames")
    _set(record, "description", _localised(_list(item, "organizationDescriptions")), changed)
    _set(record, "email", _email(item), changed)
    _set(record, "phone", _phone(item), changed)
    _set(record, "website", _web(item), changed)
    action = CREATE if created else (UPDATE if changed else UNCHANGED)
    return Change("organisation", action, record.name, record, changed)


def _is_changed_since(
    service: dict[str, Any], channels: list[dict[str, Any]], since: datetime.datetime | None
) -> bool:
    if since is None:
        return True
    moments = [_modified(service)] + [_modified(channel) for channel in channels]
    # Without a modification time PTV's record is taken as changed.
    return any(moment is None or moment >= since for moment in moments)


def _plan_services(
    data: PtvData, mapping: Mapping, organisation: Organisation, since: datetime.datetime | None
) -> list[Change]:
    changes = []
    listed = {uuid.UUID(str(service["id"])): service for service in data.services}
    known = Service.objects.filter(ptv_id__in=listed)
    if organisation.pk:
        # PTV's services of the organisation that PTV no longer lists.
        known |= Service.objects.filter(organisation=organisation).exclude(ptv_id=None)
    existing = {service.ptv_id: service for service in known}
    areas = programmes = None
    for ptv_id, item in listed.items():
        record = existing.get(ptv_id)
        if item.get("publishingStatus") != PUBLISHED:
            if record is not None and record.is_active:
                record.is_active = False
                changes.append(
                    Change("service", DEACTIVATE, record.name, record, [str(_("in use"))])
                )
            continue
        channels = _linked_channels(item, data)
        if record is not None and not _is_changed_since(item, channels, since):
            changes.append(Change("service", UNCHANGED, record.name, record))
            continue
        created = record is None
        if record is None:
            record = Service(ptv_id=ptv_id, organisation=organisation)
        changed: list[str] = []
        if not created and record.organisation_id != organisation.pk:
            record.organisation = organisation
            changed.append(str(_("organisation")))
        _set(record, "name", _localised(_list(item, "serviceNames"), "Name"), changed)
        if not record.name:
            raise _malformed("Service/list/organization", "serviceNames")
        description = _localised(_list(item, "serviceDescriptions"), "Description")
        _set(
            record,
            "description",
            description or _localised(_list(item, "serviceDescriptions"), "Summary"),
            changed,
        )
        _set(record, "phone", _first(channels, ("Phone", "ServiceLocation"), _phone), changed)
        _set(
            record,
            "email",
            _first(channels, ("Phone", "ServiceLocation", "EChannel", "WebPage"), _email),
            changed,
        )
        _set(record, "url", _first(channels, ("WebPage", "EChannel"), _web), changed)
        if not record.is_active:
            record.is_active = True
            changed.append(str(_("in use")))
        change = Change(
            "service",
            CREATE if created else (UPDATE if changed else UNCHANGED),
            record.name,
            record,
            changed,
        )
        if created:
            if areas is None:
                areas = _by_code(Area, mapping.default_areas, _("areas"))
                programmes = _by_code(Programme, mapping.default_programmes, _("programmes"))
            change.areas, change.programmes = areas, programmes or []
        changes.append(change)
    for known_id, record in existing.items():
        if known_id not in listed and record.is_active:
            record.is_active = False
            changes.append(Change("service", DEACTIVATE, record.name, record, [str(_("in use"))]))
    return changes


def _plan_locations(data: PtvData, organisation: Organisation) -> list[Change]:
    published = {
        str(service["id"]).lower(): service
        for service in data.services
        if service.get("publishingStatus") == PUBLISHED
    }
    changes = []
    for channel_id, channel in data.channels.items():
        if channel.get("serviceChannelType") != "ServiceLocation":
            continue
        if channel.get("publishingStatus", PUBLISHED) != PUBLISHED:
            continue
        ptv_id = uuid.UUID(channel_id)
        record = Location.objects.filter(ptv_id=ptv_id).first()
        created = record is None
        if record is None:
            record = Location(ptv_id=ptv_id, organisation=organisation)
        changed: list[str] = []
        _set(record, "name", _localised(_list(channel, "serviceChannelNames"), "Name"), changed)
        if not record.name:
            raise _malformed("ServiceChannel/list/organization", "serviceChannelNames")
        for name, value in _visiting_address(channel).items():
            _set(record, name, value, changed)
        links = sorted(
            service_id
            for service_id, service in published.items()
            if any(
                str(link["serviceChannel"].get("id")).lower() == channel_id
                for link in _list(service, "serviceChannels")
            )
        )
        if not created:
            have = {
                str(value)
                for value in record.services.exclude(ptv_id=None).values_list("ptv_id", flat=True)
            }
            links = [link for link in links if link not in have]
        if links:
            changed.append(str(_("services")))
        action = CREATE if created else (UPDATE if changed else UNCHANGED)
        changes.append(Change("location", action, record.name, record, changed, links=links))
    return changes


def _plan_contact_points(data: PtvData, mapping: Mapping) -> list[Change]:
    changes = []
    for rule in mapping.contact_points:
        channel = data.channels.get(rule.channel)
        if channel is None:
            continue
        area = _by_code(Area, (rule.area,), _("areas"))[0]
        programme = _by_code(Programme, (rule.programme,), _("programmes"))[0]
        record = ContactPoint.objects.filter(area=area, programme=programme).first()
        created = record is None
        if record is None:
            record = ContactPoint(area=area, programme=programme)
        changed: list[str] = []
        if created:
            _set(record, "name", _localised(_list(channel, "serviceChannelNames"), "Name"), changed)
        _set(record, "phone", _phone(channel), changed)
        _set(record, "email", _email(channel), changed)
        _set(record, "opening_hours", _hours(channel), changed)
        if created and not record.phone:
            continue
        # The service answering the number, when the contact point has none yet.
        if record.service_id is None:
            links = [
                str(service["id"]).lower()
                for service in data.services
                if service.get("publishingStatus") == PUBLISHED
                and any(
                    str(link["serviceChannel"].get("id")).lower() == rule.channel
                    for link in _list(service, "serviceChannels")
                )
            ]
            if links:
                changed.append(str(_("answering service")))
                links = links[:1]
        else:
            links = []
        action = CREATE if created else (UPDATE if changed else UNCHANGED)
        changes.append(Change("contact point", action, record.name, record, changed, links=links))
    return changes


def plan_import(data: PtvData, mapping: Mapping, since: datetime.date | None = None) -> PtvPlan:
    """Say what importing ``data`` would change; writes nothing."""
    moment = (
        datetime.datetime.combine(since, datetime.time.min, tzinfo=datetime.UTC) if since else None
    )
    plan = PtvPlan(organisation_id=str(data.organisation["id"]), since=since)
    organisation = _plan_organisation(data, mapping)
    plan.changes.append(organisation)
    record = organisation.record
    assert isinstance(record, Organisation)
    plan.changes += _plan_services(data, mapping, record, moment)
    plan.changes += _plan_locations(data, record)
    plan.changes += _plan_contact_points(data, mapping)
    return plan


def apply_import(plan: PtvPlan) -> PtvPlan:
    """Write what ``plan`` says in one transaction, all or nothing."""
    with transaction.atomic():
        organisation = plan.changes[0].record
        if plan.changes[0].action != UNCHANGED:
            organisation.save()
        services: dict[str, Service] = {}
        for change in plan.changes:
            if change.kind != "service":
                continue
            service = change.record
            assert isinstance(service, Service)
            if change.action != UNCHANGED:
                service.organisation = organisation  # type: ignore[assignment]
                service.save()
            if change.action == CREATE:
                service.areas.set(change.areas)
                service.programmes.set(change.programmes)
            services[str(service.ptv_id)] = service
        for change in plan.changes:
            if change.kind not in ("location", "contact point") or change.action == UNCHANGED:
                continue
            linked = [
                services.get(link) or Service.objects.get(ptv_id=link) for link in change.links
            ]
            if isinstance(change.record, Location):
                change.record.organisation = organisation  # type: ignore[assignment]
                change.record.save()
                change.record.services.add(*linked)
            else:
                assert isinstance(change.record, ContactPoint)
                if linked:
                    change.record.service = linked[0]
                change.record.save()
    logger.info(
        "ptv import of %s: %d created, %d updated, %d deactivated, %d unchanged",
        plan.organisation_id,
        len(plan.created),
        len(plan.updated),
        len(plan.deactivated),
        len(plan.unchanged),
    )
    return plan


def import_organisation(
    source: Source,
    organisation_id: str,
    *,
    since: datetime.date | None = None,
    mapping: Mapping | None = None,
    apply: bool = True,
) -> PtvPlan:
    """Read the organisation from ``source`` and plan, or plan and apply, its import."""
    data = fetch(source, organisation_id)
    plan = plan_import(data, mapping or load_mapping(), since)
    return apply_import(plan) if apply else plan
