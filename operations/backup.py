"""Backup, restore and the restore drill (``manage.py backup``, ``restore``, ``restore_drill``).

A backup is one file plus a manifest beside it (``<file>.manifest.json``): the engine, the file's
sha256 and, per table, the row count and a sha256 over the table's rows in primary-key order.

* PostgreSQL: ``pg_dump --format=custom``. The manifest's checksums are computed in the same
  snapshot the dump reads (``pg_export_snapshot`` + ``pg_dump --snapshot``), so they describe
  exactly the dumped data even while Arki keeps writing. Each row is hashed in the database
  (``sha256(row::text)``); only the digests are streamed to Python.
* SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent database;
  the checksums are computed from the copy.

With ``ARKI_BACKUP_KEY`` set the file is encrypted at rest (``<name>.enc``, see ``encrypt_to``
for the format): libsodium's secretstream (XChaCha20-Poly1305) in 1 MiB chunks, so a backup of
any size is encrypted and decrypted in constant memory, and a changed, reordered, cut-off or
added byte is refused. The manifest's ``file_sha256`` is the encrypted file's (what is copied
off the host); the table checksums describe the contents. Restore decrypts with
``ARKI_BACKUP_KEY`` or one of ``ARKI_BACKUP_PREVIOUS_KEYS`` (chosen by the key id in the file's
header), verifies the whole file before it writes anything, and still reads plain backups.

Restoring checks the file against the manifest, refuses a database that already has tables
(unless forced), restores, and compares the restored tables with the manifest.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import glob
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import dj_database_url
import nacl.utils
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler, load_backend
from nacl import bindings as sodium
from nacl.exceptions import CryptoError

from core.progress import BYTES, ProgressCallback

MANIFEST_FORMAT = "arki-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
FETCH = 5000
POSTGRESQL = "postgresql"
TEXT_TYPE_OIDS = {25, 1042, 1043}  # text, char(n), varchar(n)
SQLITE = "sqlite"
SQLITE_PAGES = 4096  # pages per step of the online backup when progress is shown


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what to do."""


# --- Connections -------------------------------------------------------------------------------


def settings_from_url(url: str) -> dict[str, Any]:
    """A complete DATABASES entry for a sqlite:/// or postgres:// URL."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise BackupError(f"cannot read the database URL ({error})") from None
    if config.get("ENGINE") not in {
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    }:
        raise BackupError("the database URL must be sqlite:///path or postgres://…")
    if not config.get("NAME"):
        raise BackupError("the database URL names no database")
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return complete(config)


def complete(config: dict[str, Any]) -> dict[str, Any]:
    """Fill in Django's defaults (TIME_ZONE, ATOMIC_REQUESTS, …) for a hand-made entry."""
    config = {**config, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False}
    config.pop("TEST", None)
    try:
        settings_: dict[str, Any] = ConnectionHandler().configure_settings({"default": config})[
            "default"
        ]
        return settings_
    except ImproperlyConfigured as error:
        raise BackupError(str(error)) from None


def default_settings() -> dict[str, Any]:
    """The database Arki runs on (DATABASE_URL), as its current connection sees it."""
    from django.db import connection

    return complete(dict(connection.settings_dict))


def engine_of(config: dict[str, Any]) -> str:
    return POSTGRESQL if "postgresql" in config["ENGINE"] else SQLITE


