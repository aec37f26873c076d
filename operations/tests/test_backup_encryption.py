"""Backups encrypted at rest with ARKI_BACKUP_KEY: round trip, wrong key, tampering, rotation."""

from __future__ import annotations

import base64
import io
import json
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from accounts.models import User
from operations import backup

pytestmark = pytest.mark.django_db(transaction=True)

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backup")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")

KEY = base64.b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.b64encode(bytes(range(100, 132))).decode()


@pytest.fixture
def data(kaakkuri, tuira):
    User.objects.create_user(email="a@example.fi", password="x" * 20, full_name="Äiti Ääkkönen")
    User.objects.create_user(email="b@example.fi", password="y" * 20, full_name="Bertil")
    return kaakkuri, tuira


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def suffix() -> str:
    return ".dump.enc" if connection.vendor == "postgresql" else ".sqlite3.enc"


def names_in(target: Path) -> set[str]:
    with sqlite3.connect(target) as restored:
        return {row[0] for row in restored.execute("SELECT full_name FROM accounts_user")}


# --- The format itself -------------------------------------------------------------------------


def test_the_stream_round_trips_in_chunks_and_names_its_key(tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    key = backup.parse_key(KEY)
    plain = bytes(range(256)) * (3 * backup.CHUNK // 256) + b"tail"  # three chunks and a bit
    path = tmp_path / "x.enc"
    with path.open("wb") as target:
        assert backup.encrypt_to(io.BytesIO(plain), target, key) == len(plain)
    data = path.read_bytes()
    assert data.startswith(b"ARKIBK1\n")
    assert data[8:16].hex() == backup.key_id(key)
    assert plain[:64] not in data
    assert backup.is_encrypted(path)
    chunks = list(backup.decrypt_chunks(path))
    assert len(chunks) == 4
    assert b"".join(chunks) == plain


@pytest.mark.parametrize("where", ["header", "middle", "last byte"])
def test_any_changed_byte_is_refused(tmp_path, settings, where):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "x.enc"
    with path.open("wb") as target:
        backup.encrypt_to(io.BytesIO(b"secret rows " * 50_000), target, backup.parse_key(KEY))
    data = bytearray(path.read_bytes())
    position = {"header": 20, "middle": len(data) // 2, "last byte": len(data) - 1}[where]
    data[position] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match=r"changed or damaged|header is damaged"):
        backup.verify_encrypted(path)


def test_a_cut_off_or_extended_file_is_refused(tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "x.enc"
    with path.open("wb") as target:
        backup.encrypt_to(io.BytesIO(b"a" * (backup.CHUNK + 10)), target, backup.parse_key(KEY))
    whole = path.read_bytes()
    path.write_bytes(whole[: -(10 + backup.ABYTES + 4)])  # the final chunk dropped
    with pytest.raises(backup.BackupError, match="cut off"):
        backup.verify_encrypted(path)
    path.write_bytes(whole + b"x")
    with pytest.raises(backup.BackupError, match="data after the end"):
        backup.verify_encrypted(path)


def test_keys_are_read_from_base64_or_hex_and_bad_ones_are_named():
    raw = bytes(range(32))
    assert backup.parse_key(KEY) == raw
    assert backup.parse_key(raw.hex()) == raw
    assert backup.parse_key(base64.urlsafe_b64encode(raw).decode()) == raw
    assert len(backup.parse_key(backup.generate_key())) == 32
    with pytest.raises(backup.BackupError, match="ARKI_BACKUP_KEY: expected base64 of 32"):
        backup.parse_key("too-short")
    with pytest.raises(backup.BackupError, match="ARKI_BACKUP_PREVIOUS_KEYS"):
        backup.parse_key(base64.b64encode(b"x" * 16).decode(), "ARKI_BACKUP_PREVIOUS_KEYS")


def test_generate_key_prints_a_usable_key():
    out = run("backup", "--generate-key").strip()
    assert len(backup.parse_key(out)) == 32
    assert out != run("backup", "--generate-key").strip()


# --- The commands (SQLite) ---------------------------------------------------------------------


@sqlite_only
def test_sqlite_encrypted_backup_restore_and_drill(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "arki.sqlite3.enc"
    output = run("backup", "--output", str(path))
    assert "NOT encrypted" not in output
    assert f"encrypted with key {backup.key_id(backup.parse_key(KEY))}" in output
    raw = path.read_bytes()
    assert raw.startswith(b"ARKIBK1\n")
    assert b"SQLite format 3" not in raw and b"Bertil" not in raw
    manifest = json.loads(Path(f"{path}.manifest.json").read_text())
    assert manifest["file_sha256"] == backup.file_sha256(path)
    assert manifest["file_bytes"] == len(raw)
    assert manifest["encryption"]["key_id"] == backup.key_id(backup.parse_key(KEY))
    assert manifest["tables"]["accounts_user"]["rows"] == 2
    # No plaintext copy is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, f"{path.name}.manifest.json"]

    target = tmp_path / "restored" / "arki.sqlite3"
    assert "every table matches the manifest" in run(
        "restore", str(path), "--database-url", f"sqlite:///{target}"
    )
    assert names_in(target) == {"Äiti Ääkkönen", "Bertil"}
    assert sorted(p.name for p in target.parent.iterdir()) == ["arki.sqlite3"]

    drill = run("restore_drill")
    assert "(encrypted)" in drill
    assert "restore drill passed" in drill
    assert "restore drill passed" in run("restore_drill", "--backup", str(path))


@sqlite_only
def test_the_default_name_shows_the_backup_is_encrypted(data, tmp_path, settings, monkeypatch):
    settings.ARKI_BACKUP_KEY = KEY
    monkeypatch.setenv("ARKI_BACKUP_DIR", str(tmp_path))
    made = backup.backup(backup.default_settings())
    assert made.path.name.startswith("arki-")
    assert made.path.name.endswith(".sqlite3.enc")
    assert made.path.stat().st_mode & 0o777 == 0o600


@sqlite_only
def test_a_wrong_key_is_refused_and_nothing_is_written(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "arki.sqlite3.enc"
    run("backup", "--output", str(path))
    target = tmp_path / "restored" / "arki.sqlite3"
    with (
        override_settings(ARKI_BACKUP_KEY=OTHER_KEY, ARKI_BACKUP_PREVIOUS_KEYS=[]),
        pytest.raises(CommandError, match="neither ARKI_BACKUP_KEY nor one of"),
    ):
        run("restore", str(path), "--database-url", f"sqlite:///{target}")
    assert not target.exists()
    with (
        override_settings(ARKI_BACKUP_KEY="", ARKI_BACKUP_PREVIOUS_KEYS=[]),
        pytest.raises(CommandError, match=r"configured: none"),
    ):
        run("restore", str(path), "--database-url", f"sqlite:///{target}")
    assert not target.exists()


@sqlite_only
def test_a_rotated_key_still_restores_from_the_previous_keys(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "arki.sqlite3.enc"
    run("backup", "--output", str(path))
    target = tmp_path / "restored" / "arki.sqlite3"
    with override_settings(ARKI_BACKUP_KEY=OTHER_KEY, ARKI_BACKUP_PREVIOUS_KEYS=[KEY]):
        assert "matches" in run("restore", str(path), "--database-url", f"sqlite:///{target}")
    assert names_in(target) == {"Äiti Ääkkönen", "Bertil"}


@sqlite_only
def test_a_tampered_encrypted_backup_is_refused_and_nothing_is_written(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "arki.sqlite3.enc"
    run("backup", "--output", str(path))
    data_bytes = bytearray(path.read_bytes())
    data_bytes[len(data_bytes) // 2] ^= 0x40
    path.write_bytes(bytes(data_bytes))
    target = tmp_path / "restored" / "arki.sqlite3"
    with pytest.raises(CommandError, match=r"decryption failed .* nothing was restored"):
        run("restore", str(path), "--database-url", f"sqlite:///{target}")
    assert not target.exists()
    with pytest.raises(CommandError, match=r"restore drill failed: .*decryption failed"):
        run("restore_drill", "--backup", str(path))


@sqlite_only
def test_a_plain_file_under_an_encrypted_manifest_is_refused(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "arki.sqlite3.enc"
    run("backup", "--output", str(path))
    with override_settings(ARKI_BACKUP_KEY=""):
        plain = tmp_path / "plain.sqlite3"
        run("backup", "--output", str(plain))
    path.write_bytes(plain.read_bytes())
    with pytest.raises(CommandError, match="says the backup is encrypted but the file is not"):
        run("restore", str(path), "--database-url", f"sqlite:///{tmp_path / 'r.sqlite3'}")


@sqlite_only
def test_an_old_plain_backup_still_restores_with_a_key_configured(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = ""
    path = tmp_path / "old.sqlite3"
    output = run("backup", "--output", str(path))
    assert "WARNING: the backup is NOT encrypted" in output
    assert path.read_bytes().startswith(b"SQLite format 3")
    assert "encryption" not in json.loads(Path(f"{path}.manifest.json").read_text())
    settings.ARKI_BACKUP_KEY = KEY
    target = tmp_path / "restored" / "arki.sqlite3"
    assert "every table matches" in run(
        "restore", str(path), "--database-url", f"sqlite:///{target}"
    )
    assert names_in(target) == {"Äiti Ääkkönen", "Bertil"}


def test_production_without_a_key_refuses_a_plain_backup(data, tmp_path, settings):
    settings.PRODUCTION = True
    settings.ARKI_BACKUP_KEY = ""
    settings.ARKI_BACKUP_ALLOW_PLAIN = False
    path = tmp_path / f"arki{suffix()}"
    with pytest.raises(CommandError, match="ARKI_BACKUP_KEY is not set"):
        run("backup", "--output", str(path))
    assert list(tmp_path.iterdir()) == []
    # Explicitly allowed: written, with the warning.
    settings.ARKI_BACKUP_ALLOW_PLAIN = True
    assert "NOT encrypted" in run("backup", "--output", str(path))
    assert not backup.is_encrypted(path)
    # With a key, production encrypts.
    settings.ARKI_BACKUP_KEY = KEY
    settings.ARKI_BACKUP_ALLOW_PLAIN = False
    other = tmp_path / f"other{suffix()}"
    run("backup", "--output", str(other))
    assert backup.is_encrypted(other)


def test_a_malformed_key_stops_the_backup_with_its_name(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = "not a key"
    with pytest.raises(CommandError, match="ARKI_BACKUP_KEY: expected base64"):
        run("backup", "--output", str(tmp_path / "x"))


# --- PostgreSQL --------------------------------------------------------------------------------


def postgresql_url(name: str) -> str:
    config = connection.settings_dict
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return (
        f"postgres://{config['USER']}{password}@{config['HOST'] or '127.0.0.1'}:"
        f"{config['PORT'] or 5432}/{name}"
    )


@postgresql_only
def test_postgresql_encrypted_backup_restore_and_drill(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "arki.dump.enc"
    run("backup", "--output", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"ARKIBK1\n") and b"PGDMP" not in raw
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, f"{path.name}.manifest.json"]
    # The stream decrypts to pg_dump's custom format.
    assert next(backup.decrypt_chunks(path))[:5] == b"PGDMP"
    with backup.scratch_database(backup.default_settings(), tmp_path) as scratch:
        url = postgresql_url(scratch["NAME"])
        assert "every table matches the manifest" in run(
            "restore", str(path), "--database-url", url
        )
        with backup.connect(scratch) as wrapper, wrapper.cursor() as cursor:
            cursor.execute("SELECT full_name FROM accounts_user ORDER BY email")
            assert [row[0] for row in cursor.fetchall()] == ["Äiti Ääkkönen", "Bertil"]
        assert "matches" in run("restore", str(path), "--database-url", url, "--force")
    drill = run("restore_drill")
    assert "(encrypted)" in drill and "restore drill passed" in drill


@postgresql_only
def test_postgresql_a_tampered_encrypted_dump_writes_nothing(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    path = tmp_path / "arki.dump.enc"
    run("backup", "--output", str(path))
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x01
    path.write_bytes(bytes(raw))
    with backup.scratch_database(backup.default_settings(), tmp_path) as scratch:
        with pytest.raises(CommandError, match="decryption failed"):
            run("restore", str(path), "--database-url", postgresql_url(scratch["NAME"]))
        assert backup.is_empty(scratch)


def test_backup_and_restore_show_progress_on_stderr_unless_quiet(data, tmp_path, settings):
    settings.ARKI_BACKUP_KEY = KEY
    out, err = StringIO(), StringIO()
    path = tmp_path / f"arki{suffix()}"
    call_command("backup", "--output", str(path), stdout=out, stderr=err)
    assert "backup: checksums " in err.getvalue()
    assert "tables (100 %)" in err.getvalue()
    assert "backup: checksums" not in out.getvalue()
    quiet = StringIO()
    call_command(
        "backup", "--output", str(tmp_path / f"q{suffix()}"), "-v", "0", stdout=out, stderr=quiet
    )
    assert quiet.getvalue() == ""
    if connection.vendor == "sqlite":
        err = StringIO()
        target = tmp_path / "restored.sqlite3"
        call_command(
            "restore", str(path), "--database-url", f"sqlite:///{target}", stdout=out, stderr=err
        )
        assert "restore: decrypt 100 %" in err.getvalue()
