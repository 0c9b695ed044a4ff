"""Walk every URL for every role (and anonymous) and check the status.

The table below is the expected access, written independently of
placements.permissions; a URL missing from it fails the walk, so every new
page must say who may use it.

The walk uses real objects, built through the services: two referrals of one team (A
and B), each taken from the search to a placement, and a draft of each; a role grant
waiting; an allowed word. The walking users are of that team. Every page is walked with
referral A and A's own nested ids (a round, a question, an offer, a question about
flexibility, a cost approval, an agreement; a draft's child, person, exclusion), and
every page of a referral and something of it again with A's referral and B's nested
ids: that must be 404 for everyone who may use the page, since what a referral's page
shows is loaded through that referral."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from approvals.invoices import services as invoice_services
from approvals.offers.services.flexibility import no_suitable_options
from approvals.placement.services import changes as placement_changes
from placements import services
from placements.models import RoleGrantRequest
from placements.roles import Role
from providers import services as provider_services
from providers.fostering import services as carer_services
from providers.models import OfstedSetting, Specialism
from providers.services import accounts
from referrals.drafting import services as drafting
from referrals.inhouse import matching
from referrals.inhouse import services as inhouse_services
from referrals.models import PlacementType, ReferralAlert, SearchRound
from referrals.pack import services as pack_services
from referrals.packages import services as package_services
from referrals.search import answers
from tests.journeys import (
    chosen,
    complete_draft,
    complete_package,
    in_house_provider,
    offers_in,
    placed,
    placed_package,
    searchable,
)
from tests.placements.factories import TeamFactory, UserFactory
from tests.providers.builders import (
    blank_pdf,
    csv_bytes,
    ofsted_apply,
    ofsted_csv,
    ofsted_row,
    sheet_row,
    stored_import,
)
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
MANAGERS = {Role.TEAM_MANAGER, Role.SERVICE_LEAD}
# The social worker's editing pages: walked on referral A's draft, where they are in use.
EDITING_PAGES = [
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
]
# A package's own pages: walked on referral A's package draft.
PACKAGE_PAGES = [
    "service",
    "package",
    "short-breaks",
    "home-care",
    "slot-add",
    "slot-edit",
    "slot-remove",
    "summer-add",
    "summer-edit",
    "summer-remove",
]
POST_ONLY = {"child-remove", "person-remove", "exclusion-remove", "slot-remove", "summer-remove"}

# url name -> (who may use it with GET, status they get, status others get[, roles who
# see the referral but may not use the page, and so get 404 rather than 403]).
#
# Referral pages are walked on referral A, placed (its editing pages on its draft), so
# those who may use a page get it (200), or, where the page is for a step the placed
# referral has passed, are sent to the referral (302): a placed referral is not waiting
# for a decision, a brokerage check, an emergency acceptance or an answer about
# flexibility, and can no longer be withdrawn.
EXPECTED = {
    "home": ("signed-in", None, None),
    "login": (PUBLIC, 200, 302),
    "logout": ("post-only", None, None),
    "signed-out": (PUBLIC, 200, 200),
    "password-set": (PUBLIC, 200, 200),
    "password-set-done": (PUBLIC, 200, 200),
    "healthz": (PUBLIC, 200, 200),
    # Single sign-on is off here (no directory set up): nothing to start or come back
    # to; the refused page says why it refused (403) to anyone.
    "sso-start": (PUBLIC, 404, 404),
    "sso-callback": (PUBLIC, 404, 404),
    "sso-refused": (PUBLIC, 403, 403),
    # The second factor: with no password given first, back to sign in.
    "sign-in-code": (PUBLIC, 302, 302),
    "sign-in-set-up": (PUBLIC, 302, 302),
    "recovery-codes": ("signed-in", None, None),
    "sso-link": (set(ALL_ROLES), 405, 405),
    "accounts:user-second-factor-reset": (ADMIN, 405, 403),
    "accounts:security-log": (ADMIN, 200, 403),
    "council-settings": (ADMIN, 200, 403),
    "accounts:directory-groups": (ADMIN, 200, 403),
    "accounts:user-list": (ADMIN, 200, 403),
    "accounts:user-create": (ADMIN, 200, 403),
    "accounts:user-detail": (ADMIN, 200, 403),
    "accounts:user-set-active": (ADMIN, 405, 403),
    "accounts:user-resend-invite": (ADMIN, 405, 403),
    "accounts:user-break-glass": (ADMIN, 405, 403),
    "accounts:role-grants": (ADMIN, 200, 403),
    # A grant waiting, asked for by another administrator: this one may decide it.
    "accounts:role-grant-approve": (ADMIN, 405, 403),
    "accounts:role-grant-refuse": (ADMIN, 200, 403),
    "providers:list": (DIRECTORY_VIEWERS, 200, 403),
    "providers:detail": (DIRECTORY_VIEWERS, 200, 403),
    "providers:export": (DIRECTORY_VIEWERS, 200, 403),
    "providers:create": (ADMIN, 200, 403),
    "providers:edit": (ADMIN, 200, 403),
    "providers:archive": (ADMIN, 200, 403),
    "providers:specialisms": (ADMIN, 200, 403),
    "providers:specialism-edit": (ADMIN, 200, 403),
    "providers:areas": (ADMIN, 200, 403),
    "providers:area-edit": (ADMIN, 200, 403),
    "providers:import": (ADMIN, 200, 403),
    "providers:import-preview": (ADMIN, 200, 403),
    "providers:import-progress": (ADMIN, 200, 403),
    "providers:ofsted": (ADMIN, 200, 403),
    "providers:ofsted-settings": (ADMIN, 200, 403),
    "providers:ofsted-setting-ignore": (ADMIN, 405, 403),
    "providers:organisations": (ADMIN, 200, 403),
    "providers:organisation-create": (ADMIN, 200, 403),
    "providers:organisation-edit": (ADMIN, 200, 403),
    "provider-sign-ins": (ADMIN, 200, 403),
    "providers:changes": (ADMIN, 200, 403),
    "providers:change-decide": (ADMIN, 200, 403),
    "providers:document": (DIRECTORY_VIEWERS, 200, 403),
    # The council's own foster carers: the fostering service's duty worker only.
    **{
        f"fostering:{name}": ({Role.FOSTERING_DUTY}, 200, 403)
        for name in ("carers", "carer-create", "carer", "carer-edit")
    },
    **{f"inhouse:{name}": ({Role.FOSTERING_DUTY}, 200, 403) for name in ("rounds", "round")},
    # Matching carers with a child, and siblings' homes: those who see the referral, and
    # the fostering service for referrals that came to it in an in-house round.
    **{
        f"referrals:{name}": ({*REFERRAL_VIEWERS, Role.FOSTERING_DUTY}, 200, 403)
        for name in ("matching", "siblings")
    },
    # A provider's account: its sign-in pages need no sign-in; the rest need a provider
    # signed in (by an emailed link), so everyone else is sent to the provider sign-in.
    "portal:sign-in": (PUBLIC, 200, 200),
    "portal:sign-in-sent": (PUBLIC, 200, 200),
    "portal:sign-in-link": (PUBLIC, 404, 404),
    "portal:sign-out": (PUBLIC, 405, 405),
    **{
        f"portal:{name}": (PUBLIC, 302, 302)
        for name in (
            "home",
            "vacancies",
            "profile",
            "documents",
            "document-file",
            "requests",
            "agreements",
            "agreement-file",
            "invoices",
            "invoice-send",
            "invoice",
        )
    },
    "referrals:list": (REFERRAL_VIEWERS, 200, 403),
    "referrals:action-list": (BROKERAGE, 200, 403),
    "referrals:placement-types": (ADMIN, 200, 403),
    "referrals:placement-type-edit": (ADMIN, 200, 403),
    "referrals:manage": (BROKERAGE, 200, 403),
    "referrals:add-note": (BROKERAGE, 405, 403),
    # An alert about the referral (a provider's rating fell): brokerage; other viewers 404.
    "referrals:alert-close": (BROKERAGE, 200, 403),
    # The duty lead accepts emergencies; an officer may not (404).
    "referrals:emergency-accept": ({Role.DUTY_LEAD}, 302, 403, BROKERAGE),
    "referrals:chronology-pdf": (REFERRAL_VIEWERS, 200, 403),
    "referrals:pack": (BROKERAGE, 200, 403),
    "referrals:pack-edit": (BROKERAGE, 200, 403),
    "referrals:pack-pdf": (BROKERAGE, 200, 403),
    "referrals:start": (SOCIAL_WORKERS, 200, 403),
    "referrals:allowed-words": ({*BROKERAGE, Role.ADMINISTRATOR}, 200, 403),
    # Removing is a POST; the duty lead and administrators may (405 on GET), others not.
    "referrals:allowed-word-remove": ({Role.DUTY_LEAD, Role.ADMINISTRATOR}, 405, 403),
    "referrals:search": (BROKERAGE, 200, 403),
    "referrals:round": (BROKERAGE, 200, 403),
    "referrals:round-progress": (BROKERAGE, 200, 403),
    "referrals:round-extend": (BROKERAGE, 200, 403),
    "referrals:question-answer": (BROKERAGE, 200, 403),
    # Providers' link pages need no sign-in; a token that matches nothing is a 404.
    **{
        f"respond:{name}": (PUBLIC, 404, 404)
        for name in ("page", "offer", "no-option", "withdraw", "question")
    },
    **{
        f"referrals:{name}": (SOCIAL_WORKERS, 405 if name in POST_ONLY else 200, 403)
        for name in [*EDITING_PAGES, *PACKAGE_PAGES]
    },
    "referrals:detail": (REFERRAL_VIEWERS, 200, 403),
    # Only while it waits for its endorsers; a placed referral sends them to its page.
    "referrals:submitted": (REFERRAL_VIEWERS, 302, 403),
    # The social worker's side and brokerage withdraw; other viewers may not (404).
    "referrals:withdraw": ({*SOCIAL_WORKERS, *BROKERAGE}, 302, 403, REFERRAL_VIEWERS),
    "referrals:quality-check": (BROKERAGE, 302, 403, REFERRAL_VIEWERS),
    # Endorsing and approving the search: the team's managers; other viewers 404.
    "referrals:search-decision": (MANAGERS, 302, 403, REFERRAL_VIEWERS),
    **{
        f"referrals:{name}": (EVIDENCE_RECORDERS, 200, 403)
        for name in ("agreement-evidence", "funding-approval", "external-comment")
    },
    "approvals:queue": (APPROVERS, 200, 403),
    "approvals:bands": (ADMIN, 200, 403),
    "approvals:tracker": (TRACKER_VIEWERS, 200, 403),
    "approvals:tracker-export": (TRACKER_VIEWERS, 200, 403),
    "approvals:ssda903": (TRACKER_VIEWERS, 200, 403),
    # The team's figures: managers and the duty lead.
    "approvals:dashboard": (
        {
            Role.DUTY_LEAD,
            Role.TEAM_MANAGER,
            Role.SERVICE_LEAD,
            Role.SENIOR_MANAGER,
            Role.HEAD_OF_SERVICE,
            Role.DIRECTOR,
        },
        200,
        403,
    ),
    "approvals:return-codes": (ADMIN, 200, 403),
    **{
        f"approvals:{name}": (BROKERAGE, 200, 403)
        for name in ("offers", "negotiate", "needs-match", "no-suitable-options", "feedback")
    },
    "approvals:ask-again": (BROKERAGE, 405, 403),
    # A package's award; a placement's referral is sent to its offers.
    "approvals:award": (BROKERAGE, 302, 403),
    # A change to a package in place (walked on a placed package).
    "approvals:vary": (BROKERAGE, 200, 403),
    # Overriding an offer's flag: the duty lead; other viewers 404.
    "approvals:override": ({Role.DUTY_LEAD}, 200, 403, REFERRAL_VIEWERS),
    # The social worker's side chooses between the options and answers about flexibility.
    "approvals:options": (SOCIAL_WORKERS, 200, 403, REFERRAL_VIEWERS),
    "approvals:flexibility": (SOCIAL_WORKERS, 302, 403, REFERRAL_VIEWERS),
    # A placement's ending: brokerage and the social worker's side; other viewers 404.
    "approvals:placement-end": ({*SOCIAL_WORKERS, *BROKERAGE}, 200, 403, REFERRAL_VIEWERS),
    # Invoices: brokerage's.
    **{
        f"approvals:{name}": (BROKERAGE, 200, 403)
        for name in (
            "invoices",
            "invoices-import",
            "invoices-export",
            "placement-invoices",
            "invoice",
        )
    },
    # A placement's reviews: read by everyone who sees the referral.
    **{
        f"approvals:{name}": (REFERRAL_VIEWERS, 200, 403)
        for name in ("reviews", "review", "placement-changes", "placement-change")
    },
    **{
        f"approvals:{name}": (REFERRAL_VIEWERS, 200, 403)
        for name in ("cost-approval", "placement", "agreement-file")
    },
    # The provider's agreement link needs no sign-in; an unknown token is a 404.
    **{f"sign:{name}": (PUBLIC, 404, 404) for name in ("page", "pdf")},
}


def url_patterns(resolver=None, namespace="", taken=frozenset()):
    """Each named URL with the names of the values its path takes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        params = taken | set(entry.pattern.converters)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner, params)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", frozenset(params)