@contextlib.contextmanager
def connect(config: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A private connection (never the request's), closed afterwards."""
    alias = f"arki_operations_{secrets.token_hex(4)}"
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    # Registered for this thread while open: some backend features look their alias up.
    connections[alias] = wrapper
    try:
        wrapper.ensure_connection()
        yield wrapper
    finally:
        wrapper.close()
        del connections[alias]


# --- Checksums ---------------------------------------------------------------------------------


def table_names(wrapper: BaseDatabaseWrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        return sorted(wrapper.introspection.table_names(cursor))


def table_checksum(wrapper: BaseDatabaseWrapper, table: str) -> dict[str, Any]:
    """Row count and sha256 over the table's rows in primary-key order."""
    quote = wrapper.ops.quote_name
    postgresql = wrapper.vendor == "postgresql"
    with wrapper.cursor() as cursor:
        description = wrapper.introspection.get_table_description(cursor, table)
        columns = wrapper.introspection.get_primary_key_columns(cursor, table) or [
            column.name for column in description
        ]
    types = {column.name: column.type_code for column in description}
    # Text keys are ordered bytewise, so a restore into a database with another collation
    # still hashes the rows in the same order.
    order = ", ".join(
        f"t.{quote(column)}"
        + (' COLLATE "C"' if postgresql and types.get(column) in TEXT_TYPE_OIDS else "")
        for column in columns
    )
    # Table and column names come from the database's own catalogue and are quoted.
    # PostgreSQL hashes each row in the database; only the digests are streamed.
    selected = "sha256(convert_to(t::text, 'UTF8'))" if postgresql else "t.*"
    sql = f"SELECT {selected} FROM {quote(table)} AS t ORDER BY {order}"  # noqa: S608
    digest = hashlib.sha256()
    rows = 0
    cursor = wrapper.chunked_cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(FETCH):
            for row in batch:
                if postgresql:
                    digest.update(bytes(row[0]))
                else:
                    digest.update(hashlib.sha256(repr(tuple(row)).encode()).digest())
            rows += len(batch)
    finally:
        cursor.close()
    return {"rows": rows, "sha256": digest.hexdigest()}


def checksums(
    wrapper: BaseDatabaseWrapper, progress: ProgressCallback | None = None
) -> dict[str, dict[str, Any]]:
    names = table_names(wrapper)
    result = {}
    for number, table in enumerate(names, start=1):
        result[table] = table_checksum(wrapper, table)
        if progress:
            progress("checksums", number, len(names), unit="tables")
    return result


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Every difference between the manifest's tables and a database's, one line each."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"{table}: missing from the restored database")
        elif table not in expected:
            problems.append(f"{table}: not in the backup's manifest")
        elif expected[table]["rows"] != actual[table]["rows"]:
            problems.append(
                f"{table}: {actual[table]['rows']} rows, the backup had {expected[table]['rows']}"
            )
        elif expected[table]["sha256"] != actual[table]["sha256"]:
            problems.append(f"{table}: same row count, different contents (checksum)")
    return problems


# --- Encryption at rest ------------------------------------------------------------------------

MAGIC = b"ARKIBK1\n"
ENCRYPTED_SUFFIX = ".enc"
KEY_BYTES = sodium.crypto_secretstream_xchacha20poly1305_KEYBYTES
HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES
ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
TAG_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
TAG_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
CHUNK = 1 << 20
CIPHER = "secretstream-xchacha20poly1305"
KEY_ID_BYTES = 8
PREAMBLE_BYTES = len(MAGIC) + KEY_ID_BYTES + HEADER_BYTES


def generate_key() -> str:
    """A new ARKI_BACKUP_KEY: base64 of 32 random bytes."""
    return base64.b64encode(nacl.utils.random(KEY_BYTES)).decode()


def parse_key(text: str, name: str = "ARKI_BACKUP_KEY") -> bytes:
    """32 bytes from base64 (standard or URL-safe) or 64 hex digits; the error names ``name``."""
    text = text.strip()
    key = b""
    if len(text) == 2 * KEY_BYTES:
        with contextlib.suppress(ValueError):
            key = bytes.fromhex(text)
    if not key:
        with contextlib.suppress(ValueError, binascii.Error):
            key = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    if len(key) != KEY_BYTES:
        raise BackupError(
            f"{name}: expected base64 of {KEY_BYTES} random bytes (or {2 * KEY_BYTES} hex "
            "digits); make one with `manage.py backup --generate-key`"
        )
    return key


def key_id(key: bytes) -> str:
    """A short public name for a key (in the file's header and the manifest), not the key."""
    return hashlib.blake2b(key, digest_size=KEY_ID_BYTES, person=b"arki-backup-key").hexdigest()


def configured_keys() -> tuple[bytes | None, list[bytes]]:
    """ARKI_BACKUP_KEY (or None) and the ARKI_BACKUP_PREVIOUS_KEYS restore also accepts."""
    current = str(getattr(settings, "ARKI_BACKUP_KEY", "") or "").strip()
    previous = getattr(settings, "ARKI_BACKUP_PREVIOUS_KEYS", []) or []
    return (
        parse_key(current) if current else None,
        [parse_key(text, "ARKI_BACKUP_PREVIOUS_KEYS") for text in previous if text.strip()],
    )


def key_for_writing() -> bytes | None:
    """The key a new backup is encrypted with; None writes a plain backup (never by accident
    in production)."""
    current, _previous = configured_keys()
    if current is not None:
        return current
    if getattr(settings, "PRODUCTION", False) and not getattr(
        settings, "ARKI_BACKUP_ALLOW_PLAIN", False
    ):
        raise BackupError(
            "ARKI_BACKUP_KEY is not set: a production backup is written encrypted. Make a key "
            "with `manage.py backup --generate-key` and keep it apart from the backups, or set "
            "ARKI_BACKUP_ALLOW_PLAIN=true to write an unencrypted backup on purpose"
        )
    return None


class EncryptingWriter:
    """A write-only file object: plaintext in, ARKIBK1 out (see ``encrypt_to``)."""

    def __init__(self, handle: IO[bytes], key: bytes) -> None:
        self.handle = handle
        self.state = sodium.crypto_secretstream_xchacha20poly1305_state()
        self.ad = MAGIC + bytes.fromhex(key_id(key))
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(self.state, key)
        handle.write(self.ad + header)
        self.buffer = bytearray()
        self.plain_bytes = 0
        self.closed = False

    def _push(self, data: bytes, tag: int) -> None:
        sealed = sodium.crypto_secretstream_xchacha20poly1305_push(self.state, data, self.ad, tag)
        self.handle.write(len(sealed).to_bytes(4, "big") + sealed)

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.plain_bytes += len(data)
        while len(self.buffer) > CHUNK:
            self._push(bytes(self.buffer[:CHUNK]), TAG_MESSAGE)
            del self.buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        """Seal the last chunk (tagged final, so a cut-off file is refused)."""
        if not self.closed:
            self._push(bytes(self.buffer), TAG_FINAL)
            self.buffer.clear()
            self.closed = True


def encrypt_to(
    source: IO[bytes],
    target: IO[bytes],
    key: bytes,
    *,
    total: int | None = None,
    progress: ProgressCallback | None = None,
) -> int:
    """Encrypt ``source`` into ``target``; returns the plaintext's length.

    The format (ARKIBK1)::

        "ARKIBK1\\n"  8 bytes
        key id        8 bytes   blake2b of the key (which key to decrypt with; not secret)
        header       24 bytes   libsodium secretstream header
        chunks                  4-byte big-endian length, then a secretstream message of up
                                to 1 MiB of plaintext + 17 bytes; the first 16 bytes are its
                                associated data; the last chunk is tagged FINAL, nothing follows
    """
    writer = EncryptingWriter(target, key)
    while chunk := source.read(CHUNK):
        writer.write(chunk)
        if progress:
            progress("encrypt", writer.plain_bytes, total, unit=BYTES)
    writer.close()
    return writer.plain_bytes


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def decrypt_chunks(
    path: Path, keys: list[bytes] | None = None, progress: ProgressCallback | None = None
) -> Iterator[bytes]:
    """The plaintext of an ARKIBK1 file, chunk by chunk; BackupError if any byte is wrong.

    A caller that must not act on unauthenticated data reads the whole iterator first (restore
    does: one pass to verify, a second to restore)."""
    if keys is None:
        current, previous = configured_keys()
        keys = ([current] if current else []) + previous
    total = path.stat().st_size
    with path.open("rb") as handle:
        preamble = handle.read(PREAMBLE_BYTES)
        if len(preamble) < PREAMBLE_BYTES or not preamble.startswith(MAGIC):
            raise BackupError(f"{path.name}: not an encrypted Arki backup (ARKIBK1)")
        wanted = preamble[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].hex()
        key = next((key for key in keys if key_id(key) == wanted), None)
        if key is None:
            configured = ", ".join(key_id(key) for key in keys) or "none"
            raise BackupError(
                f"{path.name} is encrypted with key {wanted}, which is neither ARKI_BACKUP_KEY "
                f"nor one of ARKI_BACKUP_PREVIOUS_KEYS (configured: {configured})"
            )
        ad = preamble[: len(MAGIC) + KEY_ID_BYTES]
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        try:
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(
                state, preamble[len(MAGIC) + KEY_ID_BYTES :], key
            )
        except (CryptoError, ValueError):
            raise BackupError(f"{path.name}: the encryption header is damaged") from None
        done = PREAMBLE_BYTES
        while True:
            length_bytes = handle.read(4)
            length = int.from_bytes(length_bytes, "big") if len(length_bytes) == 4 else 0
            sealed = handle.read(length) if ABYTES <= length <= CHUNK + ABYTES else b""
            if not sealed or len(sealed) != length:
                raise BackupError(
                    f"{path.name}: the encrypted file is cut off or damaged; nothing was restored"
                )
            try:
                plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, sealed, ad)
            except (CryptoError, ValueError):
                raise BackupError(
                    f"{path.name}: decryption failed — the file has been changed or damaged "
                    f"(key {wanted}); nothing was restored"
                ) from None
            done += 4 + length
            if progress:
                progress("decrypt", done, total, unit=BYTES)
            yield plain
            if tag == TAG_FINAL:
                break
        if handle.read(1):
            raise BackupError(
                f"{path.name}: data after the end of the encrypted backup; nothing was restored"
            )


def verify_encrypted(path: Path, progress: ProgressCallback | None = None) -> None:
    """Authenticate every chunk without writing the plaintext anywhere."""
    for _chunk in decrypt_chunks(path, progress=progress):
        pass


def decrypt_to(path: Path, target: IO[bytes], progress: ProgressCallback | None = None) -> None:
    for chunk in decrypt_chunks(path, progress=progress):
        target.write(chunk)


# --- PostgreSQL client programs ----------------------------------------------------------------


def pg_program(name: str) -> str:
    """pg_dump/pg_restore: ARKI_PG_BIN_DIR, the newest /usr/lib/postgresql/*/bin, then PATH."""
    candidates = []
    if os.environ.get("ARKI_PG_BIN_DIR"):
        candidates.append(Path(os.environ["ARKI_PG_BIN_DIR"]) / name)
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: [int(part) for part in Path(path).parts[-3].split(".") if part.isdigit()],
        reverse=True,
    )
    candidates.extend(Path(path) for path in versions)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} not found: install the PostgreSQL client (postgresql-client) or set ARKI_PG_BIN_DIR"
    )


