"""The learning-network pages: who reaches them, upload, export, meetings and trials."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from nacl.signing import SigningKey

from accounts.tests.factories import user_with_role
from audit.roles import Role
from learning import package, services
from learning.models import ExportedPackage, NetworkMeeting, Package, SharedLearning, Trial
from learning.tests.test_packages import figure, payload

pytestmark = pytest.mark.django_db
KEY = SigningKey(b"p" * 32)
XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _local_key(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    settings.ARKI_REGION_CODE = "oulu"


@pytest.fixture
def region(configuration):
    """Oulu registered in a hub whose indicator catalogue is loaded (it judges the figures)."""
    return services.register_region(
        code="oulu", name="Oulu", public_key=package.public_key_text(KEY)
    )[0]


def signed_in(client, role):
    user = user_with_role(role)
    client.force_login(user)
    return user


HUB_PAGES = ["learning:compare", "learning:hub_learnings", "learning:regions", "learning:meetings"]


@pytest.mark.parametrize("name", HUB_PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.LEARNING_NETWORK, 200),
        (Role.DEVELOPER_WORKER, 200),
        (Role.LEADERSHIP_MEMBER, 200),
        (Role.PROFESSIONAL, 403),
        (Role.COORDINATOR, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_hub_pages_are_for_the_learning_network(client, region, name, role, status):
    signed_in(client, role)
    assert client.get(reverse(name)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.DEVELOPER_WORKER, 200),
        (Role.LEADERSHIP_MEMBER, 200),
        (Role.LEARNING_NETWORK, 403),
        (Role.PROFESSIONAL, 403),
    ],
)
def test_export_and_learnings_are_for_the_region(client, configuration, role, status):
    signed_in(client, role)
    assert client.get(reverse("learning:export")).status_code == status
    assert client.get(reverse("learning:learnings")).status_code == status


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("learning:compare"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_upload_receives_a_package_and_shows_it(client, region):
    signed_in(client, Role.LEARNING_NETWORK)
    upload = SimpleUploadedFile("oulu.json", package.seal(payload(), KEY))
    response = client.post(reverse("learning:upload"), {"package": upload}, follow=True)
    assert response.status_code == 200
    assert Package.objects.get().is_current
    assert "Versio 1" in response.content.decode()
    page = client.get(reverse("learning:compare")).content.decode()
    assert "Avatut verkostot" in page and "3" in page  # 12 per 4,000 children = 3 per 1,000


def test_upload_shows_why_a_package_was_rejected(client, region):
    signed_in(client, Role.LEARNING_NETWORK)
    leaking = package.seal(payload(figures=[figure("kaakkuri", 4)]), KEY)
    response = client.post(
        reverse("learning:upload"), {"package": SimpleUploadedFile("x.json", leaking)}
    )
    assert response.status_code == 200
    assert "hylättiin" in response.content.decode()  # "The package was rejected: …"
    assert not Package.objects.exists()


def test_leaders_cannot_upload(client, region):
    signed_in(client, Role.LEADERSHIP_MEMBER)
    assert client.get(reverse("learning:upload")).status_code == 403


def test_learnings_from_regions_are_escaped(client, region):
    data = payload()
    data["learnings"][0]["text"] = XSS
    services.receive_package(package.seal(data, KEY))
    signed_in(client, Role.LEADERSHIP_MEMBER)
    page = client.get(reverse("learning:hub_learnings")).content.decode()
    assert XSS not in page and "&lt;script&gt;" in page


def test_export_signs_versions_that_verify(client, configuration):
    user = signed_in(client, Role.DEVELOPER_WORKER)
    client.post(reverse("learning:learnings"), {"kind": "works", "text": "Iltapäivätapaamiset"})
    assert SharedLearning.objects.get().author == user
    assert client.post(reverse("learning:export")).status_code == 302
    exported = ExportedPackage.objects.get()
    download = client.get(reverse("learning:export_download", args=[exported.version]))
    assert download["Content-Disposition"].startswith("attachment")
    opened = package.open_envelope(download.content)
    package.verify(opened, package.public_key_text(package.signing_key()))
    assert opened.payload["learnings"][0]["text"] == "Iltapäivätapaamiset"
    page = client.get(reverse("learning:export")).content.decode()
    assert package.public_key_text(package.signing_key()) in page


def test_sending_needs_a_configured_hub(client, configuration, settings):
    settings.LEARNING_HUB_URL = ""
    signed_in(client, Role.DEVELOPER_WORKER)
    client.post(reverse("learning:export"))
    response = client.post(reverse("learning:export_send", args=[1]), follow=True)
    assert "LEARNING_HUB_URL" in response.content.decode()
    assert ExportedPackage.objects.get().sent_at is None


def test_unsharing_a_learning(client, db):
    user = signed_in(client, Role.LEADERSHIP_MEMBER)
    learning = services.record_learning(by=user, kind="works", text="Toimii", area=None)
    client.post(reverse("learning:learning_share", args=[learning.pk]), {"shareable": "0"})
    learning.refresh_from_db()
    assert not learning.shareable
    assert services.build_payload(version=1)["learnings"] == []


def test_learning_form_shows_errors_in_finnish(client, db):
    signed_in(client, Role.DEVELOPER_WORKER)
    response = client.post(reverse("learning:learnings"), {"kind": "works", "text": ""})
    assert response.status_code == 200
    assert "Tämä kenttä on pakollinen" in response.content.decode()


def test_meetings_and_trials(client, region):
    signed_in(client, Role.LEARNING_NETWORK)
    response = client.post(
        reverse("learning:meetings"),
        {"starts_at": "2026-12-10T13:00", "topic": "Joulukuun tapaaminen", "place": "Teams"},
    )
    meeting = NetworkMeeting.objects.get()
    assert response["Location"] == reverse("learning:meeting", args=[meeting.pk])
    assert meeting.starts_at == datetime(2026, 12, 10, 13, tzinfo=ZoneInfo("Europe/Helsinki"))
    client.post(reverse("learning:meeting", args=[meeting.pk]), {"notes": "Opimme paljon."})
    meeting.refresh_from_db()
    assert meeting.notes == "Opimme paljon."
    client.post(
        reverse("learning:trial_create"),
        {"title": "Lyhyt kutsu", "region": region.pk, "meeting": meeting.pk, "status": "testing"},
    )
    trial = Trial.objects.get()
    client.post(
        reverse("learning:trial", args=[trial.pk]),
        {"title": "Lyhyt kutsu", "region": region.pk, "status": "done", "result": "Toimi"},
    )
    trial.refresh_from_db()
    assert (trial.status, trial.result) == ("done", "Toimi")


def test_leaders_read_meetings_but_do_not_write(client, region):
    signed_in(client, Role.LEADERSHIP_MEMBER)
    response = client.post(
        reverse("learning:meetings"), {"starts_at": "2026-12-10T13:00", "topic": "X"}
    )
    assert response.status_code == 403
    assert not NetworkMeeting.objects.exists()
    assert client.get(reverse("learning:trial_create")).status_code == 403


def test_region_page_shows_the_change_between_versions(client, region):
    services.receive_package(package.seal(payload(1), KEY))
    services.receive_package(
        package.seal(payload(2, figures=[figure("kaakkuri", 20), figure("", 20)]), KEY)
    )
    signed_in(client, Role.LEARNING_NETWORK)
    page = client.get(reverse("learning:region", args=["oulu"])).content.decode()
    assert "Mikä muuttui versiosta 1 versioon 2" in page or json.dumps("20") in page
    assert "<td>12</td><td>20</td>" in page