URL_PARAMS = dict(url_patterns())
# Pages of one referral (`pk`) and of something of it: a round, an offer, an agreement.
NESTED = {
    name: sorted(p for p in params if p.endswith("_pk"))
    for name, params in URL_PARAMS.items()
    if "pk" in params
    and any(p.endswith("_pk") for p in params)
    # A provider's document on another provider's page: tests/portal/test_staff_pages.
    and name.startswith(("referrals:", "approvals:"))
}
# Every page of one referral, nested or not.
REFERRAL_SCOPED = {
    name
    for name, params in URL_PARAMS.items()
    if name.startswith(("referrals:", "approvals:")) and "pk" in params
}
ON_THE_DRAFT = {f"referrals:{name}" for name in EDITING_PAGES}
ON_THE_PACKAGE = {f"referrals:{name}" for name in PACKAGE_PAGES}
ON_THE_PLACED_PACKAGE = {"approvals:vary"}
# What a path takes besides ids.
OTHER_VALUES = {
    "key": "profile",
    "flag": "ofsted",
    "kind": "issued",
    "fmt": "csv",
    "service": "home_care",
}
# Nested pages that only take a POST (a GET is refused before anything is loaded).
POST_ONLY_NESTED = {name for name in NESTED if EXPECTED[name][1] == 405}