def pg_environment(config: dict[str, Any]) -> dict[str, str]:
    """libpq variables for the client programs, so no password appears on a command line."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
    }
    options = config.get("OPTIONS", {})
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("connect_timeout", "PGCONNECT_TIMEOUT"),
    ):
        if options.get(option) not in (None, ""):
            values[variable] = options[option]
    environment.update(
        {key: str(value) for key, value in values.items() if value not in (None, "")}
    )
    return environment


def run_program(arguments: list[str], config: dict[str, Any]) -> None:
    result = subprocess.run(  # noqa: S603 (a fixed program, our own arguments)
        arguments, env=pg_environment(config), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {result.stderr.strip()[-2000:]}")


# --- Backup ------------------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    manifest_path: Path
    manifest: dict[str, Any]
    seconds: float

    @property
    def encrypted(self) -> bool:
        return bool(self.manifest.get("encryption"))


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def default_output(config: dict[str, Any], *, encrypted: bool = False) -> Path:
    directory = Path(os.environ.get("ARKI_BACKUP_DIR", settings.LOCAL_DIR / "backups"))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".dump" if engine_of(config) == POSTGRESQL else ".sqlite3"
    if encrypted:
        suffix += ENCRYPTED_SUFFIX
    return directory / f"arki-{stamp}{suffix}"


def backup(
    config: dict[str, Any],
    output: Path | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Backup:
    """Back up; encrypted with ARKI_BACKUP_KEY when set (see ``key_for_writing``)."""
    key = key_for_writing()
    output = Path(output) if output else default_output(config, encrypted=key is not None)
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output")
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    partial = output.with_name(output.name + ".partial")
    try:
        if engine_of(config) == POSTGRESQL:
            tables, details = _backup_postgresql(config, partial, key, progress)
        elif key is None:
            tables, details = _backup_sqlite(config, partial, progress)
        else:
            # The online backup API needs a database file: a private directory beside the
            # output (mode 0700), removed as soon as the copy is encrypted.
            with tempfile.TemporaryDirectory(prefix=".arki-backup-", dir=output.parent) as tmp:
                plain = Path(tmp) / "plain.sqlite3"
                tables, details = _backup_sqlite(config, plain, progress)
                with plain.open("rb") as source, _private_file(partial) as target:
                    encrypt_to(source, target, key, total=plain.stat().st_size, progress=progress)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    os.chmod(output, 0o600)
    seconds = time.monotonic() - started
    if key is not None:
        details["encryption"] = {"format": "ARKIBK1", "cipher": CIPHER, "key_id": key_id(key)}
    manifest = {
        "format": MANIFEST_FORMAT,
        "engine": engine_of(config),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": str(config["NAME"]),
        **details,
        "file": output.name,
        "file_bytes": output.stat().st_size,
        "file_sha256": file_sha256(output),
        "seconds": round(seconds, 3),
        "tables": tables,
    }
    manifest_path = manifest_path_for(output)
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.chmod(manifest_path, 0o600)
    return Backup(output, manifest_path, manifest, seconds)


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[IO[bytes]]:
    """A new file only the owner can read, from its first byte."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        yield handle


