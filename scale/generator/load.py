"""The orchestrator: checks, reset, and the stages in their order."""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from accounts.models import Membership, User
from audit.models import AccessLog, ChainHead
from contacts.models import Contact, MethodDiscussion
from directory.models import Area, ContactPoint, Organisation, Position, Sector, Service
from feedback.models import (
    Answer,
    FeedbackInvitation,
    InvitationCount,
    Response,
    ResponseTally,
    SurveyVersion,
)
from indicators.models import Event, EventCount, Indicator
from leadership.models import Commitment, Decision, LeadershipTeam, TeamMeeting, TeamMember
from meetings.models import (
    Goal,
    GoalRating,
    LifeAreaNote,
    MeetingRecord,
    MeetingRecordRevision,
    Promise,
)
from networks.models import ConsentRecord, Meeting, MeetingChange, Network, Participant
from programmes.models import Programme
from scale.generator.access_log import write_access_log
from scale.generator.contacts import Contacts
from scale.generator.directory import ORGANISATION_SECTORS, build_directory, build_staff
from scale.generator.discussions import write_discussions_and_events
from scale.generator.leadership import build_leadership
from scale.generator.network_work import NetworkWork
from scale.generator.region import Region
from scale.generator.shapes import DOMAIN, PROGRAMMES, WELL_KNOWN, ScaleError, ScaleReport
from scale.plan import SCALES

# The top-level steps, in the order they are logged (the command numbers them).
RESET, DIRECTORY, NETWORK_WORK, LEADERSHIP = (
    "Reset: emptying the loaded tables",
    "Directory and staff",
    "Network work",
    "Leadership",
)
STEPS = (RESET, DIRECTORY, NETWORK_WORK, LEADERSHIP)


def run(region: Region) -> Counter[str]:
    """Every stage in order; the rows written per table."""
    region.read_configuration()
    region.log(DIRECTORY)
    build_directory(region)
    build_staff(region)
    region.log(NETWORK_WORK)
    contacts = Contacts(region)
    contacts.build()
    contacts.write()
    del contacts
    work = NetworkWork(region)
    work.build()
    work.write()
    del work
    write_discussions_and_events(region)
    write_access_log(region)
    region.log(LEADERSHIP)
    build_leadership(region)
    ResponseTally.recount()  # the answers were written directly, not through the service
    EventCount.recount()  # so were the indicator events
    region.writer.reset_sequences()
    region.writer.analyze()
    return region.writer.counts


def _prepare() -> None:
    ready = (
        Programme.objects.filter(code__in=PROGRAMMES).count() == len(PROGRAMMES)
        and SurveyVersion.objects.exists()
        and Indicator.objects.exists()
        and all(Sector.objects.filter(code=code).exists() for code in ORGANISATION_SECTORS.values())
    )
    if not ready:
        call_command("load_configuration", verbosity=0, stdout=io.StringIO())


def _has_data() -> bool:
    return Area.objects.exists() or User.objects.exists() or Contact.objects.exists()


def reset() -> None:
    """Empty everything the loader writes (and what points at it); the configuration stays."""
    models: list[Any] = [
        AccessLog, ChainHead, Event, EventCount, Commitment, Decision, TeamMeeting, TeamMember,
        LeadershipTeam, InvitationCount, FeedbackInvitation, Answer, Response, ResponseTally,
        Promise,
        GoalRating, Goal, LifeAreaNote, MeetingRecord.present.through, MeetingRecordRevision,
        MeetingRecord, MeetingChange, Meeting, ConsentRecord, Participant,
        Contact.concern_categories.through, Contact.age_bands.through, Contact, MethodDiscussion,
        Network, Position, Membership,
        ContactPoint, Service.areas.through, Service.programmes.through, Service, Organisation,
        User, Area,
    ]  # fmt: skip
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(quote(model._meta.db_table) for model in models)
            # Deferred foreign-key checks of rows written earlier in this transaction (a test's)
            # would make TRUNCATE refuse: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # The logs refuse TRUNCATE (audit migration 0006) except in replica mode (superuser).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            from accounts.models import SecurityEvent, UserSession
            from directory.models import Location

            extra: list[Any] = [SecurityEvent, UserSession, Location.services.through, Location]
            for model in extra[:2] + models[:-2] + extra[2:] + models[-2:]:
                cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def load_scale(
    name: str,
    *,
    seed: int = 1,
    today: date,
    password: str,
    password_shown: bool = False,
    reset_first: bool = False,
    log: Callable[[str], None] = lambda line: None,
) -> ScaleReport:
    if settings.PRODUCTION:
        raise ScaleError(
            "Refusing to load synthetic data into a production installation (ARKI_ENV=production)."
        )
    if name not in SCALES:
        raise ScaleError(f"Unknown scale {name!r}: choose one of {', '.join(SCALES)}.")
    started = time.monotonic()
    _prepare()
    if _has_data():
        if not reset_first:
            raise ScaleError(
                "The database already holds areas, users or contacts. Use --reset to empty "
                "them first (everything but the configuration is removed)."
            )
        log(RESET)
        reset()
    region = Region(SCALES[name], seed=seed, today=today, password=password, log=log)
    counts = run(region)
    return ScaleReport(
        scale=name,
        seed=seed,
        today=today,
        password=password,
        password_shown=password_shown,
        counts=counts,
        seconds=region.writer.seconds,
        total_seconds=time.monotonic() - started,
        logins=[(f"{login}@{DOMAIN}", login) for login in WELL_KNOWN],
    )
