"""The versioned configuration files load, load again without changes, and are checked first."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership, User
from audit.roles import Role
from directory.models import Sector
from operations.configuration import load_configuration
from programmes.models import (
    AgeBand,
    ConcernCategory,
    LifeArea,
    ParticipantKind,
    Programme,
    ProgrammeRole,
)
from programmes.services import DATA_DIR, ConfigurationError

pytestmark = pytest.mark.django_db

MODELS = [Sector, Programme, LifeArea, ParticipantKind, ProgrammeRole, ConcernCategory, AgeBand]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the shipped files to break or change."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit(path, old, new, count=1):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


def test_the_shipped_configuration_loads():
    report = load_configuration()

    assert 6 <= Sector.objects.count() <= 9
    assert Sector.objects.filter(name_fi="Sivistys- ja kulttuuripalvelut").exists()
    children = Programme.objects.get(code="children-families")
    working_age = Programme.objects.get(code="working-age")
    assert children.common_goal_fi == "lapsen toimiva arki"
    assert children.common_goal_sv == "barnets fungerande vardag"
    assert children.common_goal_en == "the child's functioning everyday life"
    assert {children.method_name_fi, children.method_name_sv, children.method_name_en} == {
        "Lapset puheeksi (LP)"
    }
    assert working_age.method_name_fi == "Työkyky ja työllistyminen puheeksi"
    for programme in (children, working_age):
        assert programme.convening_deadline_days == 14
        assert programme.convening_warning_day == 10
        assert (
            programme.config_version == report.versions[f"{programme.code.replace('-', '_')}.toml"]
        )
    assert list(children.life_areas.values_list("code", flat=True)) == [
        "home",
        "daycare-school",
        "free-time-friends",
    ]
    assert working_age.life_areas.count() == 6
    assert set(working_age.roles.values_list("code", flat=True)) == {
        "customer-coordinator",
        "work-ability-coordinator",
        "own-worker",
        "work-ability-team-member",
    }
    assert children.participant_kinds.get(code="everyday-adult").is_family
    assert not children.participant_kinds.get(code="professional").is_family
    assert children.age_bands.get(code="18-24").name_en == "Young adults, 18–24 years"


def test_every_name_is_in_finnish_swedish_and_english():
    load_configuration()
    for model in MODELS:
        for row in model.objects.all():
            for language in ("fi", "sv", "en"):
                assert getattr(row, f"name_{language}"), (model.__name__, row.code, language)
    for role in ProgrammeRole.objects.all():
        assert role.description_fi and role.description_sv and role.description_en


def test_a_second_load_creates_and_changes_nothing():
    load_configuration()
    before = counts()

    report = load_configuration()

    assert counts() == before
    assert report.created == 0
    assert report.changed == 0
    assert "Configuration up to date." in report.summary_lines()


def test_the_files_win_over_edits_made_in_the_database():
    load_configuration()
    LifeArea.objects.filter(code="home").update(name_fi="Kotona")

    report = load_configuration()

    assert LifeArea.objects.get(programme__code="children-families", code="home").name_fi == "Koti"
    assert report.tallies["life areas"].updated == 1


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        ("children_families.toml", 'version = "2026.1"\n', "", "version"),
        ("working_age.toml", "[common_goal]", "[common_goals]", "common_goal"),
        ("working_age.toml", "order = 20\n", "order = 20\ncolour = 'blue'\n", "colour"),
        (
            "children_families.toml",
            'code = "daycare-school"',
            'code = "home"',
            "life_areas[2].code",
        ),
        ("sectors.toml", 'code = "employment"', 'code = "social-health"', "sectors[3].code"),
        (
            "children_families.toml",
            "convening_deadline_days = 14",
            "convening_deadline_days = 0",
            "convening_deadline_days",
        ),
        (
            "working_age.toml",
            "convening_warning_day = 10",
            "convening_warning_day = 14",
            "convening_warning_day",
        ),
        ("working_age.toml", 'sv = "Arbetsförmåga", ', "", "life_areas[1].name.sv"),
        ("children_families.toml", "is_family = true", 'is_family = "yes"', "is_family"),
        ("children_families.toml", 'code = "other"', 'code = "Muu huoli"', "code"),
        ("sectors.toml", "[[sectors]]", "[[sectors]", "(syntax)"),
    ],
)
def test_a_broken_file_is_rejected_by_file_and_key_and_nothing_is_written(
    data_dir, file, old, new, key
):
    edit(data_dir / file, old, new)

    with pytest.raises(ConfigurationError) as raised:
        load_configuration(data_dir)

    message = str(raised.value)
    assert f"{file}: " in message
    assert key in message
    assert any(problem.file == file for problem in raised.value.problems)
    assert all(count == 0 for count in counts().values())


def test_a_broken_file_leaves_an_earlier_load_untouched(data_dir):
    load_configuration()
    before = counts()
    edit(data_dir / "sectors.toml", "Erikoissairaanhoito", "Erikoissairaanhoito (muutettu)")
    edit(
        data_dir / "working_age.toml",
        "convening_deadline_days = 14",
        "convening_deadline_days = -1",
    )

    with pytest.raises(ConfigurationError):
        load_configuration(data_dir)

    assert counts() == before
    assert Sector.objects.get(code="specialised-health-care").name_fi == "Erikoissairaanhoito"


def test_removed_items_are_marked_not_in_use_and_come_back_when_restored(data_dir):
    load_configuration(data_dir)
    original = (data_dir / "children_families.toml").read_text()
    edit(
        data_dir / "children_families.toml",
        '[[life_areas]]\ncode = "free-time-friends"\n'
        'name = { fi = "Vapaa-aika ja kaverit", sv = "Fritid och vänner", '
        'en = "Free time and friends" }\n',
        "",
    )
    edit(data_dir / "children_families.toml", 'version = "2026.1"', 'version = "2025.4"')

    report = load_configuration(data_dir)

    free_time = LifeArea.objects.get(programme__code="children-families", code="free-time-friends")
    assert not free_time.is_active
    assert LifeArea.objects.filter(programme__code="children-families", is_active=True).count() == 2
    assert report.tallies["life areas"].deactivated == 1
    assert Programme.objects.get(code="children-families").config_version == "2025.4"

    (data_dir / "children_families.toml").write_text(original)
    load_configuration(data_dir)
    free_time.refresh_from_db()
    assert free_time.is_active


def test_a_programme_whose_file_is_removed_is_marked_not_in_use(data_dir):
    load_configuration(data_dir)
    (data_dir / "working_age.toml").unlink()

    load_configuration(data_dir)

    assert not Programme.objects.get(code="working-age").is_active
    assert Programme.objects.get(code="children-families").is_active


def test_a_programme_made_in_the_admin_is_not_touched():
    Programme.objects.create(code="pilot", name_fi="Kokeilu", common_goal_fi="arki")
    load_configuration()
    assert Programme.objects.get(code="pilot").is_active


def test_the_command_prints_a_summary():
    out = StringIO()
    call_command("load_configuration", stdout=out)
    assert "children_families.toml version 2026.1" in out.getvalue()
    assert "Configuration loaded." in out.getvalue()


def test_the_command_names_the_broken_file_and_key(data_dir):
    edit(data_dir / "working_age.toml", "convening_warning_day = 10", "convening_warning_day = 20")
    with pytest.raises(CommandError, match=r"working_age\.toml: convening_warning_day"):
        call_command("load_configuration", "--data-dir", str(data_dir))
    assert Programme.objects.count() == 0


def test_administrators_edit_programmes_with_their_items_in_the_admin(client):
    load_configuration()
    admin = User.objects.create_user("admin@example.fi", "x" * 16, full_name="Admin")
    Membership.objects.create(user=admin, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    programme = Programme.objects.get(code="children-families")

    listing = client.get(reverse("admin:programmes_programme_changelist"))
    page = client.get(reverse("admin:programmes_programme_change", args=[programme.pk]))

    assert listing.status_code == 200
    assert page.status_code == 200
    content = page.content.decode()
    assert "Lapset puheeksi (LP)" in content
    assert "free-time-friends" in content
    assert "Arjen tärkeä aikuinen" in content


def test_the_working_age_programme_in_the_admin_in_swedish(client):
    """Issue #18: the administration in Finnish and Swedish; #16: the programme's own settings."""
    load_configuration()
    admin = User.objects.create_user("admin@example.fi", "x" * 16, full_name="Admin")
    Membership.objects.create(user=admin, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    client.cookies["django_language"] = "sv"
    programme = Programme.objects.get(code="working-age")

    page = client.get(
        reverse("admin:programmes_programme_change", args=[programme.pk]),
        HTTP_ACCEPT_LANGUAGE="sv",
    )

    content = page.content.decode()
    assert page.status_code == 200
    assert 'lang="sv"' in content
    assert "Fortsatta vägar vid avslutningen" in content  # the outcomes' inline, in Swedish
    assert "Eläkeselvittely" in content  # an outcome, as configured
    assert "Oma arvio työkyvystä tänään (0–10)" in content


def test_two_files_with_the_same_programme_code_are_rejected(data_dir):
    shutil.copy(data_dir / "working_age.toml", data_dir / "working_age_copy.toml")
    with pytest.raises(ConfigurationError, match=r"working_age_copy\.toml: code: duplicate"):
        load_configuration(data_dir)
    assert Programme.objects.count() == 0


def test_a_missing_sectors_file_is_named(data_dir):
    (data_dir / "sectors.toml").unlink()
    with pytest.raises(ConfigurationError, match=r"sectors\.toml: \(file\): not found"):
        load_configuration(data_dir)
    assert Programme.objects.count() == 0


def test_the_shipped_retention_periods_follow_the_client_data_act():
    load_configuration()
    # Act 703/2023, appendix: families-with-children services 30 years, working-age 10 years.
    assert Programme.objects.get(code="children-families").retention_years == 30
    assert Programme.objects.get(code="working-age").retention_years == 10


def test_a_programme_without_retention_years_keeps_its_data_twelve_years(data_dir):
    edit(data_dir / "working_age.toml", "retention_years = 10\n", "")
    load_configuration(data_dir)
    assert Programme.objects.get(code="working-age").retention_years == 12


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "between 1 and 150, got 0"),
        ("151", "between 1 and 150, got 151"),
        ("-5", "between 1 and 150, got -5"),
        ("12.5", "whole number"),
        ('"12"', "whole number"),
        ("true", "whole number"),
    ],
)
def test_a_bad_retention_period_is_rejected(data_dir, value, message):
    edit(data_dir / "children_families.toml", "retention_years = 30", f"retention_years = {value}")

    with pytest.raises(ConfigurationError) as raised:
        load_configuration(data_dir)

    assert "children_families.toml: retention_years: " in str(raised.value)
    assert message in str(raised.value)
    assert Programme.objects.count() == 0


def test_administrators_see_the_retention_period_in_the_admin(client):
    load_configuration()
    admin = User.objects.create_user("admin@example.fi", "x" * 16, full_name="Admin")
    Membership.objects.create(user=admin, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    programme = Programme.objects.get(code="children-families")

    page = client.get(reverse("admin:programmes_programme_change", args=[programme.pk]))

    assert 'name="retention_years"' in page.content.decode()
    assert 'value="30"' in page.content.decode()
