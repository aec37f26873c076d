"""Journey: a developer worker imports figures from another register.

A file with two bad rows is refused with a report (rows and reasons) and nothing is stored;
the corrected file is imported; a value is then corrected in the form and the history shows it.
Elements are found by role and structure, so the journey holds whatever the UI language.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.tables import read_table
from indicators.catalogue import load_catalogue
from indicators.entry import import_values
from indicators.models import EnteredValue, EnteredValueChange
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "indicator;area;programme;period;value"
GOOD = [
    "child-protection-clients;kaakkuri;children-families;2025;31",
    "child-protection-clients;tuira;children-families;2025;44",
    "student-welfare-groups;kaakkuri;children-families;2025Q4;6",
]
BAD = [
    GOOD[0],
    "pilot-phone-usage;kaakkuri;children-families;2025-03;4",  # computed: cannot be imported
    GOOD[2].replace(";6", ";-6"),  # negative
]


@pytest.fixture
def developer(configuration, kaakkuri, tuira):
    load_catalogue()
    return user_with_role(Role.DEVELOPER_WORKER, full_name="Kehittäjä Kaisa")


def write_csv(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def upload(page, path):
    page.locator("main input[type=file]").set_input_files(path)
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_load_state()


def report_rows(page):
    rows = page.locator("main table").first.locator("tbody tr")
    return [
        tuple(cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts())
        for i in range(rows.count())
    ]


def test_a_file_with_bad_rows_is_refused_and_the_corrected_file_is_imported(
    page, accessible, developer, tmp_path
):
    sign_in(page, developer)
    page.goto("/indicators/entry/import/")
    page.get_by_role("heading", level=1).wait_for()
    accessible(page)

    bad = write_csv(tmp_path, "arvot.csv", BAD)
    upload(page, bad)
    page.get_by_role("alert").wait_for()
    accessible(page)
    with translation.override("fi"):
        # The service, asked directly, says what the page must show (and writes nothing).
        expected = import_values(
            by=developer, rows=read_table(SimpleUploadedFile(bad.name, bad.read_bytes()))
        ).errors
    assert [(e.row, e.column) for e in expected] == [(3, "indicator"), (4, "value")]
    assert report_rows(page) == [(str(e.row), e.column, e.reason) for e in expected]
    assert EnteredValue.objects.count() == 0

    upload(page, write_csv(tmp_path, "arvot-korjattu.csv", GOOD))
    page.locator("main dl").wait_for()
    accessible(page)
    counts = [text.strip() for text in page.locator("main dl dd").all_inner_texts()]
    assert counts == ["3", "0", "0"]  # created, changed, unchanged
    assert page.get_by_role("alert").count() == 0
    assert EnteredValue.objects.count() == 3
    assert set(EnteredValueChange.objects.values_list("via", flat=True)) == {"import"}


def test_the_template_downloads_and_a_value_is_corrected_in_the_form(
    page, accessible, developer, kaakkuri
):
    sign_in(page, developer)
    page.goto("/indicators/entry/import/")
    with page.expect_download() as download:
        page.locator("main a[download]").click()
    lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 2

    page.goto("/indicators/entry/")
    accessible(page)
    page.locator("main select[name=area]").select_option(label="Kaakkuri")
    page.locator("main select[name=programme]").select_option(index=0)
    page.locator("main input[name=period]").fill("2025")
    page.locator("main form[method=get] button[type=submit]").click()
    field = page.locator("main input[name=child-protection-clients]")
    field.wait_for()
    accessible(page)

    for value in ("31", "29"):
        page.locator("main input[name=child-protection-clients]").fill(value)
        page.locator("main form[method=post] button[type=submit]").click()
        page.get_by_role("status").wait_for()
        accessible(page)

    assert page.locator("main input[name=child-protection-clients]").input_value() == "29"
    history = page.locator("main table tbody tr")
    assert history.count() == 2
    newest = [cell.strip() for cell in history.first.locator("th, td").all_inner_texts()]
    assert newest[1] == "Kehittäjä Kaisa"
    assert newest[3:5] == ["31", "29"]
    saved = EnteredValue.objects.get()
    assert [(c.old_value, c.new_value) for c in saved.changes.all()] == [(None, 31), (31, 29)]
