"""Signed checkpoints of the logs' chain heads, outside the database (#14, hole 8).

A log rewritten and re-chained whole passes the chain check; only checkpoints taken before the
rewrite reveal it. On PostgreSQL the rewrite needs a superuser in replica mode (the triggers).
"""

import base64
import json
import shutil
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from nacl.signing import SigningKey, VerifyKey

from accounts.tests.factories import UserFactory, user_with_role
from audit import chain, checkpoints
from audit.access import record_access
from audit.models import AccessLog, Action, ChainHead, LogCheckpoint
from audit.roles import Role
from audit.tasks import checkpoint_logs

pytestmark = pytest.mark.django_db


def write(count=3):
    user = UserFactory()
    return [
        record_access(actor=user, subject=user, action=Action.VIEW, basis="own", success=True)
        for _ in range(count)
    ]


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def as_a_superuser_past_the_triggers():
    # What an attacker with full database rights does first on PostgreSQL; SQLite has no triggers.
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw("SET LOCAL session_replication_role = replica")


def rewrite_and_rechain(change):
    """Change rows as an attacker would, then compute a fresh chain and head that verify."""
    as_a_superuser_past_the_triggers()
    change()
    previous, number = chain.GENESIS, 0
    for row in AccessLog._base_manager.order_by("pk"):
        number += 1
        row.seq, row.previous_hash = number, previous
        row.row_hash = chain.digest(previous, row)
        raw(
            "UPDATE audit_accesslog SET seq = %s, previous_hash = %s, row_hash = %s WHERE id = %s",
            row.seq,
            row.previous_hash,
            row.row_hash,
            row.pk,
        )
        previous = row.row_hash
    raw(
        "UPDATE audit_chainhead SET last_seq = %s, last_hash = %s WHERE log = 'audit.accesslog'",
        number,
        previous,
    )


def checkpoint_files(settings):
    return sorted(settings.ARKI_CHECKPOINT_DIR.glob("arki-checkpoints-*.jsonl"))


def test_a_checkpoint_is_a_signed_line_per_log_in_a_new_file(settings):
    write(3)
    written = checkpoints.write_checkpoints()
    [path] = checkpoint_files(settings)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["log"] for line in lines] == ["audit.accesslog", "audit.disclosurelog"]
    access = lines[0]
    head = ChainHead.objects.get(log="audit.accesslog")
    assert (access["last_seq"], access["last_hash"]) == (3, head.last_hash)
    assert access["sealed_at"] and access["signed_at"]
    # Anyone with the public key can check a line with nothing but the line.
    signed = {name: access[name] for name in checkpoints.SIGNED_FIELDS}
    VerifyKey(base64.b64decode(access["key"])).verify(
        json.dumps(signed, sort_keys=True, separators=(",", ":")).encode(),
        base64.b64decode(access["signature"]),
    )
    assert [copy.line for copy in written] == path.read_text().splitlines()
    assert LogCheckpoint.objects.count() == 2
    verdicts = checkpoints.verify_checkpoints()
    assert len(verdicts) == 2 and all(verdict.intact for verdict in verdicts)
    assert len(verdicts[0].sources) == 2  # the file's line and its database copy


def test_a_second_checkpoint_never_overwrites_the_first(settings):
    now = timezone.now()
    checkpoints.write_checkpoints(now=now)
    write(1)
    checkpoints.write_checkpoints(now=now + timedelta(seconds=1))
    assert len(checkpoint_files(settings)) == 2
    assert all(verdict.intact for verdict in checkpoints.verify_checkpoints())


def test_a_log_rewritten_and_rechained_whole_is_detected(settings):
    rows = write(3)
    checkpoints.write_checkpoints()
    write(2)

    def change():
        raw("UPDATE audit_accesslog SET basis = 'coordinator' WHERE id = %s", rows[1].pk)

    rewrite_and_rechain(change)
    assert chain.verify(AccessLog).intact  # the chain alone cannot tell
    [broken] = [verdict for verdict in checkpoints.verify_checkpoints() if not verdict.intact]
    assert broken.log == "audit.accesslog" and broken.last_seq == 3
    assert "3" in broken.problem
    with pytest.raises(CommandError, match="Tampering detected"):
        call_command("verify_logs", "--no-seal")


def test_a_log_cut_below_a_checkpoint_is_detected():
    rows = write(4)
    checkpoints.write_checkpoints()
    rewrite_and_rechain(lambda: raw("DELETE FROM audit_accesslog WHERE id = %s", rows[3].pk))
    assert chain.verify(AccessLog).intact
    [broken] = [verdict for verdict in checkpoints.verify_checkpoints() if not verdict.intact]
    assert broken.last_seq == 4 and "4" in broken.problem


