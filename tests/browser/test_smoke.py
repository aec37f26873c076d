import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_is_accessible_in_finnish(page, accessible):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "fi"
    accessible(page)
    page.get_by_role("link", name="Saavutettavuusseloste").click()
    page.wait_for_url("**/accessibility/")
    accessible(page)
