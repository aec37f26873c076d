"""Backup → restore → drill on the suite's database; a tampered backup fails the drill."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from directory.models import Area
from operations import backup

pytestmark = pytest.mark.django_db(transaction=True)

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backup")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@pytest.fixture
def data(kaakkuri, tuira):
    User.objects.create_user(email="a@example.fi", password="x" * 20, full_name="Äiti Ääkkönen")
    User.objects.create_user(email="b@example.fi", password="y" * 20, full_name="Bertil")
    return kaakkuri, tuira


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_manifest_counts_and_checksums_every_table(data, tmp_path):
    path = tmp_path / ("a.dump" if connection.vendor == "postgresql" else "a.sqlite3")
    run("backup", "--output", str(path))
    manifest = json.loads((tmp_path / f"{path.name}.manifest.json").read_text())
    assert manifest["engine"] == ("postgresql" if connection.vendor == "postgresql" else "sqlite")
    assert manifest["file_sha256"] == backup.file_sha256(path)
    assert manifest["tables"]["accounts_user"]["rows"] == 2
    assert manifest["tables"]["directory_area"]["rows"] == 2
    assert "django_migrations" in manifest["tables"]
    assert all(len(t["sha256"]) == 64 for t in manifest["tables"].values())
    # An existing file is never overwritten.
    with pytest.raises(CommandError, match="already exists"):
        run("backup", "--output", str(path))


def test_checksums_follow_the_contents_not_just_the_count(data):
    config = backup.default_settings()
    with backup.connect(config) as wrapper:
        before = backup.table_checksum(wrapper, "directory_area")
    Area.objects.filter(code="tuira").update(name="Tuira!")
    with backup.connect(config) as wrapper:
        after = backup.table_checksum(wrapper, "directory_area")
    assert before["rows"] == after["rows"] == 2
    assert before["sha256"] != after["sha256"]


@sqlite_only
def test_sqlite_backup_restore_and_drill(data, tmp_path):
    path = tmp_path / "arki.sqlite3"
    run("backup", "--output", str(path))
    target = tmp_path / "restored" / "arki.sqlite3"
    output = run("restore", str(path), "--database-url", f"sqlite:///{target}")
    assert "every table matches the manifest" in output
    with sqlite3.connect(target) as restored:
        names = {row[0] for row in restored.execute("SELECT full_name FROM accounts_user")}
    assert names == {"Äiti Ääkkönen", "Bertil"}
    # A database with tables is refused unless forced.
    with pytest.raises(CommandError, match="not empty"):
        run("restore", str(path), "--database-url", f"sqlite:///{target}")
    assert "matches" in run(
        "restore", str(path), "--database-url", f"sqlite:///{target}", "--force"
    )
    drill = run("restore_drill")
    assert "restore drill passed" in drill
    assert "backup:" in drill and "restore:" in drill


@sqlite_only
def test_a_tampered_backup_fails_the_drill(data, tmp_path):
    path = tmp_path / "arki.sqlite3"
    run("backup", "--output", str(path))
    with sqlite3.connect(path) as copy:
        copy.execute("UPDATE accounts_user SET full_name = 'Mallory' WHERE email = 'b@example.fi'")
    with pytest.raises(CommandError, match="restore drill failed: 2 mismatches"):
        run("restore_drill", "--backup", str(path))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("restore_drill", "--backup", str(path), stdout=out, stderr=out)
    assert "MISMATCH arki.sqlite3: the file's checksum differs" in out.getvalue()
    assert "MISMATCH accounts_user: same row count, different contents" in out.getvalue()


@sqlite_only
def test_a_deleted_row_is_named_by_count(data, tmp_path):
    path = tmp_path / "arki.sqlite3"
    run("backup", "--output", str(path))
    with sqlite3.connect(path) as copy:
        copy.execute("DELETE FROM directory_area WHERE code = 'tuira'")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("restore_drill", "--backup", str(path), stdout=out, stderr=out)
    assert "directory_area: 1 rows, the backup had 2" in out.getvalue()


def test_a_missing_manifest_or_other_engine_is_refused(data, tmp_path):
    stray = tmp_path / "stray.dump"
    stray.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="manifest is missing"):
        run("restore", str(stray), "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    (tmp_path / "stray.dump.manifest.json").write_text(
        json.dumps({"format": backup.MANIFEST_FORMAT, "engine": "postgresql"})
    )
    with pytest.raises(CommandError, match="backup is of a postgresql database"):
        run("restore", str(stray), "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}")


def postgresql_url(name: str) -> str:
    config = connection.settings_dict
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return (
        f"postgres://{config['USER']}{password}@{config['HOST'] or '127.0.0.1'}:"
        f"{config['PORT'] or 5432}/{name}"
    )


@postgresql_only
def test_postgresql_backup_restore_and_drill(data, tmp_path):
    path = tmp_path / "arki.dump"
    run("backup", "--output", str(path))
    assert path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    with backup.scratch_database(backup.default_settings(), tmp_path) as scratch:
        url = postgresql_url(scratch["NAME"])
        assert "every table matches the manifest" in run(
            "restore", str(path), "--database-url", url
        )
        with backup.connect(scratch) as wrapper, wrapper.cursor() as cursor:
            cursor.execute("SELECT full_name FROM accounts_user ORDER BY email")
            assert [row[0] for row in cursor.fetchall()] == ["Äiti Ääkkönen", "Bertil"]
            # The append-only trigger came along with the tables.
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_accesslog_append_only'"
            )
            assert cursor.fetchone()[0] == 1
        with pytest.raises(CommandError, match="not empty"):
            run("restore", str(path), "--database-url", url)
        assert "matches" in run("restore", str(path), "--database-url", url, "--force")
        name = scratch["NAME"]
    with backup.connect(backup.default_settings()) as wrapper, wrapper.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [name])
        assert cursor.fetchone()[0] == 0  # the scratch database is gone
    drill = run("restore_drill", "-v", "2")
    assert "restore drill passed" in drill
    assert "accounts_user: 2 rows" in drill


@postgresql_only
def test_postgresql_a_tampered_backup_fails_the_drill(data, tmp_path):
    path = tmp_path / "arki.dump"
    run("backup", "--output", str(path))
    manifest_path = Path(f"{path}.manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["tables"]["directory_area"]["rows"] = 3
    manifest["tables"]["accounts_user"]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    out = StringIO()
    with pytest.raises(CommandError, match="2 mismatches"):
        call_command("restore_drill", "--backup", str(path), stdout=out, stderr=out)
    assert "directory_area: 2 rows, the backup had 3" in out.getvalue()
    assert "accounts_user: same row count, different contents" in out.getvalue()
