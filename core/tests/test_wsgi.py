"""The WSGI application settles the garbage collector of its worker (decision 0008)."""

import gc


def test_the_worker_freezes_what_it_loaded_and_collects_less_often():
    before = gc.get_threshold()
    try:
        from arki import wsgi

        wsgi.settle_garbage_collector()
        assert gc.get_threshold() == wsgi.GC_THRESHOLDS == (7000, 10, 10)
        assert gc.get_freeze_count() > 10_000  # the modules, models and URL patterns loaded
        assert callable(wsgi.application)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
