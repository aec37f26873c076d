"""Settings for the benchmark's `collectstatic` step only: Arki's settings, one storage change.

The vendored Chart.js ends with ``//# sourceMappingURL=chart.umd.min.js.map`` but the map is
not shipped, so the production storage's post-processing stops with "could not be found".
Until that line goes, the benchmark collects with the same storage minus the JavaScript
source-map rewriting; the manifest it writes is the one the unchanged production settings read.
"""

from arki.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "benchmarks.storage.NoSourceMapStorage"},
}
