"""The database's own guard of the logs: TRUNCATE, forged seals and the chain head (#14, hole 8).

Most of the guard is PostgreSQL triggers; the sealer's tolerance of a forged row is tested on
every database.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.tests.factories import UserFactory
from audit import chain
from audit.access import record_access
from audit.models import AccessLog, Action, ChainHead, LogCheckpoint

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)
GENESIS = "0" * 64
FORGED = "f" * 64


def write(count=3):
    user = UserFactory()
    return [
        record_access(actor=user, subject=user, action=Action.VIEW, basis="own", success=True)
        for _ in range(count)
    ]


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused(sql, *params):
    with pytest.raises(DatabaseError), transaction.atomic():
        raw(sql, *params)


def settle_foreign_keys():
    # Deferred foreign-key checks of the rows just written would make TRUNCATE refuse on its own.
    raw("SET CONSTRAINTS ALL IMMEDIATE")


def head():
    return ChainHead.objects.get(log="audit.accesslog")


@on_postgresql
@pytest.mark.parametrize(
    "table", ["audit_accesslog", "audit_disclosurelog", "audit_chainhead", "audit_logcheckpoint"]
)
def test_postgresql_refuses_truncate(table):
    write(2)
    chain.seal(AccessLog)
    settle_foreign_keys()
    refused(f"TRUNCATE {table}")
    refused(f"TRUNCATE {table} CASCADE")
    assert AccessLog.objects.count() == 2 and chain.verify(AccessLog).intact


@on_postgresql
def test_postgresql_refuses_truncate_through_a_cascade_from_the_users():
    write(1)
    settle_foreign_keys()
    refused("TRUNCATE accounts_user CASCADE")
    assert AccessLog.objects.count() == 1


@on_postgresql
def test_postgresql_refuses_rows_inserted_already_sealed():
    user = UserFactory()
    insert = (
        "INSERT INTO audit_accesslog (at, actor_id, actor_label, subject_type, subject_id, action,"
        " basis, view_name, success, request_id, seq, previous_hash, row_hash)"
        " VALUES (now(), %s, '', 'accounts.user', '1', 'view', 'own', '', true, '', %s, %s, %s)"
    )
    refused(insert, user.pk, 1, GENESIS, FORGED)
    refused(insert, user.pk, None, GENESIS, FORGED)
    raw(insert, user.pk, None, "", "")  # the ordinary unsealed row
    assert chain.seal(AccessLog) == 1 and chain.verify(AccessLog).intact


@on_postgresql
def test_postgresql_refuses_a_forged_seal_that_does_not_continue_the_chain():
    write(3)
    chain.seal(AccessLog)
    extra = write(2)
    # Numbers past the head, a number taken by nobody yet but not the next, a wrong previous hash.
    refused(
        "UPDATE audit_accesslog SET seq = 99, previous_hash = %s, row_hash = %s WHERE id = %s",
        head().last_hash,
        FORGED,
        extra[0].pk,
    )
    refused(
        "UPDATE audit_accesslog SET seq = 5, previous_hash = %s, row_hash = %s WHERE id = %s",
        head().last_hash,
        FORGED,
        extra[1].pk,
    )
    refused(
        "UPDATE audit_accesslog SET seq = 4, previous_hash = %s, row_hash = %s WHERE id = %s",
        GENESIS,
        FORGED,
        extra[0].pk,
    )
    refused("UPDATE audit_accesslog SET seq = 4 WHERE id = %s", extra[0].pk)
    # Sealing still works and the chain is whole.
    assert chain.seal(AccessLog) == 2
    verdict = chain.verify(AccessLog)
    assert verdict.intact and verdict.rows == 5


@on_postgresql
def test_a_forged_seal_that_continues_the_chain_is_detected_and_sealing_goes_on():
    write(2)
    chain.seal(AccessLog)
    forged, *_rest = write(3)
    raw(
        "UPDATE audit_accesslog SET seq = 3, previous_hash = %s, row_hash = %s WHERE id = %s",
        head().last_hash,
        FORGED,
        forged.pk,
    )
    assert (head().last_seq, head().last_hash) == (3, FORGED)  # the head moved with the row
    assert chain.seal(AccessLog) == 2  # never fails for good
    verdict = chain.verify(AccessLog)
    assert not verdict.intact and "3" in verdict.problem


@on_postgresql
def test_postgresql_protects_the_chain_head():
    write(2)
    chain.seal(AccessLog)
    before = head()
    refused("DELETE FROM audit_chainhead WHERE log = 'audit.accesslog'")
    refused("UPDATE audit_chainhead SET last_seq = 0, last_hash = %s", GENESIS)
    refused("UPDATE audit_chainhead SET last_seq = 1 WHERE log = 'audit.accesslog'")
    refused("UPDATE audit_chainhead SET last_seq = 9, last_hash = %s", FORGED)
    refused("UPDATE audit_chainhead SET last_hash = %s", FORGED)
    refused("UPDATE audit_chainhead SET log = 'audit.other'")
    refused(
        "INSERT INTO audit_chainhead (log, last_seq, last_hash) VALUES ('audit.other', 5, %s)",
        FORGED,
    )
    after = head()
    assert (after.last_seq, after.last_hash) == (before.last_seq, before.last_hash)
    assert after.last_seq == 2
    assert chain.verify(AccessLog).intact


@on_postgresql
def test_postgresql_keeps_checkpoint_copies_append_only():
    LogCheckpoint.objects.create(
        log="audit.accesslog",
        last_seq=0,
        last_hash=GENESIS,
        signed_at="2026-12-01T00:00:00Z",
        file_name="x",
        line="{}",
    )
    refused("UPDATE audit_logcheckpoint SET last_seq = 5")
    refused("DELETE FROM audit_logcheckpoint")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the forgery")
def test_the_sealer_reseals_a_row_with_forged_seal_columns_instead_of_failing_for_good(caplog):
    write(2)
    chain.seal(AccessLog)
    forged, *_rest = write(3)
    # A number the sealer would give the next row, and one far ahead.
    raw(
        "UPDATE audit_accesslog SET seq = 4, previous_hash = %s, row_hash = %s WHERE id = %s",
        GENESIS,
        FORGED,
        forged.pk,
    )
    assert chain.seal(AccessLog) == 3
    assert chain.verify(AccessLog).intact
    assert "forged" in caplog.text
    later = write(1)[0]
    raw("UPDATE audit_accesslog SET seq = 1000, row_hash = %s WHERE id = %s", FORGED, later.pk)
    assert chain.seal(AccessLog) == 1
    verdict = chain.verify(AccessLog)
    assert verdict.intact and verdict.rows == 6
