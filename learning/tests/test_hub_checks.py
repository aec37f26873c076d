"""What the hub decides itself (issue #14, hole 7), and malformed packages answered with a reason.

The hub judges a figure by its own indicator catalogue, never by what the sender says about it,
and any package that today would crash the receiving code is rejected with a message instead.
"""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from learning import package, services
from learning.models import Package, PackageFigure
from learning.tests.test_packages import REGION_KEY, api, figure, payload, sealed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    settings.LANGUAGE_CODE = "en"  # the reasons below are matched in English
    settings.ARKI_REGION_CODE = "oulu"


@pytest.fixture
def region(configuration):
    """A hub with the indicator catalogue loaded and Oulu registered; returns Oulu's token."""
    return services.register_region(
        code="oulu", name="Oulu", public_key=package.public_key_text(REGION_KEY)
    )[1]


def seal_bytes(data, key=REGION_KEY):
    """Sign exact payload bytes: JSON text a region's exporter would never write."""
    envelope = {
        "format": package.FORMAT,
        "payload": base64.b64encode(data).decode(),
        "signature": base64.b64encode(key.sign(data).signature).decode(),
    }
    return json.dumps(envelope).encode()


def rejected(data, match):
    with pytest.raises(package.PackageRejected, match=match):
        services.receive_package(sealed(data))
    assert not Package.objects.exists()


def measure(indicator, unit, value, area="kaakkuri", **extra):
    """A figure of another indicator of the catalogue."""
    return {**figure(area, value), "indicator": indicator, "unit": unit, **extra}


# --- the hub's own catalogue decides -----------------------------------------------------------


@pytest.mark.parametrize("flag", [False, None, 0, "no"])
def test_small_person_count_is_rejected_whatever_the_sender_says(region, flag):
    sent = figure("kaakkuri", 3)
    if flag is None:
        del sent["person_count"]
    else:
        sent["person_count"] = flag
    rejected(payload(figures=[sent, figure("tuira", 20), figure("", 23)]), "Unsuppressed small")


@pytest.mark.parametrize("value", [4.0001, 12.5, 12.0, "12", True, [12], {"n": 12}])
def test_person_count_must_be_a_whole_number(region, value):
    rejected(payload(figures=[figure("kaakkuri", value)]), "whole number")


def test_small_person_count_as_a_fraction_is_rejected(region):
    rejected(payload(figures=[figure("kaakkuri", 4.0001, person_count=False)]), "whole number")


def test_unknown_indicator_is_rejected(region):
    unknown = {**figure("kaakkuri", 3), "indicator": "made-up", "person_count": False}
    rejected(payload(figures=[unknown]), "unknown indicator made-up")


def test_the_unit_must_be_the_catalogues(region):
    rejected(payload(figures=[figure("kaakkuri", 3) | {"unit": "average"}]), "unit")


def test_the_hubs_flag_is_kept_not_the_senders(region):
    """days-to-first-meeting is not a person count in the catalogue: a 3 is fine, and stored so."""
    days = measure("days-to-first-meeting", "days", 3, person_count=True)
    services.receive_package(sealed(payload(figures=[days])))
    assert PackageFigure.objects.get().person_count is False
    services.receive_package(
        sealed(payload(version=2, figures=[figure("kaakkuri", 12, person_count=False)]))
    )
    assert PackageFigure.objects.get(package__version=2).person_count is True


@pytest.mark.parametrize(
    ("indicator", "unit", "value"),
    [
        ("family-feedback-heard", "average", 5.9),
        ("family-feedback-heard", "average", 0.5),
        ("professional-knew-next", "average", 6),
        ("convened-within-deadline", "percent", 100.1),
    ],
)
def test_a_value_outside_the_indicators_scale_is_rejected(region, indicator, unit, value):
    rejected(payload(figures=[measure(indicator, unit, value)]), "outside")


