"""Backup, restore and the restore drill (``manage.py backup``, ``restore``, ``restore_drill``).

A backup is one file plus a manifest beside it (``<file>.manifest.json``): the engine, the file's
sha256 and, per table, the row count and a sha256 over the table's rows in primary-key order.

* PostgreSQL: ``pg_dump --format=custom``. The manifest's checksums are computed in the same
  snapshot the dump reads (``pg_export_snapshot`` + ``pg_dump --snapshot``), so they describe
  exactly the dumped data even while Arki keeps writing. Each row is hashed in the database
  (``sha256(row::text)``); only the digests are streamed to Python.
* SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent database;
  the checksums are computed from the copy.

Restoring checks the file against the manifest, refuses a database that already has tables
(unless forced), restores, and compares the restored tables with the manifest.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler, load_backend

MANIFEST_FORMAT = "arki-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
FETCH = 5000
POSTGRESQL = "postgresql"
TEXT_TYPE_OIDS = {25, 1042, 1043}  # text, char(n), varchar(n)
SQLITE = "sqlite"


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
        return ConnectionHandler().configure_settings({"default": config})["default"]
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


def checksums(wrapper: BaseDatabaseWrapper) -> dict[str, dict[str, Any]]:
    return {table: table_checksum(wrapper, table) for table in table_names(wrapper)}


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


def manifest_path_for(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def default_output(config: dict[str, Any]) -> Path:
    directory = Path(os.environ.get("ARKI_BACKUP_DIR", settings.LOCAL_DIR / "backups"))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ".dump" if engine_of(config) == POSTGRESQL else ".sqlite3"
    return directory / f"arki-{stamp}{suffix}"


def backup(config: dict[str, Any], output: Path | None = None) -> Backup:
    output = Path(output) if output else default_output(config)
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output")
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    partial = output.with_name(output.name + ".partial")
    try:
        if engine_of(config) == POSTGRESQL:
            tables, details = _backup_postgresql(config, partial)
        else:
            tables, details = _backup_sqlite(config, partial)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    os.chmod(output, 0o600)
    seconds = time.monotonic() - started
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


def _backup_postgresql(config: dict[str, Any], output: Path) -> tuple[dict[str, Any], dict]:
    program = pg_program("pg_dump")
    with connect(config) as wrapper, wrapper.cursor() as cursor:
        # One snapshot for the dump and the checksums: the manifest describes exactly the dump.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        dump = subprocess.Popen(  # noqa: S603 (a fixed program, our own arguments)
            [program, "--format=custom", f"--snapshot={snapshot}", f"--file={output}"],
            env=pg_environment(config),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            tables = checksums(wrapper)
        except BaseException:
            dump.kill()
            raise
        finally:
            _out, errors = dump.communicate()
            cursor.execute("COMMIT")
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {errors.strip()[-2000:]}")
    version = subprocess.run(  # noqa: S603
        [program, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return tables, {"server_version": server_version, "tool": version}


def _sqlite_source(config: dict[str, Any]) -> str:
    return str(config["NAME"])


def _backup_sqlite(config: dict[str, Any], output: Path) -> tuple[dict[str, Any], dict]:
    from django.db import connection

    target = sqlite3.connect(output)
    try:
        if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == config["NAME"]:
            # Arki's own connection: works for the file and for an in-memory test database.
            connection.ensure_connection()
            connection.connection.backup(target)
        else:
            source = sqlite3.connect(f"file:{_sqlite_source(config)}?mode=ro", uri=True)
            try:
                source.backup(target)
            finally:
                source.close()
    finally:
        target.close()
    with connect(complete({"ENGINE": "django.db.backends.sqlite3", "NAME": str(output)})) as copy:
        tables = checksums(copy)
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


def restore(path: Path, config: dict[str, Any], *, force: bool = False) -> Restore:
    """Restore the backup into the database ``config`` names and compare it with the manifest."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest["engine"] != engine_of(config):
        raise BackupError(
            f"the backup is of a {manifest['engine']} database; the target is {engine_of(config)}"
        )
    result = Restore()
    if file_sha256(path) != manifest["file_sha256"]:
        result.problems.append(f"{path.name}: the file's checksum differs from the manifest")
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
        run_program([*arguments, str(path)], config)
    else:
        target_path = Path(config["NAME"])
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    result.seconds = time.monotonic() - started
    started = time.monotonic()
    with connect(config) as wrapper:
        restored = checksums(wrapper)
    result.verify_seconds = time.monotonic() - started
    result.problems += compare(manifest["tables"], restored)
    result.tables = len(restored)
    result.rows = sum(table["rows"] for table in restored.values())
    return result


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
