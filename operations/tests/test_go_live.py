"""The administrator's go-live readiness page (issue #18)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership
from accounts.tests.factories import UserFactory, user_with_role
from audit.roles import Role
from directory.models import ContactPoint, Organisation, Sector
from leadership.models import LeadershipTeam, TeamMember
from notifications.models import OutgoingEmail
from operations.golive import READY, TODO, go_live_checks

pytestmark = pytest.mark.django_db


def checks() -> dict[str, Any]:
    with translation.override("en"):
        return {check.key: check for check in go_live_checks(timezone.now())}


@pytest.fixture
def admin_client(client):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    return client


def test_only_administrators_open_the_page(client, configuration):
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.get(reverse("operations:go_live")).status_code == 403
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    assert client.get(reverse("operations:go_live")).status_code == 200


def test_numbers_turn_ready_when_every_area_has_one_per_programme(configuration, kaakkuri):
    check = checks()["numbers"]
    assert check.state == TODO
    assert len(check.missing) == 2  # Kaakkuri × two programmes
    for programme in configuration.values():
        ContactPoint.objects.create(
            area=kaakkuri, programme=programme, name="Numero", phone="08 123 456"
        )
    check = checks()["numbers"]
    assert check.state == TODO and all("opening hours" in item for item in check.missing)
    ContactPoint.objects.update(opening_hours="ma–pe 9–15")
    assert checks()["numbers"].state == READY


def test_coordinators_are_asked_per_area_and_programme(configuration, kaakkuri, children):
    coordinator = UserFactory()
    Membership.objects.create(
        user=coordinator, role=Role.COORDINATOR, area=kaakkuri, programme=children
    )
    check = checks()["coordinators"]
    assert check.state == TODO
    assert check.missing == [
        "Kaakkuri · Work ability and employment support services: no coordinator"
    ]
    # A deactivated coordinator answers no number.
    Membership.objects.create(user=coordinator, role=Role.COORDINATOR, area=kaakkuri)
    assert checks()["coordinators"].state == READY
    coordinator.is_active = False
    coordinator.save()
    assert checks()["coordinators"].state == TODO


def test_a_team_without_its_required_sectors_is_named(configuration, kaakkuri, children):
    team = LeadershipTeam.objects.create(
        name="Kaakkurin johtotiimi",
        area=kaakkuri,
        programme=children,
        common_goal="Lasten hyvä arki",
        meeting_time=time(14),
    )
    check = checks()["leadership"]
    assert check.state == TODO
    assert any(item.startswith("Kaakkurin johtotiimi: no member from") for item in check.missing)
    assert any("no leadership team" in item for item in check.missing)  # working-age
    for code in ("education-culture", "social-health", "ngos-parish-kela"):
        member = UserFactory()
        TeamMember.objects.create(team=team, user=member, sector=Sector.objects.get(code=code))
    assert not any(item.startswith("Kaakkurin") for item in checks()["leadership"].missing)


def test_backups_email_and_second_factor(configuration, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("ARKI_BACKUP_DIR", str(tmp_path))
    assert checks()["backups"].state == TODO
    (tmp_path / "arki-20261203T010000Z.sqlite3.manifest.json").write_text("{}")
    assert checks()["backups"].state == READY

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert checks()["email"].state == TODO
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert checks()["email"].state == READY
    OutgoingEmail.objects.create(
        status=OutgoingEmail.Status.FAILED, failed_at=timezone.now() - timedelta(days=1)
    )
    assert checks()["email"].state == TODO

    settings.ARKI_REQUIRE_OTP = False
    assert checks()["otp"].state == TODO
    settings.ARKI_REQUIRE_OTP = True
    assert checks()["otp"].state == READY


def test_the_page_names_no_person(admin_client, configuration, kaakkuri, children):
    person = UserFactory(full_name="Salainen Sanna", email="sanna@example.invalid")
    Membership.objects.create(user=person, role=Role.COORDINATOR, area=kaakkuri)
    Organisation.objects.first()
    page = admin_client.get(reverse("operations:go_live")).content.decode()
    assert "Valmiina käyttöönottoon?" in page
    assert "Salainen" not in page and "sanna@" not in page
    assert 'id="check-numbers"' in page and 'id="check-scheduled"' in page


def test_text_messages_are_recommended_until_a_family_member_chooses_them(settings, db):
    from networks.models import Channel
    from networks.tests.factories import ParticipantFactory

    settings.ARKI_SMS_BACKEND = "off"
    assert checks()["sms"].state == "optional"
    ParticipantFactory(channel=Channel.SMS, phone="+358401234567")
    check = checks()["sms"]
    assert check.state == TODO
    assert "1 family members chose text messages and get nothing." in check.missing
    settings.ARKI_SMS_BACKEND = "locmem"
    assert checks()["sms"].state == READY


def test_failed_text_messages_are_to_do(settings, db):
    from notifications.models import OutgoingSms

    settings.ARKI_SMS_BACKEND = "locmem"
    OutgoingSms.objects.create(
        purpose=OutgoingSms.Purpose.CODE,
        status=OutgoingSms.Status.FAILED,
        failed_at=timezone.now(),
        recipient_hint="+358 …67",
    )
    check = checks()["sms"]
    assert check.state == TODO and "1 text messages failed in the last 7 days." in check.missing


def test_families_strong_identification_is_recommended_until_configured(settings, db):
    settings.ARKI_SUOMIFI_IDP_METADATA = ""
    check = checks()["suomifi"]
    assert check.state == "optional"
    assert check.missing == ["Family members open their plan with a link and code."]
    settings.ARKI_SUOMIFI_IDP_METADATA = "/etc/arki/suomifi-metadata.xml"
    assert checks()["suomifi"].state == READY
