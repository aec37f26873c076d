"""What every route must answer, per role and per side.

Routes without a person's data: written by hand from docs/permissions.md. Personal routes: run
from the access-policy catalogue (``audit/policy.py``): the first action the route's view
declares must be allowed by a basis the role holds on that side's record, and which bases each
role holds in the test world is written by hand below (``WORLD_BASES``), never computed from
the code under test. A status is an int, or:

* ``LOGIN`` – 302 to the sign-in page (anonymous on a guarded page);
* ``ADMIN_LOGIN`` – 302 to the admin site's sign-in page;
* ``REDIRECT`` – 302 somewhere else.

Each role maps to ``(part, not_part)``: the answer for the Kaakkuri side (the user's own
network, contact, team …) and for the Tuira side (someone else's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audit.models import Basis
from audit.policy import Kind, Permission
from tests.security.world import ANONYMOUS, ROLES

LOGIN, ADMIN_LOGIN, REDIRECT = "sign-in", "admin sign-in", "redirect"

PUBLIC = "public"
SIGNED_IN = "signed-in"
CONTACT = "contact"
NETWORK = "network"
PERSON = "directory-person"
FAMILY = "family-link"
REGION_TOKEN = "region-token"
METRICS_TOKEN = "metrics-token"
KEEPERS = "role:developer_worker|administrator"
COORDINATOR = "role:coordinator"
RESULT_READERS = "role:leadership_member|developer_worker|coordinator"
ENTERERS = "role:developer_worker|leadership_member|administrator"
LEADERS = "role:leadership_member|developer_worker"
BACKBONE = "role:developer_worker|leadership_member|administrator"
SHARERS = "role:developer_worker|leadership_member"
HUB_READERS = "role:learning_network|developer_worker|leadership_member"
HUB_KEEPERS = "role:learning_network|developer_worker"
OFFICERS = "role:data_protection_officer"
EMERGENCY = "role:coordinator|professional"
ADMINISTRATORS = "role:administrator"
OFFICER_REPORT = "data-protection-officer"
ADMIN_SITE = "administrators only (arki.admin.ArkiAdminSite.has_permission)"


@dataclass(frozen=True)
class Expect:
    rule: str
    statuses: dict[str, tuple[Any, Any]]
    personal: bool = False
    logs: int | None = None  # access-log rows per request, when not one per 200/403
    from_catalogue: bool = False

    def status(self, role: str, side_index: int) -> Any:
        return self.statuses[role][side_index]


Held = tuple[frozenset[Basis], frozenset[Basis]]
NONE: frozenset[Basis] = frozenset()


def held(
    part: set[Basis] | frozenset[Basis], not_part: set[Basis] | frozenset[Basis] = NONE
) -> Held:
    return frozenset(part), frozenset(not_part)


# The bases each role holds on each side's records in the world (world.py): Kaakkuri, Tuira.
# A meeting's bases are its network's. The Kaakkuri professional sent a request there (the
# side's contact) and is a participant of its network; every signed-in user may read the work
# contact details of the Kaakkuri side's listed professional (Tuira's "person" is not listed).
_LISTED = {Kind.DIRECTORY_PERSON: held({Basis.WORK_CONTACT})}
WORLD_BASES: dict[str, dict[Kind, Held]] = {role: dict(_LISTED) for role in ROLES}
WORLD_BASES["professional"].update(
    {
        Kind.CONTACT: held({Basis.SENDER}),
        Kind.NETWORK: held({Basis.PARTICIPANT}),
        Kind.MEETING: held({Basis.PARTICIPANT}),
    }
)
WORLD_BASES["coordinator"].update(
    {
        Kind.CONTACT: held({Basis.COORDINATOR}),
        Kind.NETWORK: held({Basis.COORDINATOR}),
        Kind.MEETING: held({Basis.COORDINATOR}),
    }
)
WORLD_BASES["data_protection_officer"].update(
    {
        Kind.NETWORK: held({Basis.DATA_PROTECTION_OFFICER}, {Basis.DATA_PROTECTION_OFFICER}),
        Kind.MEETING: held({Basis.DATA_PROTECTION_OFFICER}, {Basis.DATA_PROTECTION_OFFICER}),
    }
)


def bases_in_world(role: str, kind: Kind, side_index: int) -> frozenset[Basis]:
    if role == ANONYMOUS:
        return NONE
    return WORLD_BASES[role].get(kind, (NONE, NONE))[side_index]


def logged_basis(role: str, action: Permission, side_index: int) -> str:
    """The basis the access-log row must name: the strongest one allowing the action, or, on a
    refusal, the strongest one the role holds (empty when none)."""
    bases = bases_in_world(role, action.kind, side_index)
    allowed = action.allows(bases)
    if allowed is not None:
        return allowed.value
    return next((basis.value for basis in Basis if basis in bases), "")


def catalogue(rule: str) -> Expect:
    """A personal route whose answers follow from the catalogue (see ``resolved``)."""
    return Expect(rule, {}, personal=True, from_catalogue=True)


def resolved(expected: Expect, actions: tuple[Permission, ...]) -> Expect:
    """A catalogue expectation with its statuses: 200 where a basis the role holds allows the
    route's first action, 403 (logged) where not, the sign-in page for the anonymous."""
    if not expected.from_catalogue:
        return expected
    if not actions:
        raise AssertionError("a personal route must name its catalogue actions")
    action = actions[0]
    statuses: dict[str, tuple[Any, Any]] = {ANONYMOUS: (LOGIN, LOGIN)}
    for role in ROLES:
        part, not_part = (
            200 if action.allows(bases_in_world(role, action.kind, index)) else 403
            for index in (0, 1)
        )
        statuses[role] = (part, not_part)
    return Expect(expected.rule, statuses, personal=True, logs=expected.logs)


