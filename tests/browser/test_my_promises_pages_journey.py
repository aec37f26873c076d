""" "My promises" a page at a time in the browser (#21): the second page is accessible, and
marking a promise done there returns to it."""

import re

import pytest

from contacts.tests.helpers import professional
from meetings.models import Promise, PromiseStatus
from meetings.tests.test_my_promises import in_networks
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_promise_done_on_the_second_page_returns_to_it(
    page, accessible, kaakkuri, children, monkeypatch, tmp_path
):
    from meetings import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    teacher = professional(email="opettaja@example.fi", full_name="Olli Opettaja")
    in_networks(teacher, kaakkuri, children, [2, 3])  # five promises: pages of 3 and 2
    sign_in(page, teacher)
    page.goto("/meetings/promises/")
    accessible(page)

    page.get_by_role("link", name="Seuraava sivu").click()
    page.wait_for_url(re.compile(r"page=2"))
    accessible(page)
    assert "Sivu 2/2" in page.get_by_role("navigation", name="Sivut").inner_text()
    page.get_by_role("button", name=re.compile("Lupaus 004")).click()

    page.wait_for_url(re.compile(r"/meetings/promises/\?page=2$"))
    assert page.get_by_role("status").or_(page.locator(".messages")).first.is_visible()
    assert "Lupaus 005" in page.locator("table").inner_text()
    assert "Lupaus 004" not in page.locator("table").inner_text()
    assert Promise.objects.get(act="Lupaus 004").status == PromiseStatus.KEPT
    accessible(page)
    page.screenshot(path=str(tmp_path / "my-promises-page-2.png"), full_page=True)
