"""Finnish and Swedish catalogues are complete and match the strings in the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["fi", "sv"]
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
SKIP = {".venv", ".git", "staticfiles", "node_modules", ".pytest_cache", ".mypy_cache", "locale"}


def catalogue(language: str, root: Path = ROOT) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    po = catalogue(language)
    missing = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags and not entry.obsolete]
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:10]}"
    assert fuzzy == [], f"{language}: fuzzy entries {fuzzy[:10]}"


def test_catalogues_contain_every_string_in_the_code(tmp_path):
    copy = tmp_path / "src"
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in SKIP or path.is_dir() or path.suffix not in SOURCE_SUFFIXES:
            continue
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    for language in LANGUAGES:
        (copy / "locale" / language / "LC_MESSAGES").mkdir(parents=True)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-location",
            *[f"-l{x}" for x in LANGUAGES],
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for language in LANGUAGES:
        in_code = {key(entry) for entry in catalogue(language, copy)}
        in_catalogue = {key(entry) for entry in catalogue(language) if not entry.obsolete}
        assert sorted(in_code - in_catalogue) == [], f"{language}: run `make messages`"