def _backup_postgresql(
    config: dict[str, Any],
    output: Path,
    key: bytes | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    program = pg_program("pg_dump")
    failures: list[BaseException] = []
    with (
        connect(config) as wrapper,
        wrapper.cursor() as cursor,
        tempfile.TemporaryFile("w+") as errors_file,
    ):
        # One snapshot for the dump and the checksums: the manifest describes exactly the dump.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        arguments = [program, "--format=custom", f"--snapshot={snapshot}"]
        if key is None:
            arguments.append(f"--file={output}")
        dump = subprocess.Popen(  # noqa: S603 (a fixed program, our own arguments)
            arguments,
            env=pg_environment(config),
            # Encrypted: the dump is streamed through the encryption, never on disk in plain.
            stdout=subprocess.PIPE if key is not None else subprocess.DEVNULL,
            stderr=errors_file,
        )
        pump = None
        if key is not None:
            assert dump.stdout is not None
            dump_out = dump.stdout

            def encrypt_the_dump() -> None:
                try:
                    with _private_file(output) as target:
                        encrypt_to(dump_out, target, key)
                except BaseException as error:  # reported by the main thread
                    failures.append(error)
                    dump.kill()
                finally:
                    dump_out.close()

            pump = threading.Thread(target=encrypt_the_dump, name="arki-backup-encrypt")
            pump.start()
        try:
            tables = checksums(wrapper, progress)
        except BaseException:
            dump.kill()
            raise
        finally:
            dump.wait()
            if pump is not None:
                pump.join()
            cursor.execute("COMMIT")
        errors_file.seek(0)
        errors = errors_file.read()
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {errors.strip()[-2000:]}")
        if failures:
            raise BackupError(f"encrypting the dump failed: {failures[0]}")
    version = subprocess.run(  # noqa: S603
        [program, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return tables, {"server_version": server_version, "tool": version}


def _sqlite_source(config: dict[str, Any]) -> str:
    return str(config["NAME"])


def _sqlite_progress(progress: ProgressCallback | None, phase: str) -> dict[str, Any]:
    """Arguments for ``sqlite3.Connection.backup``: pages in steps, reported as they go."""
    if progress is None:
        return {}

    def report(_status: int, remaining: int, total: int) -> None:
        progress(phase, total - remaining, total, unit="pages")

    return {"pages": SQLITE_PAGES, "progress": report}


def _backup_sqlite(
    config: dict[str, Any], output: Path, progress: ProgressCallback | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    from django.db import connection

    target = sqlite3.connect(output)
    try:
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == config["NAME"]:
            # Arki's own connection: works for the file and for an in-memory test database.
            connection.ensure_connection()
            connection.connection.backup(target, **_sqlite_progress(progress, "copy"))
        else:
            source = sqlite3.connect(f"file:{_sqlite_source(config)}?mode=ro", uri=True)
            try:
                source.backup(target, **_sqlite_progress(progress, "copy"))
            finally:
                source.close()
    finally:
        target.close()
    with connect(complete({"ENGINE": "django.db.backends.sqlite3", "NAME": str(output)})) as copy:
        tables = checksums(copy, progress)
    return tables, {"tool": f"sqlite3 online backup (SQLite {sqlite3.sqlite_version})"}


# --- Restore -----------------------------------------------------------------------------------


@dataclass
class Restore:
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    verify_seconds: float = 0.0
    tables: int = 0
    rows: int = 0


def read_manifest(path: Path) -> dict[str, Any]:
    manifest_path = manifest_path_for(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file")
    if not manifest_path.is_file():
        raise BackupError(f"{manifest_path}: the backup's manifest is missing")
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text())
    except ValueError as error:
        raise BackupError(f"{manifest_path}: not a manifest ({error})") from None
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{manifest_path}: unknown manifest format {manifest.get('format')!r}")
    return manifest


def is_empty(config: dict[str, Any]) -> bool:
    if engine_of(config) == SQLITE:
        path = Path(config["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return True
    with connect(config) as wrapper:
        return not table_names(wrapper)


def restore(
    path: Path,
    config: dict[str, Any],
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
) -> Restore:
    """Restore the backup into the database ``config`` names and compare it with the manifest.

    An encrypted backup is decrypted and authenticated in full before anything is written; a
    wrong key or a changed byte raises BackupError and leaves the target untouched."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest["engine"] != engine_of(config):
        raise BackupError(
            f"the backup is of a {manifest['engine']} database; the target is {engine_of(config)}"
        )
    result = Restore()
    if file_sha256(path) != manifest.get("file_sha256"):
        result.problems.append(f"{path.name}: the file's checksum differs from the manifest")
    encrypted = is_encrypted(path)
    if manifest.get("encryption") and not encrypted:
        raise BackupError(
            f"{path.name}: the manifest says the backup is encrypted but the file is not; "
            "it has been replaced"
        )
    if encrypted:
        verify_encrypted(path, progress)
    if not force and not is_empty(config):
        raise BackupError(
            f"the target database {config['NAME']} is not empty; restore into an empty database "
            "or pass --force to replace what it holds"
        )
    started = time.monotonic()
    if engine_of(config) == POSTGRESQL:
        arguments = [
            pg_program("pg_restore"),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={config['NAME']}",
        ]
        if force:
            arguments += ["--clean", "--if-exists"]
        if encrypted:
            _pg_restore_decrypted(arguments, path, config, progress)
        else:
            run_program([*arguments, str(path)], config)
    else:
        target_path = Path(config["NAME"])
        target_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            source_path = path
            if encrypted:
                # The online backup API reads a database file: decrypted into a private
                # directory (mode 0700) beside the target, removed right after the copy.
                directory = stack.enter_context(
                    tempfile.TemporaryDirectory(prefix=".arki-restore-", dir=target_path.parent)
                )
                source_path = Path(directory) / "plain.sqlite3"
                with _private_file(source_path) as plain:
                    decrypt_to(path, plain, progress)
            source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
            target = sqlite3.connect(target_path)
            try:
                source.backup(target, **_sqlite_progress(progress, "restore"))
            finally:
                source.close()
                target.close()
    result.seconds = time.monotonic() - started
    started = time.monotonic()
    with connect(config) as wrapper:
        restored = checksums(wrapper, progress)
    result.verify_seconds = time.monotonic() - started
    result.problems += compare(manifest["tables"], restored)
    result.tables = len(restored)
    result.rows = sum(table["rows"] for table in restored.values())
    return result


def _pg_restore_decrypted(
    arguments: list[str],
    path: Path,
    config: dict[str, Any],
    progress: ProgressCallback | None,
) -> None:
    """pg_restore reading the decrypted dump from its standard input (never plain on disk)."""
    with tempfile.TemporaryFile("w+") as errors_file:
        process = subprocess.Popen(  # noqa: S603 (a fixed program, our own arguments)
            arguments,
            env=pg_environment(config),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors_file,
        )
        assert process.stdin is not None
        try:
            for chunk in decrypt_chunks(path, progress=progress):
                process.stdin.write(chunk)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message tell why
        except BaseException:
            process.kill()
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
            process.wait()
        errors_file.seek(0)
        if process.returncode != 0:
            raise BackupError(f"pg_restore failed: {errors_file.read().strip()[-2000:]}")


# --- The drill's scratch database --------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(config: dict[str, Any], directory: Path) -> Iterator[dict[str, Any]]:
    """An empty database of the same kind, removed afterwards."""
    if engine_of(config) == SQLITE:
        yield complete({"ENGINE": config["ENGINE"], "NAME": str(directory / "drill.sqlite3")})
        return
    name = f"arki_drill_{secrets.token_hex(6)}"
    with connect(config) as wrapper, wrapper.cursor() as cursor:
        # The same encoding and locale as the database being drilled.
        cursor.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()"
        )
        encoding, collate, ctype = (
            "'" + str(value).replace("'", "''") + "'" for value in cursor.fetchone()
        )
        cursor.execute(
            f"CREATE DATABASE {wrapper.ops.quote_name(name)} TEMPLATE template0 "
            f"ENCODING {encoding} LC_COLLATE {collate} LC_CTYPE {ctype}"
        )
    try:
        yield complete({**config, "NAME": name})
    finally:
        with connect(config) as wrapper, wrapper.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {wrapper.ops.quote_name(name)} WITH (FORCE)")