@pytest.mark.parametrize(
    ("indicator", "unit", "value"),
    [
        ("family-feedback-heard", "average", 4.2),
        ("family-feedback-heard", "average", 1),
        ("family-feedback-heard", "average", 5),
        ("convened-within-deadline", "percent", 100),
        ("sectors-per-network", "average", 6.5),
    ],
)
def test_a_value_on_the_scale_is_accepted(region, indicator, unit, value):
    services.receive_package(sealed(payload(figures=[measure(indicator, unit, value)])))


def test_hidden_areas_adding_up_to_a_small_number_are_rejected(region):
    """Total 23, one area 20 shown: the two hidden areas hold 3 people between them."""
    leaking = payload(
        figures=[
            figure("kaakkuri", None, hidden=True),
            figure("tuira", None, hidden=True),
            figure("ritaharju", 20),
            figure("", 23),
        ]
    )
    rejected(leaking, "worked out from the total")


def test_hidden_areas_adding_up_to_five_or_more_are_fine(region):
    services.receive_package(
        sealed(
            payload(
                figures=[
                    figure("kaakkuri", None, hidden=True),
                    figure("tuira", None, hidden=True),
                    figure("ritaharju", 20),
                    figure("", 26),
                ]
            )
        )
    )


def test_a_figure_sent_twice_is_rejected(region):
    """A second copy of a cell could show what the first one hides."""
    twice = payload(figures=[figure("kaakkuri", None, hidden=True), figure("kaakkuri", 12)])
    rejected(twice, "more than once")


# --- malformed packages: a reason, never a crash -----------------------------------------------


@pytest.mark.parametrize("version", [2**63, 2**31, -1, 0, 1.5, 1.0, "1", True, None])
def test_version_must_be_a_whole_number_in_range(region, client, version):
    answer = api(client, sealed({**payload(), "version": version}), region)
    assert answer.status_code == 400
    assert "version" in answer.json()["error"]
    assert not Package.objects.exists()


def test_the_largest_version_is_accepted(region):
    services.receive_package(sealed({**payload(), "version": 2**31 - 1}))


def _broken(where):
    data = payload()
    if where == "learning text":
        data["learnings"][0]["text"] = "Yksi \ud800 puhelu"
    elif where == "learning area":
        data["learnings"][0]["area_name"] = "\udfff"
    elif where == "figure note":
        data["figures"][0]["note"] = "note \udc00"
    elif where == "name":
        data["figures"][0]["name"]["sv"] = "\ud83d"
    elif where == "region name":
        data["region"]["name"] = "Oulu \ud800"
    elif where == "key":
        data["figures"][0]["\ud800"] = 1
    elif where == "nul":
        data["learnings"][0]["text"] = "Yksi\x00puhelu"
    return data


TEXTS = ["learning text", "learning area", "figure note", "name", "region name", "key", "nul"]


@pytest.mark.parametrize("where", TEXTS)
def test_text_that_is_not_valid_unicode_is_rejected(region, client, where):
    # ensure_ascii: the JSON carries "\ud800" escapes, which decode to lone surrogates.
    data = json.dumps(_broken(where), ensure_ascii=True).encode()
    raw = seal_bytes(data, REGION_KEY)
    answer = api(client, raw, region)
    assert answer.status_code == 400
    assert "not valid text" in answer.json()["error"]
    assert not Package.objects.exists()


def test_region_code_that_is_not_valid_unicode_is_rejected(region, client):
    data = json.dumps({**payload(), "region": {"code": "oulu\ud800"}}).encode()
    answer = api(client, seal_bytes(data, REGION_KEY), region)
    assert answer.status_code == 400
    assert "not valid text" in answer.json()["error"]


