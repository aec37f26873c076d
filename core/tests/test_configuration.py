"""Configuration from the environment: wrong or missing values name the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from arki import env

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    unset = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://nobody@localhost/arki"),
        ("DEBUG", "perhaps"),
        ("TIME_ZONE", "Europe/Nowhere"),
        ("EMAIL_URL", "carrier-pigeon://loft"),
        ("ARKI_ENV", "staging"),
    ],
)
def test_a_wrong_variable_stops_start_up_and_is_named(variable, value):
    result = run_manage("check", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr


def test_production_requires_a_secret_key_and_hosts():
    result = run_manage("check", ARKI_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="x.fi")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    result = run_manage("check", ARKI_ENV="production", SECRET_KEY="k" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_mode_passes_the_deployment_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ARKI_ENV="production",
        SECRET_KEY="a-long-random-production-secret-" + "x7Q9zR2m" * 6,
        ALLOWED_HOSTS="arki.example.fi",
        EMAIL_URL="smtp://mail.example.fi:587?tls=1",
        ARKI_CHECKPOINT_DIR="/var/lib/arki/checkpoints",
        ARKI_CHECKPOINT_KEY="AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_requires_the_log_checkpoints():
    hosts = {"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "x.fi"}
    result = run_manage(
        "check",
        ARKI_ENV="production",
        ARKI_CHECKPOINT_DIR="/srv/c",
        ARKI_CHECKPOINT_KEY="",
        **hosts,
    )
    assert result.returncode != 0
    assert "ARKI_CHECKPOINT_KEY" in result.stderr
    key = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
    result = run_manage(
        "check", ARKI_ENV="production", ARKI_CHECKPOINT_KEY=key, ARKI_CHECKPOINT_DIR="", **hosts
    )
    assert result.returncode != 0
    assert "ARKI_CHECKPOINT_DIR" in result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.get_secret_key(False, tmp_path)
    assert len(first) >= 50
    assert env.get_secret_key(False, tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_forms(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert env.get_database(tmp_path / "db")["ENGINE"].endswith("sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgres://arki@db.example.fi:5432/arki")
    config = env.get_database(tmp_path / "db")
    assert config["ENGINE"].endswith("postgresql")
    assert (config["HOST"], config["NAME"], config["USER"]) == ("db.example.fi", "arki", "arki")
    monkeypatch.setenv("DATABASE_URL", "postgres://arki@db.example.fi:5432/")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.get_database(tmp_path / "db")


def test_postgresql_keeps_its_frequent_queries_prepared_unless_told_not_to(monkeypatch, tmp_path):
    """Server-side binding and psycopg's prepared statements (issue #21); off for pgbouncer in
    transaction mode, where a prepared statement may be on another server connection."""
    monkeypatch.delenv("DB_PREPARED_STATEMENTS", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://arki@db:5432/arki")
    options = env.get_database(tmp_path / "db")["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == env.PREPARE_AFTER == 5
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "false")
    options = env.get_database(tmp_path / "db")["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    monkeypatch.delenv("DB_PREPARED_STATEMENTS")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'arki.sqlite3'}")
    assert "prepare_threshold" not in env.get_database(tmp_path / "db").get("OPTIONS", {})


def test_every_database_keeps_its_connection_for_a_while(monkeypatch, tmp_path):
    """A web worker reuses its connection (issue #21): on SQLite a new one per request read the
    schema again and halved the floor's throughput. ``DB_CONN_MAX_AGE=0``: one per request."""
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    for url in ("", f"sqlite:///{tmp_path / 'arki.sqlite3'}", "postgres://arki@db:5432/arki"):
        monkeypatch.setenv("DATABASE_URL", url)
        assert env.get_database(tmp_path / "db")["CONN_MAX_AGE"] == 60, url
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    for url in ("", f"sqlite:///{tmp_path / 'arki.sqlite3'}", "postgres://arki@db:5432/arki"):
        monkeypatch.setenv("DATABASE_URL", url)
        assert env.get_database(tmp_path / "db")["CONN_MAX_AGE"] == 0, url
    # Only PostgreSQL's connection is health-checked (a file does not restart).
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'arki.sqlite3'}")
    assert not env.get_database(tmp_path / "db").get("CONN_HEALTH_CHECKS")


def test_email_url_forms(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp://user%40x.fi:p%40ss@mail.x.fi:587?tls=1")
    smtp = env.get_email("console:")
    assert smtp["EMAIL_HOST"] == "mail.x.fi"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "user@x.fi"
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    monkeypatch.setenv("EMAIL_URL", "smtp://:25")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.get_email("console:")


def test_booleans_and_numbers_name_the_variable(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT"):
        env.get_int("AXES_FAILURE_LIMIT", 5)
    monkeypatch.setenv("DEBUG", "yes")
    assert env.get_bool("DEBUG") is True
