"""Arki's WSGI application: gunicorn serves it in production (deploy/gunicorn.conf.py) and in
the benchmark, ``runserver`` in development.

Each worker settles Python's garbage collector once Arki is loaded (decision 0008): every view
is imported now rather than on the first request, what is loaded is frozen out of the
collector's scans (``gc.freeze``: it lives as long as the process), and the collector runs
less often. A dashboard request makes tens of thousands of objects that live until it ends;
with the defaults they set off a full collection over the whole process on most such
requests (the county's indicator dashboard at one user: p95 172 ms, with these 86 ms).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arki.settings")
application = get_wsgi_application()

# The youngest generation is collected after 7,000 new objects instead of 700; the older ones
# as by default (after 10 collections of the generation below).
GC_THRESHOLDS = (7000, 10, 10)


def settle_garbage_collector() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view and its modules now
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


settle_garbage_collector()
