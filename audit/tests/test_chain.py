"""The logs' hash chain, and the database's own append-only guard on PostgreSQL."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts.tests.factories import UserFactory
from audit import chain
from audit.access import record_access, record_disclosure
from audit.models import AccessLog, Action, DisclosureLog
from core.models import AppendOnlyError

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def write(count=3):
    user = UserFactory()
    return [
        record_access(actor=user, subject=user, action=Action.VIEW, basis="own", success=True)
        for _ in range(count)
    ]


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_sealed_rows_form_an_unbroken_chain():
    rows = write(3)
    assert chain.seal(AccessLog) == 3
    assert chain.seal(AccessLog) == 0  # nothing new
    sealed = list(AccessLog.objects.order_by("seq"))
    assert [row.seq for row in sealed] == [1, 2, 3]
    assert sealed[0].previous_hash == chain.GENESIS
    assert sealed[1].previous_hash == sealed[0].row_hash
    assert {row.pk for row in sealed} == {row.pk for row in rows}
    write(2)
    chain.seal(AccessLog)
    verdict = chain.verify(AccessLog)
    assert verdict.intact and verdict.rows == 5


def test_the_disclosure_log_is_chained_too():
    user = UserFactory()
    record_disclosure(
        actor=user, subject=user, data="memo", recipient="x", channel="download", basis="consent"
    )
    chain.seal(DisclosureLog)
    assert chain.verify(DisclosureLog).intact


def test_the_orm_refuses_changes():
    row = write(1)[0]
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(basis="x")
    with pytest.raises(AppendOnlyError):
        row.delete()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the tampering")
def test_a_changed_row_is_detected():
    rows = write(3)
    chain.seal(AccessLog)
    raw("UPDATE audit_accesslog SET basis = 'coordinator' WHERE id = %s", rows[1].pk)
    verdict = chain.verify(AccessLog)
    assert not verdict.intact and "number 2" in verdict.problem and "changed" in verdict.problem
    with pytest.raises(CommandError, match="Tampering detected"):
        call_command("verify_logs", "--no-seal")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the tampering")
def test_a_removed_row_and_a_cut_tail_are_detected():
    rows = write(4)
    chain.seal(AccessLog)
    raw("DELETE FROM audit_accesslog WHERE id = %s", rows[3].pk)
    assert "removed" in chain.verify(AccessLog).problem
    raw("DELETE FROM audit_accesslog WHERE id = %s", rows[1].pk)
    assert "number 2 is missing" in chain.verify(AccessLog).problem


def test_verify_command_reports_intact_logs(capsys):
    write(2)
    call_command("verify_logs")
    out = capsys.readouterr().out
    assert "sealed 2 new rows" in out and "2 rows intact" in out


@on_postgresql
def test_postgresql_refuses_update_and_delete():
    rows = write(2)
    for sql in (
        "UPDATE audit_accesslog SET basis = 'x' WHERE id = %s",
        "UPDATE audit_accesslog SET basis = 'x', seq = 99 WHERE id = %s",
        "DELETE FROM audit_accesslog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            raw(sql, rows[0].pk)
    # Sealing is the one permitted change; a sealed row cannot be re-sealed.
    chain.seal(AccessLog)
    with pytest.raises(DatabaseError), transaction.atomic():
        raw("UPDATE audit_accesslog SET row_hash = 'x' WHERE id = %s", rows[0].pk)
    assert chain.verify(AccessLog).intact