def test_every_url_has_an_expected_access_entry():
    assert set(URL_PARAMS) == set(EXPECTED)


def test_every_nested_page_reaches_its_object_for_those_who_may_use_it():
    """So the 404 for B's ids comes from the mismatch, not from the page refusing anyway:
    with A's own ids, those who may use it get past the load (a POST-only page is posted
    to in the walk and must redirect)."""
    assert NESTED
    for name in NESTED:
        assert EXPECTED[name][1] != 404, name


def carers_offered(referral):
    """The in-house round's carers say they could offer a home, and matching starts."""
    duty = UserFactory(roles=[Role.FOSTERING_DUTY])
    carer = carer_services.carer_save(
        values={
            "reference": f"FC-J{referral.pk}",
            "names": "Jo and Lee Carer",
            "postcode_district": "",
            "approved_age_from": 0,
            "approved_age_to": 17,
            "approved_children": 2,
            "supervising_social_worker": "",
            "skills": "",
            "is_active": True,
        },
        care_types=["long_term"],
        actor=duty,
    )
    in_house_round = referral.search_rounds.get(kind=SearchRound.Kind.IN_HOUSE)
    enquiry = inhouse_services.carer_ask(search_round=in_house_round, carer=carer, actor=duty)
    inhouse_services.carer_answer(enquiry=enquiry, answer="yes", note="", actor=duty)
    return matching.match_start(enquiry=enquiry, actor=duty)