def test_the_write_once_copy_is_checked_when_the_local_files_and_copies_are_gone(
    settings, tmp_path
):
    rows = write(3)
    checkpoints.write_checkpoints()
    shipped = tmp_path / "write-once"
    shutil.copytree(settings.ARKI_CHECKPOINT_DIR, shipped)
    for path in checkpoint_files(settings):
        path.unlink()

    def change():
        raw("DELETE FROM audit_logcheckpoint")
        raw("UPDATE audit_accesslog SET basis = 'coordinator' WHERE id = %s", rows[0].pk)

    rewrite_and_rechain(change)
    call_command("verify_logs", "--no-seal")  # nothing left to compare with here
    with pytest.raises(CommandError, match="Tampering detected"):
        call_command("verify_logs", "--no-seal", "--checkpoints", str(shipped))


def test_a_changed_or_foreign_checkpoint_is_reported(settings):
    write(2)
    checkpoints.write_checkpoints()
    [path] = checkpoint_files(settings)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    # A forger moves a checkpoint back to a row they could leave alone, or signs their own.
    moved = {**lines[0], "last_seq": 1}
    foreign_key = SigningKey.generate()
    foreign = {**lines[0], "key": base64.b64encode(bytes(foreign_key.verify_key)).decode()}
    signed = {name: foreign[name] for name in checkpoints.SIGNED_FIELDS}
    foreign["signed_at"] = signed["signed_at"] = "2026-01-01T00:00:00+00:00"
    foreign["signature"] = base64.b64encode(
        foreign_key.sign(
            json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
        ).signature
    ).decode()
    extra = settings.ARKI_CHECKPOINT_DIR / "arki-checkpoints-forged.jsonl"
    extra.write_text("\n".join([json.dumps(moved), json.dumps(foreign), "not json", "{}"]) + "\n")
    verdicts = checkpoints.verify_checkpoints()
    problems = [verdict for verdict in verdicts if not verdict.intact]
    assert len(problems) == 4
    assert len([verdict for verdict in verdicts if verdict.intact]) == 2
    with pytest.raises(CommandError, match="Tampering detected"):
        call_command("verify_logs", "--no-seal")


def test_the_task_writes_a_checkpoint_once_a_day(settings):
    write(1)
    first = checkpoint_logs.call()
    assert first and checkpoint_logs.call() == ""
    assert len(checkpoint_files(settings)) == 1
    assert checkpoints.due(timezone.now() + timedelta(days=1))
    assert "audit.tasks.checkpoint_logs" in settings.ARKI_PERIODIC_TASKS


def test_the_command_writes_a_checkpoint_and_names_the_public_key(settings, capsys):
    write(2)
    call_command("checkpoint_logs")
    out = capsys.readouterr().out
    key = checkpoints.public_key_text(checkpoints.signing_key().verify_key)
    assert "audit.accesslog: row 2" in out and key in out
    assert len(checkpoint_files(settings)) == 1


def test_production_requires_the_checkpoint_key(settings):
    settings.ARKI_CHECKPOINT_KEY = ""
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="ARKI_CHECKPOINT_KEY"):
        checkpoints.signing_key()
    settings.ARKI_CHECKPOINT_KEY = "c2hvcnQ="
    with pytest.raises(ImproperlyConfigured, match="ARKI_CHECKPOINT_KEY"):
        checkpoints.signing_key()


def test_outside_production_a_local_key_is_generated_once(settings, tmp_path):
    settings.ARKI_CHECKPOINT_KEY = ""
    settings.LOCAL_DIR = tmp_path
    first = checkpoints.signing_key()
    assert bytes(checkpoints.signing_key()) == bytes(first)
    assert (tmp_path / "checkpoint_signing_key").stat().st_mode & 0o077 == 0


def test_the_officer_sees_the_checkpoints_and_a_rewrite(client):
    rows = write(3)
    checkpoints.write_checkpoints()
    client.force_login(user_with_role(Role.DATA_PROTECTION_OFFICER))
    page = client.get(reverse("audit:verify")).content.decode()
    head = ChainHead.objects.get(log="audit.accesslog")
    key = checkpoints.public_key_text(checkpoints.signing_key().verify_key)
    assert head.last_hash in page and key in page
    assert 'class="broken"' not in page

    def change():
        raw("UPDATE audit_accesslog SET basis = 'x' WHERE id = %s", rows[2].pk)

    rewrite_and_rechain(change)
    response = client.get(reverse("audit:verify"))
    assert response.status_code == 200
    assert 'class="broken"' in response.content.decode()
