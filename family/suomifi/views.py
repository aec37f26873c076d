"""Work in progress: the service provider's endpoints (see family/suomifi/__init__.py)."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from audit.access import PUBLIC, access_rule
from core.http import PublicRequest


@access_rule(PUBLIC)
def login(request: PublicRequest) -> HttpResponse:
    raise Http404


@access_rule(PUBLIC)
def acs(request: PublicRequest) -> HttpResponse:
    raise Http404


@access_rule(PUBLIC)
def metadata(request: PublicRequest) -> HttpResponse:
    raise Http404


@access_rule(PUBLIC)
def logout(request: PublicRequest) -> HttpResponse:
    raise Http404
