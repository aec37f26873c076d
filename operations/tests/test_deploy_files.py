"""The production files in deploy/: systemd units, the nginx site, gunicorn's settings and the
environment template. The system tools check them where they are installed; the tests never
install them."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from arki import env

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("arki-*"))
APP_DIR = "/srv/arki/app"
# A variable read as os.environ.get("NAME" …), os.environ["NAME"] or (env.)get_*("NAME" …).
READ = re.compile(
    r'(?:os\.environ\.get\(|os\.environ\[|os\.getenv\(|\bget_\w+\()\s*"([A-Z][A-Z0-9_]+)"'
)
# Read by the benchmark only (benchmarks/), never by a running installation.
NOT_FOR_PRODUCTION = re.compile(r"^ARKI_BENCH_")
# Set by arki-web.service itself, not by the operator.
SET_BY_THE_UNIT = {"PROMETHEUS_MULTIPROC_DIR"}


def template_variables() -> dict[str, str]:
    names = {}
    for line in (DEPLOY / "arki.env.example").read_text().splitlines():
        match = re.match(r"^#?([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match:
            names[match.group(1)] = match.group(2)
    return names


def variables_read_by_arki() -> set[str]:
    sources = [
        Path(settings.BASE_DIR) / "arki" / "settings.py",
        Path(settings.BASE_DIR) / "arki" / "env.py",
        DEPLOY / "gunicorn.conf.py",
    ]
    names = set(env.OIDC_REQUIRED) | {"OIDC_RP_SIGN_ALGO"}
    for source in sources:
        names |= set(READ.findall(source.read_text()))
    # ARKI_* variables read anywhere else in Arki (backups, packages …).
    for source in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in source.parts or "tests" in source.parts:
            continue
        names |= {name for name in READ.findall(source.read_text()) if name.startswith("ARKI_")}
    return {name for name in names if not NOT_FOR_PRODUCTION.match(name)}


def test_the_environment_template_names_every_variable_arki_reads():
    missing = variables_read_by_arki() - SET_BY_THE_UNIT - set(template_variables())
    assert not missing, f"add to deploy/arki.env.example: {sorted(missing)}"
    assert not SET_BY_THE_UNIT & set(template_variables())


def test_the_template_is_production_and_holds_no_secret():
    variables = template_variables()
    assert variables["ARKI_ENV"] == "production"
    assert variables["ARKI_LOG_FORMAT"] == "json"
    for secret in (
        "SECRET_KEY",
        "ARKI_CHECKPOINT_KEY",
        "ARKI_METRICS_TOKEN",
        "LEARNING_SIGNING_KEY",
    ):
        assert variables[secret] == "", f"{secret} must be left for the operator to fill"


def test_the_units_run_arki_as_its_own_user_from_its_environment_file():
    assert {unit.name for unit in UNITS} == {
        "arki-web.service",
        "arki-worker.service",
        "arki-scheduler.service",
        "arki-scheduler.timer",
    }
    for unit in UNITS:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert "User=arki" in text, unit.name
            assert "EnvironmentFile=/etc/arki/arki.env" in text, unit.name
            assert f"ExecStart={APP_DIR}/.venv/bin/" in text, unit.name
    assert (
        "manage.py scheduler --once" in (DEPLOY / "systemd" / "arki-scheduler.service").read_text()
    )
    web = (DEPLOY / "systemd" / "arki-web.service").read_text()
    assert "--config deploy/gunicorn.conf.py" in web
    assert "PROMETHEUS_MULTIPROC_DIR=/run/arki-web" in web and "RuntimeDirectory=arki-web" in web


def test_the_timer_period_is_the_scheduler_interval():
    timer = (DEPLOY / "systemd" / "arki-scheduler.timer").read_text()
    assert "OnCalendar=*:0/15" in timer
    assert template_variables()["ARKI_SCHEDULER_INTERVAL"] == str(15 * 60)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # verify checks that ExecStart's program exists: stand-ins under a copy of the app directory.
    app = tmp_path / "app"
    (app / ".venv" / "bin").mkdir(parents=True)
    for program in ("gunicorn", "python"):
        path = app / ".venv" / "bin" / program
        path.write_text("#!/bin/sh\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS:
        (units / unit.name).write_text(unit.read_text().replace(APP_DIR, str(app)))

    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(path) for path in units.iterdir())],
        capture_output=True,
        text=True,
        timeout=30,
    )

    # verify exits 0 after merely warning about an unknown key or a bad value: both count.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "arki.example.fi")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def nginx() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@pytest.mark.skipif(not nginx(), reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    (tmp_path / "logs").mkdir()
    site = (
        (DEPLOY / "nginx" / "arki.conf")
        .read_text()
        .replace("/etc/letsencrypt/live/arki.example.fi/fullchain.pem", str(cert))
        .replace("/etc/letsencrypt/live/arki.example.fi/privkey.pem", str(key))
        .replace("/var/log/nginx/", f"{tmp_path}/logs/")
    )
    (tmp_path / "arki.conf").write_text(site)
    # Debian's /etc/nginx/nginx.conf includes the site inside http {}; this stands in for it.
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp_path}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp_paths}    include {tmp_path}/arki.conf;\n}}\n"
    )

    result = subprocess.run(
        [str(nginx()), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_proxy_takes_arkis_largest_upload_and_passes_the_request_id():
    from directory import hsds

    site = (DEPLOY / "nginx" / "arki.conf").read_text()
    limit = re.search(r"client_max_body_size (\d+)m;", site)
    assert limit and int(limit.group(1)) * 1024 * 1024 > hsds.MAX_FILE_BYTES
    assert "proxy_set_header X-Request-ID $request_id;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert f"alias {APP_DIR}/staticfiles/;" in site
    assert str(settings.STATIC_URL) == "/static/"
    # The access log format carries no URL and no client address.
    log_format = site.split("log_format arki_private", 1)[1].split(";", 1)[0]
    for variable in ("$request ", "$request_uri", "$uri", "$args", "$remote_addr", "$query_string"):
        assert variable not in log_format + " "


def test_gunicorn_reads_its_settings(tmp_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed beside this Python")
    result = subprocess.run(
        [
            str(gunicorn),
            *("--config", str(DEPLOY / "gunicorn.conf.py")),
            *("--print-config", "arki.wsgi:application"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=settings.BASE_DIR,
        env={**os.environ, "ARKI_LOCAL_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    printed = dict(
        line.split("=", 1)
        for line in (raw.replace(" ", "") for raw in result.stdout.splitlines())
        if "=" in line
    )
    assert printed["accesslog"] == "None"
    assert printed["timeout"] == "60"
    assert printed["control_socket_disable"] == "True"
