"""Sotkanet figures: the recorded formats, the mapping's checks, all or nothing, the upload."""

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.tables import RowError
from directory.models import Area
from indicators import sotkanet
from indicators.catalogue import load_catalogue
from indicators.entry import ConfigurationError
from indicators.models import EnteredValue, EnteredValueChange, Indicator, Provenance
from indicators.sotkanet import import_sotkanet, load_configuration, read_figures

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "sotkanet"
TODAY = date(2026, 12, 3)
# What data.json and data.csv hold for the two mapped municipalities, total of both genders.
EXPECTED = {
    ("child-protection-clients", "kaakkuri", "2023"): Decimal(1702),
    ("child-protection-clients", "muhos", "2023"): Decimal(97),
    ("specialised-care-clients", "kaakkuri", "2023"): Decimal(209),
    ("specialised-care-clients", "muhos", "2023"): Decimal(7),
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(configuration):
    load_catalogue()
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def muhos(db):
    return Area.objects.create(code="muhos", name="Muhos", municipality="Muhos")


@pytest.fixture
def mapping(catalogue, kaakkuri, muhos):
    return load_configuration(FIXTURES / "sotkanet.toml")


@pytest.fixture
def developer(db):
    return user_with_role(Role.DEVELOPER_WORKER, full_name="Kehittäjä Kaisa")


def run(data, *, by, programme, configuration, name="data.json"):
    return import_sotkanet(
        by=by,
        data=data,
        source_name=name,
        programme=programme,
        configuration=configuration,
        today=TODAY,
    )


def saved():
    return {
        (v.indicator.code, v.area.code, v.period): v.value
        for v in EnteredValue.objects.select_related("indicator", "area")
    }


def json_rows(*rows):
    return json.dumps(list(rows)).encode()


def figure(**fields):
    row = {"indicator": 1245, "region": 261, "year": 2023, "gender": "total", "value": 3.9}
    row["absValue"] = 1702
    row.update(fields)
    return {key: value for key, value in row.items() if value is not None}


# --- the recorded files ---


def test_json_and_csv_give_the_same_values_with_sotkanet_as_their_source(
    mapping, developer, children
):
    report = run(
        (FIXTURES / "data.json").read_bytes(),
        by=developer,
        programme=children,
        configuration=mapping,
    )

    assert report.ok, report.errors
    assert (report.created, report.changed, report.unchanged) == (4, 0, 0)
    assert report.skipped == {
        "rows for regions not mapped to an Arki area": 3,  # Helsinki, the region, the country
        "rows by gender (only the total is imported)": 2,
        "rows without a published figure": 1,  # Muhos 2022 has no absValue
    }
    from_json = saved()
    assert from_json == EXPECTED
    value = EnteredValue.objects.get(indicator__code="child-protection-clients", area__code="muhos")
    assert value.programme == children
    assert value.provenance == Provenance.SOTKANET
    assert value.provenance_detail == "Sotkanet 1245 · data.json"
    assert value.period_start == date(2023, 1, 1)
    assert [(c.old_value, c.new_value, c.via) for c in value.changes.all()] == [
        (None, 97, "sotkanet")
    ]

    EnteredValue.objects.all().delete()
    report = run(
        (FIXTURES / "data.csv").read_bytes(),
        by=developer,
        programme=children,
        configuration=mapping,
        name="data.csv",
    )
    assert report.ok, report.errors
    assert report.created == 4
    assert saved() == from_json
    assert (
        EnteredValue.objects.get(
            indicator__code="specialised-care-clients", area__code="kaakkuri"
        ).provenance_detail
        == "Sotkanet 4 · data.csv"
    )


def test_a_newer_file_corrects_a_value_and_names_itself(mapping, developer, children):
    run(
        (FIXTURES / "data.json").read_bytes(),
        by=developer,
        programme=children,
        configuration=mapping,
    )
    corrected = (
        (FIXTURES / "data.csv")
        .read_text()
        .replace("1245;231;2023;total;4.6;97", "1245;231;2023;total;4.7;99")
    )

    report = run(
        corrected.encode(),
        by=developer,
        programme=children,
        configuration=mapping,
        name="sotkanet-2025.csv",
    )

    assert (report.created, report.changed, report.unchanged) == (0, 1, 3)
    value = EnteredValue.objects.get(indicator__code="child-protection-clients", area__code="muhos")
    assert value.value == 99
    assert value.provenance_detail == "Sotkanet 1245 · sotkanet-2025.csv"
    assert [(c.old_value, c.new_value) for c in value.changes.all()] == [(None, 97), (97, 99)]


def test_the_recorded_regions_listing_names_municipalities_by_code(mapping, kaakkuri, muhos):
    assert {m.municipality: (m.area, m.region_name) for m in mapping.areas.values()} == {
        "564": (kaakkuri, "Oulu"),
        "494": (muhos, "Muhos"),
    }
    assert set(mapping.areas) == {261, 231}  # Sotkanet's ids, as the figures name them


# --- all or nothing ---


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [
        (
            {"indicator": 9999},
            "indicator",
            "Sotkanet indicator 9999 is not mapped to Arki's catalogue",
        ),
        ({"indicator": "lastensuojelu"}, "indicator", "not a Sotkanet indicator id"),
        ({"region": "Oulu"}, "region", "not a Sotkanet region id"),
        ({"year": 2027}, "year", "a year in the future"),
        ({"year": "vuosi"}, "year", "not a year"),
        ({"gender": "both"}, "gender", "unknown gender (male, female or total)"),
        ({"absValue": -3}, "absValue", "negative"),
        ({"absValue": 12.5}, "absValue", "not a whole number (this indicator counts)"),
        ({"absValue": "many"}, "absValue", "not a number"),
        ({"absValue": True}, "absValue", "not a number"),
        ({"year": None}, "year", "missing value"),
    ],
)
def test_one_bad_row_stops_the_whole_import(mapping, developer, children, bad, column, reason):
    data = json_rows(figure(region=231), figure(**bad))

    report = run(data, by=developer, programme=children, configuration=mapping)

    assert report.errors == [RowError(2, column, reason)]
    assert EnteredValue.objects.count() == 0
    assert EnteredValueChange.objects.count() == 0


