"""The tooling (demo, scale, benchmarks) stays apart from the product (issue #22)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

TOOLING = ("demo", "scale", "benchmarks")
BASE = Path(settings.BASE_DIR)


def test_production_installs_the_product_only(tmp_path):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ARKI_", "OIDC_", "DJANGO_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="arki.settings",
        ARKI_ENV="production",
        SECRET_KEY="x" * 64,
        ALLOWED_HOSTS="arki.example.fi",
        ARKI_LOCAL_DIR=str(tmp_path),
        ARKI_CHECKPOINT_DIR=str(tmp_path / "checkpoints"),
        ARKI_CHECKPOINT_KEY="AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
    )
    script = (
        "import django; django.setup()\n"
        "from django.apps import apps\n"
        "print(' '.join(sorted(app.label for app in apps.get_app_configs())))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    labels = set(result.stdout.split())
    assert "networks" in labels
    assert not labels & set(TOOLING)


def test_the_tooling_is_installed_outside_production():
    assert set(TOOLING) <= set(settings.INSTALLED_APPS)


def test_no_product_module_imports_the_tooling():
    offenders = []
    packages = [
        top
        for top in BASE.iterdir()
        if (top / "__init__.py").exists() and top.name not in (*TOOLING, "tests")
    ]
    for path in (path for top in packages for path in top.rglob("*.py")):
        if "tests" in path.relative_to(BASE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            if any(name.split(".")[0] in TOOLING for name in names):
                offenders.append(str(path.relative_to(BASE)))
    assert not offenders
