"""The production static-files storage without JavaScript source-map rewriting (see
benchmarks/collectstatic_settings.py)."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class NoSourceMapStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (extension, patterns)
        for extension, patterns in ManifestStaticFilesStorage.patterns
        if extension != "*.js"
    )