def test_envelope_with_a_lone_surrogate_is_rejected(region, client):
    raw = b'{"format": "arki-learning-package\\ud800", "payload": "", "signature": "x"}'
    assert api(client, raw, region).status_code == 400


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_payload_is_rejected(region, client, depth):
    data = payload()
    nested = b"[" * depth + b"]" * depth
    raw = json.dumps(data).encode()[:-1] + b', "extra": ' + nested + b"}"
    answer = api(client, seal_bytes(raw, REGION_KEY), region)
    assert answer.status_code == 400
    assert "nested" in answer.json()["error"]


def test_deeply_nested_envelope_is_rejected(region, client):
    answer = api(client, b"[" * 100_000 + b"]" * 100_000, region)
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_a_number_too_long_to_read_is_rejected(region, client):
    raw = json.dumps(payload()).encode().replace(b'"version": 1', b'"version": ' + b"9" * 5000)
    answer = api(client, seal_bytes(raw, REGION_KEY), region)
    assert answer.status_code == 400


@pytest.mark.parametrize("value", [10**400, float("inf"), -1], ids=["10^400", "inf", "-1"])
def test_huge_or_negative_values_are_rejected(region, client, value):
    sent = measure("days-to-first-meeting", "days", 0)
    data = json.dumps(payload(figures=[sent])).encode()
    data = data.replace(b'"value": 0', b'"value": ' + str(value).encode().replace(b"inf", b"1e999"))
    answer = api(client, seal_bytes(data, REGION_KEY), region)
    assert answer.status_code == 400
    assert not Package.objects.exists()


@pytest.mark.parametrize(
    ("where", "bad"),
    [
        ("unit", []),
        ("unit", {}),
        ("population", ["children"]),
        ("kind", ["works"]),
        ("name", {"fi": "Avatut", "sv": 5}),
        ("name", {"fi": "Avatut", "en": ["x"]}),
        ("hidden", None),
        ("period", " 2026-10"),
        ("period", "2026-10\n"),
        ("period", "٢٠٢٦-10"),
        ("period", 202610),
        ("created_at", "0001-01-01T00:00:00+14:00"),
        ("created_at", "2026-11-30T12:00:00"),
        ("created_at", 5),
        ("children", 2**63),
        ("children", True),
        ("children", 4000.5),
        ("area", "x" * 41),
        ("programme", "x" * 61),
    ],
)
def test_malformed_fields_are_rejected_with_a_reason(region, client, where, bad):
    data = payload()
    if where == "kind":
        data["learnings"][0]["kind"] = bad
    elif where == "created_at":
        data["created_at"] = bad
    elif where == "children":
        data["populations"][0]["children"] = bad
    else:
        data["figures"][0][where] = bad
    answer = api(client, sealed(data), region)
    assert answer.status_code == 400, answer.content
    assert answer.json()["error"]
    assert not Package.objects.exists()


def test_populations_adding_up_beyond_the_limit_are_rejected(region, client):
    data = payload()
    data["populations"] = [
        {"area": f"area-{n}", "area_name": "Area", "inhabitants": 9_000_000} for n in range(300)
    ]
    answer = api(client, sealed(data), region)
    assert answer.status_code == 400
    assert "population" in answer.json()["error"]


def test_api_refuses_a_body_over_the_limit_with_a_reason(region, client):
    answer = api(client, b" " * (package.MAX_BYTES + 1), region)
    assert answer.status_code == 400
    assert "5 MB" in answer.json()["error"]


def test_api_receives_a_package_larger_than_djangos_default_body_limit(region, client, settings):
    """A package may be up to 5 MB; Django's own 2.5 MB limit for request bodies must not bite."""
    data = payload()
    data["learnings"] = [
        {"kind": "works", "text": "x" * 3900, "area_name": "", "date": "2026-11-01"}
    ] * 600
    raw = sealed(data)
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < len(raw) < package.MAX_BYTES
    assert api(client, raw, region).status_code == 201


# --- the upload form answers in the user's language -------------------------------------------