def journey(team, officer, approver, providers, area):
    """A referral of `team` taken through the services as far as the journey goes, and
    a draft of the same team: every nested id the referral pages take, keyed by the name
    the path gives it."""
    social_worker = UserFactory(roles=[Role.SOCIAL_WORKER], team=team)
    referral = searchable(social_worker, officer)
    offer = offers_in(referral, officer, {"Framework 1": Decimal("3999.99")})["Framework 1"]
    match = carers_offered(referral)
    question = answers.question_ask(provider_request=offer.request, question="Is there a garden?")
    asked = no_suitable_options(referral=referral, why="Nothing near school", actor=officer)
    approval = chosen(referral, officer, social_worker, offer)
    agreement = placed(approval, officer, approver)
    draft = complete_draft(social_worker)
    package = complete_package(social_worker, service="short_break_home_care")
    summer = package_services.summer_request_save(
        referral=package,
        values={
            "child": package.children.get(),
            "year": timezone.localdate().year + 1,
            "case": "open",
            "days": 5,
            "preferred_dates": "August",
            "parents_told": True,
        },
        actor=social_worker,
    )
    exclusion = drafting.exclusion_add(
        referral=draft,
        provider=providers[-1],
        reason="Placed with them before",
        actor=social_worker,
    )
    return {
        "placed": {
            "pk": referral.pk,
            "round_pk": offer.request.round_id,
            "question_pk": question.pk,
            "response_pk": offer.pk,
            "asked_pk": asked.pk,
            "approval_pk": approval.pk,
            "agreement_pk": agreement.pk,
            "match_pk": match.pk,
            "placement_pk": agreement.placement_id,
            "review_pk": agreement.placement.reviews.get().pk,
            "invoice_pk": invoice_services.invoice_record(
                placement=agreement.placement,
                provider_reference="WALK-1",
                period_start=timezone.localdate(),
                period_end=timezone.localdate(),
                lines=[("weekly", "", Decimal("1.00"))],
                actor=officer,
            ).pk,
            "change_pk": placement_changes.placement_change(
                placement=agreement.placement,
                kind="end_date",
                reason="Agreed to the end of the school year",
                effective_from=agreement.placement.start_date,
                end_date=agreement.placement.start_date + dt.timedelta(days=200),
                actor=officer,
            ).pk,
        },
        "draft": {
            "pk": draft.pk,
            "child_pk": draft.children.get().pk,
            "person_pk": draft.people.get().pk,
            "exclusion_pk": exclusion.pk,
        },
        "package": {
            "pk": package.pk,
            "slot_pk": package.schedule.first().pk,
            "summer_pk": summer.pk,
        },
        "package_placed": placed_package(social_worker, officer, area),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The walk's objects, built once for the module inside a transaction that is rolled
    back after its last test. Each test runs in a savepoint within it (pytest-django's
    `db`), so what one test changes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_objects()
        transaction.set_rollback(True)


@pytest.fixture
def objects(db, built):
    return built


def build_objects():
    owner = UserFactory(roles=[Role.ADMINISTRATOR])
    provider = ProviderFactory()
    specialism = Specialism.objects.create(name="Autism")
    area = provider_services.area_save(name="City", districts="LE1, LE2", actor=owner)
    upload = stored_import(owner, csv_bytes([sheet_row()]))
    with override_settings(PROVIDER_IMPORT_BACKGROUND_ROWS=0):  # queued for the worker
        job = provider_services.provider_import_confirm(
            provider_import=stored_import(owner, csv_bytes([sheet_row()])),
            specialism_decisions={},
            actor=owner,
        )
    # A role grant waiting for a second administrator: asked for by another.
    asker = UserFactory(roles=[Role.ADMINISTRATOR])
    promoted = UserFactory(roles=[Role.SOCIAL_WORKER])
    services.user_update(
        user=promoted,
        full_name=promoted.full_name,
        email=promoted.email,
        job_title="",
        team=None,
        roles=[Role.SOCIAL_WORKER, Role.DIRECTOR],
        actor=asker,
    )
    officer = UserFactory(roles=[Role.BROKERAGE_OFFICER])
    word = pack_services.allowed_word_add(word="Barnley", reason="A town", actor=officer)
    team = TeamFactory(name="Children in Care North")
    providers = [in_house_provider(), ProviderFactory(name="Framework 1"), provider]
    director = UserFactory(roles=[Role.DIRECTOR])
    account = accounts.organisation_save(
        name="Walk Care Ltd",
        emails=["walk@care.example"],
        references=[provider.reference],
        actor=owner,
    )
    change = accounts.profile_update(
        organisation=account,
        provider=provider,
        values={},
        specialisms=[],
        eligibility={"tier": 2},
        email="walk@care.example",
    )
    document = accounts.document_add(
        organisation=account,
        provider=provider,
        kind="insurance",
        title="",
        upload=SimpleUploadedFile("insurance.pdf", blank_pdf()),
        expires_on=None,
        email="walk@care.example",
    )
    a = journey(team, officer, director, providers, area)
    b = journey(team, officer, director, providers, area)
    # Framework 1, with a child placed through A and B, is rated inadequate: an alert each.
    fell = ofsted_row(providers[1].ofsted_urn, Overall="Inadequate")
    ofsted_apply(ofsted_csv([fell, ofsted_row("SC990001")]), owner)
    for ids in (a, b):
        ids["placed"]["alert_pk"] = ReferralAlert.objects.get(referral_id=ids["placed"]["pk"]).pk
    return {
        "owner": owner,
        "provider": provider,
        "specialism": specialism,
        "area": area,
        "import": upload,
        "import-job": job,
        "role-grant": RoleGrantRequest.objects.get(user=promoted),
        "word": word,
        "team": team,
        "ofsted-setting": OfstedSetting.objects.get(urn="SC990001"),
        "in-house-round": SearchRound.objects.get(
            referral_id=a["placed"]["pk"], kind=SearchRound.Kind.IN_HOUSE
        ),
        "organisation": account,
        "carer": carer_services.carer_save(
            values={
                "reference": "FC-1",
                "names": "Pat and Sam Carer",
                "postcode_district": "LE1",
                "approved_age_from": 0,
                "approved_age_to": 17,
                "approved_children": 2,
                "supervising_social_worker": "",
                "skills": "",
                "is_active": True,
            },
            care_types=["long_term"],
            actor=owner,
        ),
        "change": change,
        "document": document,
        "a": a,
        "b": b,
    }


def referral_ids(name, ids) -> dict:
    """The referral and nested ids a referral page takes, from `ids` (a journey)."""
    if name in ON_THE_PACKAGE:
        return ids["package"]
    if name in ON_THE_PLACED_PACKAGE:
        return ids["package_placed"]
    return ids["draft"] if name in ON_THE_DRAFT else ids["placed"]


def url_for(name, objects, ids=None):
    """The URL of `name` for the walk: referral pages with `ids` (referral A's, unless
    given), everything else with the fixture's objects."""
    params = URL_PARAMS[name]
    kwargs = {p: OTHER_VALUES[p] for p in params if p in OTHER_VALUES}
    if name in REFERRAL_SCOPED:
        own = referral_ids(name, ids or objects["a"])
        kwargs.update({p: own[p] for p in params if p not in OTHER_VALUES})
    elif name in {
        "accounts:user-detail",
        "accounts:user-set-active",
        "accounts:user-resend-invite",
        "accounts:user-break-glass",
        "accounts:user-second-factor-reset",
    }:
        kwargs["pk"] = objects["owner"].pk
    elif name in {"accounts:role-grant-approve", "accounts:role-grant-refuse"}:
        kwargs["pk"] = objects["role-grant"].pk
    elif name in {"providers:detail", "providers:edit", "providers:archive"}:
        kwargs["pk"] = objects["provider"].pk
    elif name == "referrals:placement-type-edit":
        kwargs["type_pk"] = PlacementType.objects.first().pk
    elif name == "providers:specialism-edit":
        kwargs["pk"] = objects["specialism"].pk
    elif name == "providers:area-edit":
        kwargs["pk"] = objects["area"].pk
    elif name == "providers:import-preview":
        kwargs["pk"] = objects["import"].pk
    elif name == "providers:import-progress":
        kwargs["pk"] = objects["import-job"].pk
    elif name == "providers:ofsted-setting-ignore":
        kwargs["pk"] = objects["ofsted-setting"].pk
    elif name in {"providers:organisation-edit", "provider-sign-ins"}:
        kwargs["pk"] = objects["organisation"].pk
    elif name == "providers:change-decide":
        kwargs["pk"] = objects["change"].pk
    elif name == "providers:document":
        kwargs["pk"] = objects["provider"].pk
        kwargs["document_pk"] = objects["document"].pk
    elif name in {"fostering:carer", "fostering:carer-edit"}:
        kwargs["pk"] = objects["carer"].pk
    elif name == "inhouse:round":
        kwargs["pk"] = objects["in-house-round"].pk
    elif name == "portal:invoice-send":
        kwargs["placement_pk"] = objects["a"]["placed"]["placement_pk"]
    elif name.startswith("portal:") and "pk" in params:
        kwargs["pk"] = objects["document"].pk if "document" in name else objects["provider"].pk
    elif name == "referrals:allowed-word-remove":
        kwargs["word_pk"] = objects["word"].pk
    elif name == "password-set":
        kwargs = {"uidb64": "MQ", "token": "set-password"}
    elif "token" in params:
        kwargs["token"] = "not-a-real-token"
    url = reverse(name, kwargs=kwargs)
    return url + ("?format=csv" if name == "providers:export" else "")


def mismatched_urls(name, objects):
    """Referral A's page with B's nested ids: each one in turn, then all of them."""
    own = referral_ids(name, objects["a"])
    other = referral_ids(name, objects["b"])
    swaps = [[p] for p in NESTED[name]]
    if len(NESTED[name]) > 1:
        swaps.append(NESTED[name])
    for swapped in swaps:
        mixed = {**own, **{p: other[p] for p in swapped}}
        ids = {"draft": mixed, "placed": mixed, "package": mixed, "package_placed": mixed}
        yield url_for(name, objects, ids)


def expected_status(name, role, got):
    allowed, ok_status, other_status, *not_found_for = EXPECTED[name]
    if allowed == "post-only":
        return 405
    if allowed == PUBLIC:
        return ok_status if role is None else other_status
    if role is None:
        return 302  # to the sign-in page
    if allowed == "signed-in":
        return got if got in (200, 302) else "200/302"
    if role in allowed:
        return ok_status
    return 404 if not_found_for and role in not_found_for[0] else other_status


def expected_for_mismatch(name, role):
    """B's nested ids on A's page: 404 for everyone who would get past the page's
    refusal (those who may use it, and those who see the referral); the others are
    refused as before."""
    allowed, _, other_status, *not_found_for = EXPECTED[name]
    if role is None:
        return 302
    if role in allowed or (not_found_for and role in not_found_for[0]):
        return 404
    return other_status


@pytest.mark.parametrize("role", [*ALL_ROLES, None], ids=lambda r: r or "anonymous")
def test_walk_every_url(role, objects, client):
    if role is not None:
        # The import preview belongs to its uploader; give this administrator that one.
        # Everyone else is of the referrals' team (and so of its service).
        user = (
            objects["owner"]
            if role == Role.ADMINISTRATOR
            else UserFactory(roles=[role], team=objects["team"])
        )
        client.force_login(user)
    failures = []
    for name in EXPECTED:
        url = url_for(name, objects)
        response = client.get(url)
        expected = expected_status(name, role, response.status_code)
        if response.status_code != expected:
            failures.append(f"{name} {url}: got {response.status_code}, expected {expected}")
        if role is None and expected == 302:
            # A provider's page sends to the provider's sign-in, every other to staff's.
            sign_in = reverse("portal:sign-in" if name.startswith("portal:") else "login")
            assert response["Location"].startswith(sign_in), name
        elif name.startswith("portal:") and expected == 302:
            assert response["Location"] == reverse("portal:sign-in"), name
    # Referral A with referral B's nested ids: not found for everyone who may use the
    # page. The POST-only pages are posted to: a GET is refused before anything loads.
    for name in sorted(NESTED):
        send = client.post if name in POST_ONLY_NESTED else client.get
        expected = expected_for_mismatch(name, role)
        for url in mismatched_urls(name, objects):
            got = send(url).status_code
            if got != expected:
                failures.append(f"{name} {url} (B's ids): got {got}, expected {expected}")
    # With A's own ids those posts reach the object (and redirect), so the 404s above
    # come from the mismatch.
    for name in sorted(POST_ONLY_NESTED):
        url = url_for(name, objects)
        allowed = EXPECTED[name][0]
        expected = 302 if role is None or role in allowed else expected_for_mismatch(name, role)
        got = client.post(url).status_code
        if got != expected:
            failures.append(f"{name} {url} (posted): got {got}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_LEAD])
def test_another_teams_people_find_none_of_its_pages(role, objects, client):
    """Another team's (and service's) people are refused referral A's pages as they are
    B's ids on them: 404 where the role would otherwise get past the page's refusal. The
    POST-only pages are posted to."""
    client.force_login(UserFactory(roles=[role], team=TeamFactory(name="Elsewhere")))
    failures = []
    for name in sorted(REFERRAL_SCOPED):
        url = url_for(name, objects)
        send = client.post if EXPECTED[name][1] == 405 else client.get
        got, expected = send(url).status_code, expected_for_mismatch(name, role)
        if got != expected:
            failures.append(f"{name} {url}: got {got}, expected {expected}")
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