def test_csv_problems_name_the_spreadsheet_row_and_the_csv_column(mapping, developer, children):
    content = (FIXTURES / "data.csv").read_text() + "1245;231;2021;total;4.0;-5\n"
    report = run(
        content.encode(), by=developer, programme=children, configuration=mapping, name="data.csv"
    )
    assert report.errors == [RowError(12, "absolute value", "negative")]
    assert EnteredValue.objects.count() == 0


def test_a_repeated_figure_is_an_error(mapping, developer, children):
    report = run(
        json_rows(figure(), figure(absValue=1703)),
        by=developer,
        programme=children,
        configuration=mapping,
    )
    assert report.errors == [RowError(2, "indicator", "duplicate of row 1")]
    assert EnteredValue.objects.count() == 0


def test_bad_figures_in_left_out_rows_are_not_errors(mapping, developer, children):
    data = json_rows(
        figure(),
        figure(region=46, absValue="secret"),  # Helsinki: not mapped
        figure(gender="male", absValue=-1),  # by gender: not imported
    )
    report = run(data, by=developer, programme=children, configuration=mapping)
    assert report.ok
    assert report.created == 1
    assert sum(report.skipped.values()) == 2


def test_a_figure_of_another_programmes_indicator_is_refused(
    catalogue, kaakkuri, muhos, developer, children, working_age
):
    Indicator.objects.filter(code="child-protection-clients").update(programme=working_age)
    mapping = load_configuration(FIXTURES / "sotkanet.toml")
    report = run(json_rows(figure()), by=developer, programme=children, configuration=mapping)
    assert report.errors == [
        RowError(1, "indicator", "the indicator does not belong to this programme")
    ]
    assert EnteredValue.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
        (b"", "The file is empty."),
        (b'[{"indicator": 1245,', "could not be read as JSON"),
        (b'{"indicator": 1245}', "not a list of Sotkanet figures"),
        ((FIXTURES / "regions.json").read_bytes(), "is it the regions listing?"),
    ],
)
def test_an_unreadable_file_is_a_clear_error(data, message):
    with pytest.raises(ValueError, match=message):
        read_figures(data)


def test_a_csv_without_the_figure_columns_is_refused(mapping, developer, children):
    report = run(
        b"alue;vuosi;arvo\nOulu;2023;3,9\n",
        by=developer,
        programme=children,
        configuration=mapping,
        name="taulukko.csv",
    )
    assert report.errors == [
        RowError(1, "indicator", "missing column"),
        RowError(1, "region", "missing column"),
        RowError(1, "year", "missing column"),
        RowError(1, "gender", "missing column"),
        RowError(1, "primary value", "missing column"),
    ]


