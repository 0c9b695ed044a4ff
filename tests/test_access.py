"""Walk every URL for every role (and anonymous) and check the status.

The table below is the expected access, written independently of
placements.permissions; a URL missing from it fails the walk, so every new
page must say who may use it."""

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from placements.roles import Role
from providers import services as provider_services
from providers.models import Specialism
from referrals import services as referrals
from referrals.models import PlacementType
from tests.journeys import complete_draft
from tests.placements.factories import TeamFactory, UserFactory
from tests.providers.builders import csv_bytes, sheet_row, stored_import
from tests.providers.factories import ProviderFactory

ALL_ROLES = list(Role)
DIRECTORY_VIEWERS = {Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, Role.ADMINISTRATOR}
ADMIN = {Role.ADMINISTRATOR}
PUBLIC = "public"
EVIDENCE_RECORDERS = {
    Role.TEAM_MANAGER,
    Role.SERVICE_LEAD,
    Role.BROKERAGE_OFFICER,
    Role.DUTY_LEAD,
}
APPROVERS = {Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR}
REFERRAL_VIEWERS = {
    Role.SOCIAL_WORKER,
    *EVIDENCE_RECORDERS,
    # Approvers see the referrals that come to cost approval.
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.DIRECTOR,
}
TRACKER_VIEWERS = {
    Role.BROKERAGE_OFFICER,
    Role.DUTY_LEAD,
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.DIRECTOR,
}
SOCIAL_WORKERS = {Role.SOCIAL_WORKER}
BROKERAGE = {Role.BROKERAGE_OFFICER, Role.DUTY_LEAD}
# The walk's referral is another team's draft: those who may see referrals at all
# get 404 for it, everyone else 403.
REFERRAL_PAGES = [
    "detail",
    "children",
    "child-add",
    "child-edit",
    "child-remove",
    "people",
    "person-add",
    "person-edit",
    "person-remove",
    "needs",
    "outcomes",
    "profile",
    "exclusions",
    "exclusion-remove",
    "submit",
    "submitted",
    "withdraw",
    "quality-check",
]
VIEWER_PAGES = {"detail", "withdraw", "quality-check", "submitted"}
POST_ONLY = {"child-remove", "person-remove", "exclusion-remove"}

