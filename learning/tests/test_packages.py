"""The learning network: export → sign → receive, what the hub rejects, versions, the API."""

import base64
import json
from datetime import time, timedelta

import pytest
from django.urls import reverse
from nacl.signing import SigningKey

from accounts.tests.factories import user_with_role
from audit.roles import Role
from indicators.catalogue import load_catalogue
from indicators.models import Event, EventKind
from leadership.models import LeadershipTeam, TeamMeeting
from learning import package, selectors, services
from learning.models import LearningKind, Package, PackageFigure, Region, Via

pytestmark = pytest.mark.django_db

REGION_KEY = SigningKey(b"k" * 32)
OTHER_KEY = SigningKey(b"o" * 32)


@pytest.fixture(autouse=True)
def _local_key(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    settings.LANGUAGE_CODE = "en"  # the reasons below are matched in English
    settings.ARKI_REGION_CODE = "oulu"
    settings.ARKI_REGION_NAME = "Oulu"


@pytest.fixture
def region(configuration):
    """Oulu registered in a hub whose indicator catalogue is loaded (it judges the figures)."""
    return services.register_region(
        code="oulu", name="Oulu", public_key=package.public_key_text(REGION_KEY)
    )


@pytest.fixture
def catalogue(configuration):
    load_catalogue()


@pytest.fixture
def events(children, kaakkuri, tuira):
    from django.utils import timezone

    from directory.models import Area

    kaakkuri.child_population, tuira.child_population = 4000, 12000
    kaakkuri.save()
    tuira.save()
    ritaharju = Area.objects.create(code="ritaharju", name="Ritaharju", municipality="Oulu")
    now = timezone.now()
    for area, count in ((kaakkuri, 6), (tuira, 9), (ritaharju, 2)):
        for _ in range(count):
            Event.objects.create(
                kind=EventKind.NETWORK_OPENED, occurred_at=now, area=area, programme=children
            )


def payload(version=1, figures=None, code="oulu"):
    return {
        "format_version": 1,
        "region": {"code": code, "name": "Oulu"},
        "version": version,
        "created_at": "2026-11-30T12:00:00+02:00",
        "figures": figures if figures is not None else [figure("kaakkuri", 12), figure("", 12)],
        "populations": [{"area": "kaakkuri", "area_name": "Kaakkuri", "children": 4000}],
        "learnings": [
            {"kind": "works", "text": "Yksi puhelu riittää.", "area_name": "", "date": "2026-11-01"}
        ],
    }


def figure(area, value, hidden=False, period="2026-10", person_count=True):
    return {
        "programme": "children-families",
        "population": "children",
        "indicator": "networks-opened",
        "name": {"fi": "Avatut verkostot", "sv": "", "en": "Networks opened"},
        "unit": "count",
        "person_count": person_count,
        "area": area,
        "area_name": area.capitalize() or "Oulu",
        "period": period,
        "value": value,
        "hidden": hidden,
        "note": "",
    }


def sealed(data, key=REGION_KEY):
    return package.seal(data, key)


def test_export_sign_receive_round_trip(catalogue, events, region, children):
    exported = services.export_package(by=None, key=REGION_KEY)
    received = services.receive_package(bytes(exported.envelope))
    assert received.created and received.package.is_current
    assert received.package.version == 1
    assert received.package.sha256 == exported.sha256
    figures = PackageFigure.objects.filter(package=received.package)
    assert figures.count() == exported.figures > 0
    from django.utils import timezone

    from indicators.periods import period_containing

    month = period_containing(timezone.localdate(), "monthly").code
    opened = figures.get(
        programme=children.code, indicator="networks-opened", area="tuira", period=month
    )
    assert opened.value == 9 and opened.population == 12000
    small = figures.get(
        programme=children.code, indicator="networks-opened", area="ritaharju", period=month
    )
    assert small.hidden and small.value is None  # 2 children: never leaves the region
    protecting = figures.get(
        programme=children.code, indicator="networks-opened", area="kaakkuri", period=month
    )
    assert protecting.hidden  # hidden too, or the 2 would follow from the total
    # The next export is version 2.
    assert services.export_package(by=None, key=REGION_KEY).version == 2


def test_the_exported_package_holds_no_small_numbers(catalogue, events):
    data = services.build_payload(version=1)
    for item in data["figures"]:
        if item["person_count"] and item["unit"] == "count" and not item["hidden"]:
            assert item["value"] is None or not 0 < item["value"] < 5, item
    package.check_payload(data, selectors.indicator_rules())


def test_tampered_package_is_rejected(region):
    envelope = json.loads(sealed(payload()))
    data = json.loads(base64.b64decode(envelope["payload"]))
    data["figures"][0]["value"] = 40
    envelope["payload"] = base64.b64encode(json.dumps(data).encode()).decode()
    with pytest.raises(package.PackageRejected, match="signature does not match"):
        services.receive_package(json.dumps(envelope).encode())
    assert not Package.objects.exists()


def test_package_signed_by_another_key_is_rejected(region):
    with pytest.raises(package.PackageRejected, match="signature does not match"):
        services.receive_package(sealed(payload(), OTHER_KEY))


def test_unsigned_package_is_rejected(region):
    envelope = json.loads(sealed(payload()))
    envelope["signature"] = ""
    with pytest.raises(package.PackageRejected, match="not signed"):
        services.receive_package(json.dumps(envelope).encode())


@pytest.mark.parametrize("raw", [b"not json", b"{}", b'{"format": "arki-learning-package"}', b"[]"])
def test_not_a_package_is_rejected(region, raw):
    with pytest.raises(package.PackageRejected):
        services.receive_package(raw)


def test_unknown_region_is_rejected(region):
    with pytest.raises(package.PackageRejected, match="Unknown region soite"):
        services.receive_package(sealed(payload(code="soite")))


def test_unsuppressed_small_cell_is_rejected(region):
    leaking = payload(figures=[figure("kaakkuri", 3), figure("tuira", 20), figure("", 23)])
    with pytest.raises(package.PackageRejected, match="Unsuppressed small number"):
        services.receive_package(sealed(leaking))
    assert not Package.objects.exists()


def test_small_cell_derivable_from_the_total_is_rejected(region):
    leaking = payload(
        figures=[figure("kaakkuri", None, hidden=True), figure("tuira", 20), figure("", 23)]
    )
    with pytest.raises(package.PackageRejected, match="worked out from the total"):
        services.receive_package(sealed(leaking))


def test_hidden_figure_carrying_its_value_is_rejected(region):
    leaking = payload(figures=[figure("kaakkuri", 3, hidden=True)])
    with pytest.raises(package.PackageRejected, match="carries its value"):
        services.receive_package(sealed(leaking))


def test_small_value_of_a_non_person_figure_is_fine(region):
    """Days to the first meeting are not people (by the hub's catalogue): a 3 is published."""
    days = {**figure("kaakkuri", 3, person_count=False), "indicator": "days-to-first-meeting"}
    services.receive_package(sealed(payload(figures=[{**days, "unit": "days"}])))


def test_same_version_twice_is_idempotent(region):
    raw = sealed(payload())
    first = services.receive_package(raw)
    again = services.receive_package(raw)
    assert first.created and not again.created
    assert again.package.pk == first.package.pk
    assert Package.objects.count() == 1
    assert PackageFigure.objects.count() == 2


def test_same_version_with_other_contents_is_rejected(region):
    services.receive_package(sealed(payload()))
    with pytest.raises(package.PackageRejected, match="already received with different"):
        services.receive_package(sealed(payload(figures=[figure("kaakkuri", 30)])))


def test_newer_version_replaces_the_older_and_the_change_is_visible(region):
    services.receive_package(sealed(payload(1)))
    newer = services.receive_package(
        sealed(payload(2, figures=[figure("kaakkuri", 15), figure("", 15)]))
    )
    assert newer.replaced is not None and newer.replaced.version == 1
    current = Package.objects.get(is_current=True)
    assert current.version == 2
    changed = selectors.changes(current, Package.objects.get(version=1))
    assert [(c.area_name, c.before, c.after) for c in changed] == [
        ("Oulu", "12", "15"),
        ("Kaakkuri", "12", "15"),
    ]
    # An older version arriving late is kept but does not become current.
    late = services.receive_package(
        sealed(payload(0 + 1, figures=[figure("kaakkuri", 12), figure("", 12)]))
    )
    assert not late.created
    older = services.receive_package(sealed({**payload(1), "version": 1}))
    assert Package.objects.get(is_current=True).version == 2
    assert older.package.version == 1


def test_comparison_per_thousand(region):
    services.receive_package(sealed(payload(figures=[figure("kaakkuri", 12), figure("", 12)])))
    result = selectors.comparison("children-families:networks-opened", "2026-10")
    row = next(r for r in result.rows if r.area_name == "Kaakkuri")
    assert row.per_thousand == 3.0  # 12 of 4,000 children
    assert result.population == "children"
    total = next(r for r in result.rows if r.is_total)
    assert total.per_thousand == 3.0


def test_shareable_decisions_and_learnings_go_in_the_package(children, kaakkuri):
    author = user_with_role(Role.DEVELOPER_WORKER)
    services.record_learning(
        by=author, kind=LearningKind.WORKS, text="Iltapäivätapaamiset", area=kaakkuri
    )
    hidden = services.record_learning(
        by=author, kind=LearningKind.DOES_NOT_WORK, text="Vain tälle alueelle", area=None
    )
    services.set_learning_shared(hidden, False)
    team = LeadershipTeam.objects.create(
        name="Kaakkurin johtotiimi",
        area=kaakkuri,
        programme=children,
        common_goal="Arki",
        week_of_month=1,
        weekday=1,
        meeting_time=time(14),
    )
    from django.utils import timezone

    meeting = TeamMeeting.objects.create(
        team=team, starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=2)
    )
    from leadership.models import TeamMember
    from leadership.services import record_decision

    TeamMember.objects.create(team=team, user=author, sector=children_sector())
    record_decision(
        meeting=meeting, by=author, what="Jaetaan", why="", who_informs=author, shareable=True
    )
    record_decision(meeting=meeting, by=author, what="Ei jaeta", why="", who_informs=author)
    texts = [item["text"] for item in services.build_payload(version=1)["learnings"]]
    assert texts == ["Iltapäivätapaamiset", "Jaetaan"]