def expect(
    rule: str,
    *,
    default: Any = 403,
    anonymous: Any = LOGIN,
    personal: bool = False,
    logs: int | None = None,
    **roles: Any,
) -> Expect:
    statuses: dict[str, tuple[Any, Any]] = {}
    for role in ROLES:
        value = roles.get(role, default)
        statuses[role] = value if isinstance(value, tuple) else (value, value)
    statuses[ANONYMOUS] = anonymous if isinstance(anonymous, tuple) else (anonymous, anonymous)
    return Expect(rule, statuses, personal, logs)


def everyone(rule: str, status: Any, **kw: Any) -> Expect:
    return expect(rule, default=status, anonymous=status, **kw)


def signed_in(status: Any = 200) -> Expect:
    return expect(SIGNED_IN, default=status)


def only(rule: str, *roles: str, status: Any = 200) -> Expect:
    return expect(rule, **dict.fromkeys(roles, status))


def post_only(rule: str, personal: bool = False) -> Expect:
    """``@require_POST`` outside the access rule: a GET is refused before anything else."""
    return everyone(rule, 405, personal=personal)


OWN = (200, 403)  # the user's own record answers, someone else's is refused

EXPECTATIONS: dict[str, Expect] = {
    "home:home": signed_in(),
    "home:accessibility": everyone(PUBLIC, 200),
    "home:healthz": everyone(PUBLIC, 200),
    # Readiness: the test world has run no periodic task and has no worker, so it is not ready.
    "operations:readyz": everyone(PUBLIC, 503),
    # Prometheus with a bearer token (own tests); without ARKI_METRICS_TOKEN the endpoint is 404.
    "operations:metrics": everyone(METRICS_TOKEN, 404),
    "home:ping": signed_in(),  # the benchmark's floor view
    # A signed-in user on the sign-in page goes on to the front page.
    "accounts:login": expect(PUBLIC, default=REDIRECT, anonymous=200),
    "accounts:logout": everyone(PUBLIC, 405),  # signing out is a POST
    "accounts:locked_out": everyone(PUBLIC, 429),
    # The second factor's setup or code prompt (required in production; here it is optional).
    "accounts:two_factor": signed_in(),
    "accounts:own_details": signed_in(),  # one's own phone and phone hours
    "directory:search": signed_in(),
    "directory:service_detail": signed_in(),
    "directory:organisation_detail": signed_in(),
    # Kaakkuri side: a listed professional; Tuira side: a user not in the directory.
    "directory:person_detail": catalogue(PERSON),
    "directory:area_list": signed_in(),
    "directory:actor_map": signed_in(),
    "directory:export_hsds": only(KEEPERS, "developer_worker", "administrator"),
    "directory:import_hsds": only(KEEPERS, "developer_worker", "administrator"),
    "directory:ptv_import": only(KEEPERS, "developer_worker", "administrator"),
    "contacts:queue": only(COORDINATOR, "coordinator"),
    # The public "Ota yhteyttä" form and its receipt: no sign-in (contacts/public_views.py).
    "contacts:public_contact": everyone(PUBLIC, 200),
    "contacts:public_contact_sent": everyone(PUBLIC, 200),
    "contacts:new": only(COORDINATOR, "coordinator"),
    # The professional picker: names, titles and services of the directory, no log row.
    "contacts:professionals": only(COORDINATOR, "coordinator"),
    "contacts:request": signed_in(),
    "contacts:my_requests": signed_in(),
    "contacts:discussion": signed_in(),
    "contacts:detail": catalogue(CONTACT),
    "contacts:edit": catalogue(CONTACT),
    "contacts:advice": post_only(CONTACT, personal=True),
    "contacts:convene": catalogue(CONTACT),
    "contacts:join": post_only(CONTACT, personal=True),
    "networks:mine": signed_in(),
    "networks:detail": catalogue(NETWORK),
    "networks:add_participant": catalogue(NETWORK),
    "networks:add_child": post_only(NETWORK, personal=True),
    "networks:remove_participant": post_only(NETWORK, personal=True),
    "networks:link_account": post_only(NETWORK, personal=True),
    "networks:reaching": catalogue(NETWORK),
    "networks:schedule_meeting": catalogue(NETWORK),
    "networks:move_meeting": catalogue(NETWORK),
    "networks:cancel_meeting": catalogue(NETWORK),
    "networks:mark_held": post_only(NETWORK, personal=True),
    "networks:family_invitation": catalogue(NETWORK),
    # Consent and bans: the coordinator (and the initiator, reading); participants are refused.
    "networks:consents": catalogue(NETWORK),
    # Emergency access: the reason form shows only the network's number, to these roles.
    "networks:break_glass": expect(EMERGENCY, coordinator=200, professional=200),
    "audit:search": only(OFFICERS, "data_protection_officer"),
    "audit:verify": only(OFFICERS, "data_protection_officer"),
    "audit:break_glass": only(OFFICERS, "data_protection_officer"),
    "accounts:role_grants": only(OFFICERS, "data_protection_officer"),
    # Staff import: upload, preview and apply, and its CSV template – administrators only.
    "accounts:staff_import": only(ADMINISTRATORS, "administrator"),
    "accounts:staff_import_template": only(ADMINISTRATORS, "administrator"),
    # The go-live readiness page: areas, teams and settings, no person's data.
    "operations:go_live": only(ADMINISTRATORS, "administrator"),
    "audit:review": expect(OFFICERS, data_protection_officer=405),  # the gate, then POST only
    # The client's report names the child: a personal view for the officer only, logged.
    "audit:client_report": catalogue(OFFICER_REPORT),
    "privacy:subject_export": catalogue(NETWORK),
    "privacy:retention": only(ADMINISTRATORS, "administrator"),
    "meetings:my_promises": signed_in(),
    "meetings:record": catalogue(NETWORK),
    "meetings:memo": catalogue(NETWORK),
    "meetings:memo_pdf": catalogue(NETWORK),
    "meetings:memo_family_copy": catalogue(NETWORK),
    "meetings:close": catalogue(NETWORK),
    "meetings:resolve_promises": post_only(NETWORK, personal=True),
    "meetings:promise_done": post_only(NETWORK, personal=True),
    # Without a verified code the link only asks for the code: nobody's data, no log row.
    # The verified plan has its own tests (test_url_matrix.py::test_family_link_*).
    "family:plan": everyone(FAMILY, 200, personal=True, logs=0),
    # A memo copy without a verified code sends to the code prompt: nobody's data, no log row.
    # The verified download has its own tests (family/tests/test_outside_professionals.py).
    "family:memo": everyone(FAMILY, REDIRECT, personal=True, logs=0),
    # Without strong identification in the session: the sign-in page; the identified person's
    # plans have their own tests (family/tests/test_identified.py).
    "family:mine": everyone(FAMILY, 200, personal=True, logs=0),
    "family:me_plan": everyone(FAMILY, REDIRECT, personal=True, logs=0),
    "family:me_memo": everyone(FAMILY, REDIRECT, personal=True, logs=0),
    # Preparing a meeting without a verified code or identification: the code prompt or the
    # sign-in page, nobody's data, no log row. family/tests/test_prepare.py opens it.
    "family:prepare": everyone(FAMILY, REDIRECT, personal=True, logs=0),
    "family:me_prepare": everyone(FAMILY, REDIRECT, personal=True, logs=0),
    # The family member's "Done" button (family/tests/test_plan_page.py): a GET is refused first.
    "family:promise_done": post_only(FAMILY, personal=True),
    "family:me_promise_done": post_only(FAMILY, personal=True),
    # Suomi.fi (SAML 2.0) endpoints: family/tests/test_suomifi.py signs in end to end against a
    # local identity provider. The test world has no identity provider configured, so signing
    # in and the metadata answer "not in use" (404); the answer and signing out are POSTs.
    "family:suomifi_login": everyone(PUBLIC, 404),
    "family:suomifi_acs": post_only(PUBLIC),
    "family:suomifi_metadata": everyone(PUBLIC, 404),
    "family:suomifi_logout": post_only(PUBLIC),
    "family:create_link": post_only(NETWORK, personal=True),
    "family:new_code": post_only(NETWORK, personal=True),
    "family:revoke": post_only(NETWORK, personal=True),
    "feedback:results": only(
        RESULT_READERS, "leadership_member", "developer_worker", "coordinator"
    ),
    "feedback:export": only(RESULT_READERS, "leadership_member", "developer_worker", "coordinator"),
    # A valid, unused feedback link shows its survey to whoever holds it.
    "feedback:answer": everyone(PUBLIC, 200),
    "indicator_entry:form": only(
        ENTERERS, "developer_worker", "leadership_member", "administrator"
    ),
    "indicator_entry:import": only(
        ENTERERS, "developer_worker", "leadership_member", "administrator"
    ),
    "indicator_entry:template": only(
        ENTERERS, "developer_worker", "leadership_member", "administrator"
    ),
    "indicators:dashboard": only(
        RESULT_READERS, "leadership_member", "developer_worker", "coordinator"
    ),
    "indicators:export": only(
        RESULT_READERS, "leadership_member", "developer_worker", "coordinator"
    ),
    "indicators:chart": only(
        RESULT_READERS, "leadership_member", "developer_worker", "coordinator"
    ),
    "indicators:indicator": only(
        RESULT_READERS, "leadership_member", "developer_worker", "coordinator"
    ),
    "indicators:add_note": post_only(RESULT_READERS),
    "indicators:api_values": only(
        RESULT_READERS, "leadership_member", "developer_worker", "coordinator"
    ),
    "indicators:api_schema": only(
        RESULT_READERS, "leadership_member", "developer_worker", "coordinator"
    ),
    # Leadership members see their own team; the developer worker every team.
    "leadership:teams": only(LEADERS, "leadership_member", "developer_worker"),
    "leadership:team": expect(LEADERS, leadership_member=(200, 404), developer_worker=200),
    # Keeping the teams (create, rhythm, members): the developer worker and the administrator.
    "leadership:team_new": only(KEEPERS, "developer_worker", "administrator"),
    "leadership:team_edit": only(KEEPERS, "developer_worker", "administrator"),
    "leadership:add_member": only(KEEPERS, "developer_worker", "administrator"),
    "leadership:remove_member": post_only(KEEPERS),
    "leadership:make_chair": post_only(KEEPERS),
    "leadership:schedule": post_only(LEADERS),
    "leadership:meeting": expect(LEADERS, leadership_member=OWN, developer_worker=200),
    "leadership:add_decision": post_only(LEADERS),
    "leadership:add_commitment": post_only(LEADERS),
    "leadership:review": post_only(LEADERS),
    "leadership:held": post_only(LEADERS),
    "leadership:minutes": expect(LEADERS, leadership_member=OWN, developer_worker=200),
    "leadership:minutes_pdf": expect(LEADERS, leadership_member=OWN, developer_worker=200),
    "leadership:publish": post_only(LEADERS),
    "backbone:home": signed_in(),
    "backbone:tasks": only(BACKBONE, "developer_worker", "leadership_member", "administrator"),
    "backbone:task_create": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:task_edit": only(BACKBONE, "developer_worker", "leadership_member", "administrator"),
    "backbone:task_status": post_only(BACKBONE),
    "backbone:task_delete": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:instructions": signed_in(),
    "backbone:instruction_create": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:instruction": signed_in(),
    "backbone:instruction_edit": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:bulletins": signed_in(),
    "backbone:bulletin_create": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:bulletin_reads": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    # The Kaakkuri bulletin reaches everyone; the Tuira one only Tuira's staff and the backbone.
    "backbone:bulletin": expect(
        SIGNED_IN,
        default=(200, 404),
        developer_worker=200,
        leadership_member=200,
        administrator=200,
    ),
    "backbone:bulletin_receipts": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:events": signed_in(),
    "backbone:event_create": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:event_register": post_only(SIGNED_IN),
    "backbone:event_cancel": post_only(SIGNED_IN),
    "backbone:event_attendance": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:training_records": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:training_record_create": only(
        BACKBONE, "developer_worker", "leadership_member", "administrator"
    ),
    "backbone:self_reviews": signed_in(),
    "learning:learnings": only(SHARERS, "developer_worker", "leadership_member"),
    "learning:learning_share": only(SHARERS, "developer_worker", "leadership_member", status=405),
    "learning:export": only(SHARERS, "developer_worker", "leadership_member"),
    "learning:export_download": only(SHARERS, "developer_worker", "leadership_member"),
    "learning:export_send": only(SHARERS, "developer_worker", "leadership_member", status=405),
    "learning:compare": only(
        HUB_READERS, "learning_network", "developer_worker", "leadership_member"
    ),
    "learning:hub_learnings": only(
        HUB_READERS, "learning_network", "developer_worker", "leadership_member"
    ),
    "learning:regions": only(
        HUB_READERS, "learning_network", "developer_worker", "leadership_member"
    ),
    "learning:region": only(
        HUB_READERS, "learning_network", "developer_worker", "leadership_member"
    ),
    "learning:upload": only(HUB_KEEPERS, "learning_network", "developer_worker"),
    "learning:meetings": only(
        HUB_READERS, "learning_network", "developer_worker", "leadership_member"
    ),
    "learning:meeting": only(
        HUB_READERS, "learning_network", "developer_worker", "leadership_member"
    ),
    "learning:trial_create": only(HUB_KEEPERS, "learning_network", "developer_worker"),
    "learning:trial": only(HUB_KEEPERS, "learning_network", "developer_worker"),
    # The API takes POSTs with a bearer token (own tests); a GET is refused for everyone.
    "learning:api_packages": everyone(REGION_TOKEN, 405),
    # Without a next page, switching the language by GET goes back to the front page.
    "set_language": everyone(PUBLIC, REDIRECT),
}

