"""Static files survive `collectstatic` in production (the manifest storage follows references)."""

import re
from pathlib import Path

from django.conf import settings

REFERENCE = re.compile(r"sourceMappingURL=(\S+)")


def test_no_static_file_refers_to_a_missing_source_map():
    missing = []
    for path in Path(settings.BASE_DIR, "arki", "static").rglob("*.js"):
        for name in REFERENCE.findall(path.read_text(encoding="utf-8", errors="replace")):
            if not (path.parent / name).exists():
                missing.append(f"{path.name} → {name}")
    assert missing == [], "ManifestStaticFilesStorage fails on these in production: " + ", ".join(
        missing
    )