def children_sector():
    from directory.models import Sector

    return Sector.objects.first()


def test_record_learning_needs_text_and_kind(db):
    author = user_with_role(Role.DEVELOPER_WORKER)
    with pytest.raises(services.ValidationError):
        services.record_learning(by=author, kind="works", text="  ", area=None)
    with pytest.raises(services.ValidationError):
        services.record_learning(by=author, kind="decision", text="x", area=None)


def test_register_region_rejects_a_bad_key(db):
    with pytest.raises(services.ValidationError):
        services.register_region(code="x", name="X", public_key="not a key")


# --- the API ----------------------------------------------------------------------------------


def api(client, raw, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        reverse("learning:api_packages"), raw, content_type="application/json", **headers
    )


def test_api_needs_a_region_token(client, region):
    assert api(client, sealed(payload())).status_code == 401
    assert api(client, sealed(payload()), token="wrong").status_code == 401
    assert client.get(reverse("learning:api_packages")).status_code == 405
    assert not Package.objects.exists()


def test_api_receives_and_is_idempotent(client, region):
    _region, token = region
    answer = api(client, sealed(payload()), token)
    assert answer.status_code == 201
    assert answer.json() == {
        "region": "oulu",
        "version": 1,
        "current": True,
        "status": "created",
        "replaced": None,
    }
    assert Package.objects.get().via == Via.API
    again = api(client, sealed(payload()), token)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"


def test_api_rejects_with_the_reason(client, region):
    _region, token = region
    answer = api(client, sealed(payload(figures=[figure("kaakkuri", 2)])), token)
    assert answer.status_code == 400
    assert "Unsuppressed small number" in answer.json()["error"]  # in the hub's language


def test_api_token_of_another_region_cannot_send_for_it(client, region):
    _other, other_token = services.register_region(
        code="soite", name="Soite", public_key=package.public_key_text(OTHER_KEY)
    )
    answer = api(client, sealed(payload()), other_token)
    assert answer.status_code == 400
    assert not Package.objects.exists()


def test_a_deactivated_region_is_refused(client, region):
    registered, token = region
    Region.objects.filter(pk=registered.pk).update(is_active=False)
    assert api(client, sealed(payload()), token).status_code == 401