# url name -> (who may use it with GET, status they get, status others get)
EXPECTED = {
    "home": ("signed-in", None, None),
    "login": (PUBLIC, 200, 302),
    "logout": ("post-only", None, None),
    "signed-out": (PUBLIC, 200, 200),
    "password-set": (PUBLIC, 200, 200),
    "password-set-done": (PUBLIC, 200, 200),
    "healthz": (PUBLIC, 200, 200),
    "council-settings": (ADMIN, 200, 403),
    "accounts:user-list": (ADMIN, 200, 403),
    "accounts:user-create": (ADMIN, 200, 403),
    "accounts:user-detail": (ADMIN, 200, 403),
    "accounts:user-set-active": (ADMIN, 405, 403),
    "accounts:user-resend-invite": (ADMIN, 405, 403),
    "accounts:role-grants": (ADMIN, 200, 403),
    # A grant that does not exist: administrators get 404, or 405 for the POST-only one.
    "accounts:role-grant-approve": (ADMIN, 405, 403),
    "accounts:role-grant-refuse": (ADMIN, 404, 403),
    "providers:list": (DIRECTORY_VIEWERS, 200, 403),
    "providers:detail": (DIRECTORY_VIEWERS, 200, 403),
    "providers:export": (DIRECTORY_VIEWERS, 200, 403),
    "providers:create": (ADMIN, 200, 403),
    "providers:edit": (ADMIN, 200, 403),
    "providers:archive": (ADMIN, 200, 403),
    "providers:specialisms": (ADMIN, 200, 403),
    "providers:specialism-edit": (ADMIN, 200, 403),
    "providers:import": (ADMIN, 200, 403),
    "providers:import-preview": (ADMIN, 200, 403),
    "providers:import-progress": (ADMIN, 200, 403),
    "referrals:list": (REFERRAL_VIEWERS, 200, 403),
    "referrals:action-list": (BROKERAGE, 200, 403),
    "referrals:placement-types": (ADMIN, 200, 403),
    "referrals:placement-type-edit": (ADMIN, 200, 403),
    "referrals:manage": (BROKERAGE, 404, 403),
    "referrals:add-note": (BROKERAGE, 405, 403),
    "referrals:emergency-accept": (BROKERAGE, 404, 403),
    "referrals:chronology-pdf": (REFERRAL_VIEWERS, 404, 403),
    "referrals:pack": (BROKERAGE, 404, 403),
    "referrals:pack-edit": (BROKERAGE, 404, 403),
    "referrals:pack-pdf": (BROKERAGE, 404, 403),
    "referrals:start": (SOCIAL_WORKERS, 405, 403),
    "referrals:allowed-words": ({*BROKERAGE, Role.ADMINISTRATOR}, 200, 403),
    # Removing is a POST; the duty lead and administrators may (405 on GET), others not.
    "referrals:allowed-word-remove": ({Role.DUTY_LEAD, Role.ADMINISTRATOR}, 405, 403),
    "referrals:search": (BROKERAGE, 404, 403),
    "referrals:round": (BROKERAGE, 404, 403),
    "referrals:round-progress": (BROKERAGE, 404, 403),
    "referrals:round-extend": (BROKERAGE, 404, 403),
    "referrals:question-answer": (BROKERAGE, 404, 403),
    # Providers' link pages need no sign-in; a token that matches nothing is a 404.
    **{
        f"respond:{name}": (PUBLIC, 404, 404)
        for name in ("page", "offer", "no-option", "withdraw", "question")
    },
    **{
        f"referrals:{name}": (
            REFERRAL_VIEWERS if name in VIEWER_PAGES else SOCIAL_WORKERS,
            405 if name in POST_ONLY else 404,
            403,
        )
        for name in REFERRAL_PAGES
    },
    "referrals:search-decision": (REFERRAL_VIEWERS, 404, 403),
    **{
        f"referrals:{name}": (EVIDENCE_RECORDERS, 404, 403)
        for name in ("agreement-evidence", "funding-approval", "external-comment")
    },
    "approvals:queue": (APPROVERS, 200, 403),
    "approvals:bands": (ADMIN, 200, 403),
    "approvals:tracker": (TRACKER_VIEWERS, 200, 403),
    "approvals:tracker-export": (TRACKER_VIEWERS, 200, 403),
    **{
        f"approvals:{name}": (BROKERAGE, 404, 403)
        for name in ("offers", "negotiate", "no-suitable-options", "feedback")
    },
    "approvals:ask-again": (BROKERAGE, 405, 403),
    **{
        f"approvals:{name}": (REFERRAL_VIEWERS, 404, 403)
        for name in (
            "override",
            "options",
            "flexibility",
            "cost-approval",
            "placement",
            "agreement-file",
        )
    },
    # The provider's agreement link needs no sign-in; an unknown token is a 404.
    **{f"sign:{name}": (PUBLIC, 404, 404) for name in ("page", "pdf")},
}


def all_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_an_expected_access_entry():
    assert set(all_url_names()) == set(EXPECTED)


@pytest.fixture
def objects(db):
    owner = UserFactory(roles=[Role.ADMINISTRATOR])
    provider = ProviderFactory()
    specialism = Specialism.objects.create(name="Autism")
    upload = stored_import(owner, csv_bytes([sheet_row()]))
    with override_settings(PROVIDER_IMPORT_BACKGROUND_ROWS=0):  # queued for the worker
        job = provider_services.provider_import_confirm(
            provider_import=stored_import(owner, csv_bytes([sheet_row()])),
            specialism_decisions={},
            actor=owner,
        )
    author = UserFactory(roles=[Role.SOCIAL_WORKER], team=TeamFactory(name="Elsewhere"))
    referral = complete_draft(author)
    referrals.exclusion_add(referral=referral, provider=provider, reason="No", actor=author)
    return {
        "owner": owner,
        "provider": provider,
        "specialism": specialism,
        "import": upload,
        "import-job": job,
        "referral": referral,
    }