def test_upload_form_rejects_a_lone_surrogate_in_finnish(region, client, settings):
    settings.LANGUAGE_CODE = "fi"
    client.force_login(user_with_role(Role.LEARNING_NETWORK))
    raw = seal_bytes(json.dumps(_broken("learning text")).encode(), REGION_KEY)
    response = client.post(
        reverse("learning:upload"), {"package": SimpleUploadedFile("x.json", raw)}
    )
    assert response.status_code == 200
    assert "Paketti hylättiin" in response.content.decode()
    assert not Package.objects.exists()


@pytest.mark.parametrize("version", [2**63, -1, 1.5, "1"])
def test_upload_form_rejects_a_bad_version(region, client, settings, version):
    settings.LANGUAGE_CODE = "fi"
    client.force_login(user_with_role(Role.LEARNING_NETWORK))
    raw = sealed({**payload(), "version": version})
    response = client.post(
        reverse("learning:upload"), {"package": SimpleUploadedFile("x.json", raw)}
    )
    assert response.status_code == 200
    assert "Paketti hylättiin" in response.content.decode()
    assert not Package.objects.exists()


# --- issue #17: a figure hidden because of the total is "..", not "<5" ------------------------


def test_a_cell_hidden_to_protect_another_is_shown_as_two_dots_not_less_than_five(region):
    """Before: Tuira's 270, hidden so that Kaakkuri's 3 could not be worked out from the total,
    showed as "<5", so the hub read "<5 + <5 = 273"."""
    from learning.selectors import comparison

    services.receive_package(
        sealed(
            payload(
                figures=[
                    {**figure("kaakkuri", None, hidden=True), "hidden_reason": "small"},
                    {**figure("tuira", None, hidden=True), "hidden_reason": "secondary"},
                    figure("", 273),
                ]
            )
        )
    )
    rows = {row.area_name: row for row in comparison(None, "2026-10").rows}
    assert rows["Kaakkuri"].small and not rows["Tuira"].small
    assert rows["Tuira"].hidden


def test_a_package_without_reasons_shows_no_less_than_five(region):
    """An older sender's hidden cells: the hub cannot tell which were small, so none says "<5"."""
    from learning.selectors import comparison

    services.receive_package(
        sealed(
            payload(
                figures=[
                    figure("kaakkuri", None, hidden=True),
                    figure("tuira", None, hidden=True),
                    figure("", 273),
                ]
            )
        )
    )
    assert not any(row.small for row in comparison(None, "2026-10").rows)


def test_an_unknown_hidden_reason_is_rejected(region):
    odd = payload(figures=[{**figure("kaakkuri", None, hidden=True), "hidden_reason": "x" * 9}])
    rejected(odd, "hidden_reason must be")


def test_the_regions_package_says_why_each_cell_is_hidden(configuration, kaakkuri, tuira, children):
    """The exporter sends the reason the dashboard used: Kaakkuri's 2 is small, and one more
    cell is hidden so that the 2 cannot be worked out from the total."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from indicators.catalogue import load_catalogue
    from indicators.models import Event, EventKind

    load_catalogue()
    for area, n in ((kaakkuri, 2), (tuira, 9)):
        for day in range(1, n + 1):
            Event.objects.create(
                kind=EventKind.CONTACT_RECEIVED,
                occurred_at=datetime(2026, 10, day, 12, tzinfo=ZoneInfo("Europe/Helsinki")),
                area=area,
                programme=children,
            )
    body = services.build_payload(version=1, until=date(2026, 10, 20))
    october = [
        item
        for item in body["figures"]
        if item["indicator"] == "pilot-phone-usage"
        and item["period"] == "2026-10"
        and item["programme"] == children.code
    ]
    reasons = {item["area"]: item["hidden_reason"] for item in october}
    assert reasons["kaakkuri"] == "small"
    assert "secondary" in reasons.values()
    assert all((item["hidden_reason"] != "") == item["hidden"] for item in body["figures"])
    assert {item["hidden_reason"] for item in body["figures"]} <= set(package.HIDDEN_REASONS)