def test_a_list_item_that_is_not_a_figure_is_a_row_error(mapping, developer, children):
    report = run(
        b'[{"indicator": 1245, "region": 261, "year": 2023, "gender": "total"}, 7]',
        by=developer,
        programme=children,
        configuration=mapping,
    )
    assert report.errors == [RowError(2, "", "not a Sotkanet figure")]


# --- the configuration ---


def write_configuration(tmp_path, text):
    shutil.copy(FIXTURES / "regions.json", tmp_path / "regions.json")
    path = tmp_path / "sotkanet.toml"
    path.write_text('regions = "regions.json"\n' + text, encoding="utf-8")
    return path


GOOD_INDICATOR = """
[[indicator]]
sotkanet = 1245
catalogue = "child-protection-clients"
field = "absValue"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[indicator]]\nsotkanet = 3000\ncatalogue = "shl-clients"\nfield = "value"\n',
            "Sotkanet's yearly figures go only to yearly indicators",
        ),
        (
            '[[indicator]]\nsotkanet = 3000\ncatalogue = "pilot-phone-usage"\nfield = "value"\n',
            "computed by Arki",
        ),
        (
            '[[indicator]]\nsotkanet = 3000\ncatalogue = "no-such"\nfield = "value"\n',
            "unknown indicator 'no-such'",
        ),
        (
            '[[indicator]]\nsotkanet = 3000\ncatalogue = "child-protection-clients"\nfield = "sum"\n',
            "field: expected absValue or value",
        ),
        (
            '[[indicator]]\nsotkanet = "1245"\ncatalogue = "child-protection-clients"\n'
            'field = "absValue"\n',
            "give Sotkanet's indicator id as a number",
        ),
        (GOOD_INDICATOR * 2, "mapped twice"),
        (
            GOOD_INDICATOR + GOOD_INDICATOR.replace("1245", "1246"),
            "child-protection-clients already takes Sotkanet indicator 1245",
        ),
        (GOOD_INDICATOR + '[areas]\natlantis = "564"\n', "atlantis: no such area in Arki"),
        (GOOD_INDICATOR + "[areas]\nkaakkuri = 564\n", "three digits in quotes"),
        (GOOD_INDICATOR + '[areas]\nkaakkuri = "999"\n', "999 is not in the Sotkanet regions"),
        (
            GOOD_INDICATOR + '[areas]\nkaakkuri = "564"\ntuira = "564"\n',
            "municipality 564 is already mapped to kaakkuri",
        ),
        (GOOD_INDICATOR + '[areas]\nkaakkuri = "17"\n', "three digits"),  # a region's code
        (GOOD_INDICATOR + "colour = 'blue'\n", "unknown keys colour"),
        ("[[indicator]\n", "cannot be read"),
    ],
)
def test_configuration_problems_are_named(catalogue, kaakkuri, tuira, tmp_path, text, message):
    path = write_configuration(tmp_path, text)
    with pytest.raises(ConfigurationError) as caught:
        load_configuration(path)
    assert message in "\n".join(caught.value.problems)


def test_every_configuration_problem_is_named_at_once(catalogue, kaakkuri, tmp_path):
    text = GOOD_INDICATOR.replace("absValue", "sum") + '[areas]\nkaakkuri = "999"\n'
    with pytest.raises(ConfigurationError) as caught:
        load_configuration(write_configuration(tmp_path, text))
    assert len(caught.value.problems) == 2


def test_a_municipality_needs_the_regions_listing(catalogue, kaakkuri, tmp_path):
    path = tmp_path / "sotkanet.toml"
    path.write_text(GOOD_INDICATOR + '[areas]\nkaakkuri = "564"\n')
    with pytest.raises(ConfigurationError, match="regions listing"):
        load_configuration(path)
    path.write_text('regions = "missing.json"\n' + GOOD_INDICATOR + '[areas]\nkaakkuri = "564"\n')
    with pytest.raises(ConfigurationError, match=r"missing\.json cannot be read"):
        load_configuration(path)


def test_the_shipped_configuration_fits_the_catalogue(catalogue):
    shipped = load_configuration()
    assert {m.sotkanet_id: m.indicator.code for m in shipped.indicators.values()} == {
        1245: "child-protection-clients",
        4: "specialised-care-clients",
    }
    assert all(m.indicator.cadence == "yearly" for m in shipped.indicators.values())
    assert shipped.areas == {}  # the seeds' areas are parts of Oulu, not whole municipalities


def test_the_shipped_regions_listing_is_sotkanets_municipalities():
    listing = json.loads((Path(sotkanet.DATA_FILE).parent / "sotkanet-regions.json").read_text())
    codes = {region["code"]: region["id"] for region in listing}
    assert {region["category"] for region in listing} == {"KUNTA"}
    assert codes["564"] == 261 and codes["091"] == 46


def test_without_mapped_areas_there_is_nothing_to_import(catalogue, developer, children):
    with pytest.raises(ConfigurationError, match="No Arki area is mapped"):
        import_sotkanet(
            by=developer,
            data=(FIXTURES / "data.json").read_bytes(),
            source_name="data.json",
            programme=children,
        )


# --- the upload page and the command ---


@pytest.fixture
def fixture_mapping(monkeypatch, mapping):
    monkeypatch.setattr(sotkanet, "DATA_FILE", FIXTURES / "sotkanet.toml")
    return mapping


@pytest.fixture
def signed_in(client, developer):
    client.force_login(developer)
    return client


def post(client, name, content, **fields):
    return client.post(
        reverse("indicator_entry:import"),
        {"kind": "sotkanet", "file": SimpleUploadedFile(name, content), **fields},
    )


def test_the_upload_shows_the_report(signed_in, fixture_mapping, children):
    page = signed_in.get(reverse("indicator_entry:import")).content.decode()
    assert "Oulu (564)" in page  # the areas mapped, shown before the upload

    response = post(
        signed_in, "data.json", (FIXTURES / "data.json").read_bytes(), programme=children.pk
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and report.created == 4
    with translation.override("fi"):
        left_out = translation.gettext("rows by gender (only the total is imported)")
    assert f"{left_out}: 2" in response.content.decode()
    assert saved() == EXPECTED


def test_the_upload_shows_row_problems_and_saves_nothing(signed_in, fixture_mapping, children):
    data = json_rows(figure(), figure(region=231, absValue=-1))
    response = post(signed_in, "data.json", data, programme=children.pk)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">2</th><td>absValue</td>' in page
    assert EnteredValue.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("data.json", bytes(range(256)) * 4),
        ("data.csv", b"\xff\xfe\x00garbage"),
        ("data.json", b"{{{{"),
        ("data.json", b"[" * 100_000),  # nested too deep for the parser
        ("data.xlsx", b"PK\x03\x04"),
    ],
)
def test_garbage_is_a_file_error_not_a_crash(signed_in, fixture_mapping, children, name, content):
    response = post(signed_in, name, content, programme=children.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


def test_the_programme_must_be_chosen(signed_in, fixture_mapping):
    response = post(signed_in, "data.json", (FIXTURES / "data.json").read_bytes())
    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    assert EnteredValue.objects.count() == 0


def test_a_broken_configuration_is_shown_not_a_crash(
    signed_in, catalogue, children, monkeypatch, tmp_path, settings
):
    settings.LANGUAGE_CODE = "en"
    broken = write_configuration(tmp_path, GOOD_INDICATOR + '[areas]\natlantis = "564"\n')
    monkeypatch.setattr(sotkanet, "DATA_FILE", broken)
    assert signed_in.get(reverse("indicator_entry:import")).status_code == 200

    response = post(
        signed_in, "data.json", (FIXTURES / "data.json").read_bytes(), programme=children.pk
    )

    assert response.status_code == 200
    assert any(
        "no such area in Arki" in error for error in response.context["form"].non_field_errors()
    )
    assert EnteredValue.objects.count() == 0


def test_a_coordinator_cannot_import(client, fixture_mapping, children):
    client.force_login(user_with_role(Role.COORDINATOR))
    response = post(
        client, "data.json", (FIXTURES / "data.json").read_bytes(), programme=children.pk
    )
    assert response.status_code == 403
    assert EnteredValue.objects.count() == 0


def test_the_operators_command(mapping, developer, children):
    arguments = ["--programme", "children-families", "--user", developer.email]
    arguments += ["--configuration", str(FIXTURES / "sotkanet.toml")]
    call_command("import_sotkanet", str(FIXTURES / "data.csv"), *arguments)
    assert saved() == EXPECTED
    assert EnteredValue.objects.filter(provenance=Provenance.SOTKANET).count() == 4

    with pytest.raises(CommandError, match="regions listing"):
        bad = FIXTURES / "regions.json"  # not figures
        call_command("import_sotkanet", str(bad), *arguments)
    with pytest.raises(CommandError, match="No active user"):
        call_command(
            "import_sotkanet",
            str(FIXTURES / "data.csv"),
            "--programme",
            "children-families",
            "--user",
            "nobody@example.fi",
        )