def url_for(name, objects):
    kwargs = {}
    if name in {"accounts:user-detail", "accounts:user-set-active", "accounts:user-resend-invite"}:
        kwargs = {"pk": objects["owner"].pk}
    elif name in {"accounts:role-grant-approve", "accounts:role-grant-refuse"}:
        kwargs = {"pk": 1}
    elif name in {"providers:detail", "providers:edit", "providers:archive"}:
        kwargs = {"pk": objects["provider"].pk}
    elif name == "referrals:placement-type-edit":
        kwargs = {"type_pk": PlacementType.objects.first().pk}
    elif name == "providers:specialism-edit":
        kwargs = {"pk": objects["specialism"].pk}
    elif name == "providers:import-preview":
        kwargs = {"pk": objects["import"].pk}
    elif name == "providers:import-progress":
        kwargs = {"pk": objects["import-job"].pk}
    elif name in ("approvals:queue", "approvals:bands", "approvals:tracker"):
        kwargs = {}
    elif name == "approvals:tracker-export":
        kwargs = {"fmt": "csv"}
    elif name.startswith("approvals:"):
        kwargs = {"pk": objects["referral"].pk}
        extra = {
            "approvals:negotiate": {"response_pk": 1},
            "approvals:override": {"response_pk": 1, "flag": "ofsted"},
            "approvals:flexibility": {"asked_pk": 1},
            "approvals:cost-approval": {"approval_pk": 1},
            "approvals:ask-again": {"approval_pk": 1},
            "approvals:agreement-file": {"agreement_pk": 1, "kind": "issued"},
        }
        kwargs.update(extra.get(name, {}))
    elif name.startswith("sign:"):
        kwargs = {"token": "not-a-real-token"}
    elif name.startswith("referrals:") and name not in (
        "referrals:list",
        "referrals:start",
        "referrals:action-list",
        "referrals:placement-types",
        "referrals:placement-type-edit",
        "referrals:allowed-words",
        "referrals:allowed-word-remove",
    ):
        referral = objects["referral"]
        kwargs = {"pk": referral.pk}
        if name in ("referrals:child-edit", "referrals:child-remove"):
            kwargs["child_pk"] = referral.children.get().pk
        elif name in ("referrals:person-edit", "referrals:person-remove"):
            kwargs["person_pk"] = referral.people.get().pk
        elif name == "referrals:pack-edit":
            kwargs["key"] = "profile"
        elif name == "referrals:exclusion-remove":
            kwargs["exclusion_pk"] = referral.exclusions.get().pk
        if name.startswith("referrals:round") or name == "referrals:question-answer":
            kwargs["round_pk"] = 1
        if name == "referrals:question-answer":
            kwargs["question_pk"] = 1
    elif name.startswith("respond:"):
        kwargs = {"token": "not-a-real-token"}
    elif name == "referrals:allowed-word-remove":
        kwargs = {"word_pk": 1}
    elif name == "password-set":
        kwargs = {"uidb64": "MQ", "token": "set-password"}
    url = reverse(name, kwargs=kwargs)
    return url + ("?format=csv" if name == "providers:export" else "")


@pytest.mark.parametrize("role", [*ALL_ROLES, None], ids=lambda r: r or "anonymous")
def test_walk_every_url(role, objects, client):
    if role is not None:
        # The import preview belongs to its uploader; give this administrator that one.
        user = objects["owner"] if role == Role.ADMINISTRATOR else UserFactory(roles=[role])
        client.force_login(user)
    failures = []
    for name, (allowed, ok_status, other_status) in EXPECTED.items():
        url = url_for(name, objects)
        response = client.get(url)
        if allowed == "post-only":
            expected = 405
        elif allowed == PUBLIC:
            expected = ok_status if role is None else other_status
        elif role is None:
            expected = 302  # to the sign-in page
        elif allowed == "signed-in":
            expected = response.status_code if response.status_code in (200, 302) else "200/302"
        else:
            expected = ok_status if role in allowed else other_status
        if response.status_code != expected:
            failures.append(f"{name} {url}: got {response.status_code}, expected {expected}")
        if role is None and expected == 302:
            assert response["Location"].startswith(reverse("login")), name
    assert not failures, "\n".join(failures)


def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get("/providers/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/providers/"


@pytest.mark.django_db
def test_another_administrators_import_preview_is_not_found(client, objects):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    response = client.get(reverse("providers:import-preview", kwargs={"pk": objects["import"].pk}))
    assert response.status_code == 404
    job = objects["import-job"]
    assert (
        client.get(reverse("providers:import-progress", kwargs={"pk": job.pk})).status_code == 404
    )