# The admin site: one expectation for all its routes (Django generates one set per model).
ADMIN = expect(ADMIN_SITE, default=ADMIN_LOGIN, anonymous=ADMIN_LOGIN, administrator="admin-ok")
ADMIN_SPECIAL = {
    # Everyone may see the admin sign-in page; a signed-in administrator goes on to the index.
    "admin:login": expect(ADMIN_SITE, default=200, anonymous=200, administrator=REDIRECT),
    # Signing out by GET: the non-administrator is sent to the index, the administrator refused.
    "admin:logout": expect(ADMIN_SITE, default=REDIRECT, anonymous=REDIRECT, administrator=405),
}


# The admin site's catch-all answers 404 to an administrator for a page that does not exist.
ADMIN_CATCH_ALL = expect(ADMIN_SITE, default=ADMIN_LOGIN, anonymous=ADMIN_LOGIN, administrator=404)


def expectation_for(name: str, route: str, actions: tuple[Permission, ...] = ()) -> Expect:
    """The expectation of a route; a personal route's statuses follow from the catalogue and the
    first of the view's declared ``actions``."""
    if route == "admin/(?P<url>.*)$":
        return ADMIN_CATCH_ALL
    if name.startswith("admin:") or route.startswith("admin/"):
        return ADMIN_SPECIAL.get(name, ADMIN)
    if name not in EXPECTATIONS:
        raise AssertionError(f"add an expectation for {name or route}")
    return resolved(EXPECTATIONS[name], actions)


def matches(expected: Any, response: Any) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        return status == 302 and location.startswith("/accounts/login/")
    if expected == ADMIN_LOGIN:
        return status == 302 and location.startswith("/admin/login/")
    if expected == REDIRECT:
        return status == 302
    if expected == "admin-ok":
        # Administrators reach every page; read-only models refuse changes (403) by design.
        return status in (200, 302, 403)
    return status == expected
