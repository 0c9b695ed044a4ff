"""Reads scoped to the person asking: who may see which referral lives here."""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from placements.models import CouncilSettings, User
from placements.roles import Role

from .models import (
    Child,
    ChronologyEntry,
    ProviderAnswer,
    ProviderRequest,
    Referral,
    ResourceRequest,
    SearchRound,
)
from .pack import build_pack
from .workflow import Status, is_social_worker_side

# Brokerage sees every open referral once submitted (and anything assigned to them).
BROKERAGE_VISIBLE = [s for s in Status.values if s not in (Status.DRAFT, Status.WITHDRAWN)]


def referrals_visible_to(user) -> QuerySet[Referral]:
    """Social workers: their own and their team's. Team managers: their team's.
    Service leads: their service's. Brokerage: what has reached brokerage, or is
    assigned to them. Senior managers, heads of service and directors: what has come to
    cost approval. Everyone else: nothing."""
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    scope = Q(pk__in=[])
    if user.has_role(Role.SOCIAL_WORKER):
        scope |= Q(social_worker=user)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
    # Managers see what has been submitted: never a draft, nor a draft withdrawn unsent.
    sent = Q(submitted_at__isnull=False)
    if user.has_role(Role.TEAM_MANAGER) and user.team_id:
        scope |= Q(team_id=user.team_id) & sent
    if user.has_role(Role.SERVICE_LEAD) and user.team_id:
        scope |= Q(team__service_id=user.team.service_id) & sent
    if user.has_role(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD):
        scope |= Q(status__in=BROKERAGE_VISIBLE) | Q(assigned_officer=user)
    if user.has_role(Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR):
        # Approvers see what has come to cost approval (recorded by the approvals app).
        scope |= Q(pk__in=Referral.objects.filter(cost_approvals__isnull=False).values("pk"))
    return Referral.objects.filter(scope)


def referral_list_for_user(user, *, status: str = "") -> QuerySet[Referral]:
    referrals = (
        referrals_visible_to(user)
        .select_related("social_worker", "team", "placement_type")
        .prefetch_related("children")
    )
    if status == "open":
        referrals = referrals.exclude(status__in=[Status.WITHDRAWN, Status.PLACED])
    elif status in Status.values:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-created_at", "-pk")


def get_referral_for_user(*, user, pk: int) -> Referral:
    """The referral, with what its pages show, or 404 if the user may not see it."""
    return get_object_or_404(
        referrals_visible_to(user)
        .select_related("social_worker", "team", "placement_type", "assigned_officer")
        .prefetch_related(
            "children",
            "people",
            "outcomes",
            "exclusions__provider",
            Prefetch("chronology", queryset=ChronologyEntry.objects.select_related("actor")),
            # Recorded by the approvals app; named here so the page's queries stay fixed.
            "search_decisions__decided_by",
            "agreement_evidence",
            "funding_approvals",
            "external_comments",
            "qa_rounds__asked_by",
        ),
        pk=pk,
    )


def get_referral_for_social_worker(*, user, pk: int) -> Referral:
    """The referral, for its own social worker or a social worker of its team (who edit
    it and choose between its options); 404 for anyone else."""
    referral = get_referral_for_user(user=user, pk=pk)
    if not is_social_worker_side(user, referral):
        raise Http404
    return referral


# Editing is the social worker's side too; the name says what the page is for.
get_referral_to_edit = get_referral_for_social_worker


def service_leads(referral: Referral) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.SERVICE_LEAD,
            team__service_id=referral.team.service_id,
        ).order_by("full_name")
    )


@dataclass(frozen=True)
class Endorsers:
    people: list[User]
    # The team has no team manager: the service leads endorse in their place.
    service_leads_instead: bool


def referral_endorsers(referral: Referral) -> Endorsers:
    """Who endorses it: the team's managers, or, where the team has none, the service's
    service leads in their place (workflow.user_may_endorse lets them)."""
    managers = list(
        User.objects.filter(
            is_active=True, team_id=referral.team_id, role_assignments__role=Role.TEAM_MANAGER
        ).order_by("full_name")
    )
    if managers:
        return Endorsers(managers, service_leads_instead=False)
    # One service lead endorses, another approves: a lone service lead cannot do both.
    leads = service_leads(referral)
    return Endorsers(leads if len(leads) >= 2 else [], service_leads_instead=True)


def referrals_waiting_for(user) -> QuerySet[Referral]:
    """What waits for this person's decision: endorsement for team managers,
    approval to search for service leads."""
    waiting = Q(pk__in=[])
    emergency = Q(status=Status.ACCEPTED, emergency_accepted_at__isnull=False)
    if user.has_role(Role.TEAM_MANAGER) and user.team_id:
        waiting |= Q(team_id=user.team_id) & (
            Q(status=Status.SUBMITTED) | (emergency & Q(endorsed_at__isnull=True))
        )
    if user.has_role(Role.SERVICE_LEAD) and user.team_id:
        waiting |= Q(team__service_id=user.team.service_id) & (
            Q(status=Status.ENDORSED)
            | (emergency & Q(endorsed_at__isnull=False, search_approved_at__isnull=True))
        )
        # A team with no team manager: its service leads endorse in their place.
        has_manager = Exists(
            User.objects.filter(
                is_active=True,
                team_id=OuterRef("team_id"),
                role_assignments__role=Role.TEAM_MANAGER,
            )
        )
        waiting |= (
            Q(team__service_id=user.team.service_id)
            & ~has_manager
            & (Q(status=Status.SUBMITTED) | (emergency & Q(endorsed_at__isnull=True)))
        )
    return (
        Referral.objects.filter(waiting)
        .select_related("social_worker", "team", "placement_type")
        .prefetch_related("children")
        .order_by(
            Case(When(kind=Referral.Kind.EMERGENCY, then=0), default=1),
            "-is_urgent",
            "date_needed",
            "submitted_at",
        )
    )


# --- The duty action list ------------------------------------------------------------

ACTION_LIST_COLUMNS = [
    "reference",
    "status",
    "stage",
    "kind",
    "is_urgent",
    "priority",
    "date_needed",
    "submitted_at",
    "next_action",
    "next_action_due",
    "emergency_accepted_at",
    "approvals_due_at",
    "endorsed_at",
    "search_approved_at",
    "placement_type__name",
    "assigned_officer__full_name",
]

ACTION_LIST_FILTERS = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "urgent": "Urgent or emergency",
    "overdue": "Next action overdue",
    "awaiting_approval": "Awaiting approval",
    "awaiting_qa": "Awaiting brokerage QA",
    "awaiting_social_worker": "Awaiting social worker",
    "awaiting_cost_approval": "Awaiting cost approval",
    "awaiting_providers": "Awaiting provider responses",
}


def _approvals_outstanding() -> Q:
    """Accepted as an emergency, with the endorsement or the approval still to record."""
    return (
        Q(emergency_accepted_at__isnull=False)
        & (Q(endorsed_at__isnull=True) | Q(search_approved_at__isnull=True))
        & ~Q(status__in=[Status.WITHDRAWN, Status.PLACED])
    )


def action_list(user, *, filters=(), today) -> QuerySet[Referral]:
    """Every open referral brokerage handles: emergencies first, then the duty lead's
    priority, then the date needed, then the oldest. `filters` narrow it together."""
    referrals = Referral.objects.filter(status__in=BROKERAGE_VISIBLE).exclude(status=Status.PLACED)
    conditions = {
        "mine": Q(assigned_officer=user),
        "unassigned": Q(assigned_officer__isnull=True),
        "urgent": Q(kind=Referral.Kind.EMERGENCY) | Q(is_urgent=True),
        "overdue": Q(next_action_due__lt=today),
        "awaiting_approval": Q(status__in=[Status.SUBMITTED, Status.ENDORSED])
        | _approvals_outstanding(),
        "awaiting_qa": Q(status=Status.APPROVED),
        # Returned for changes, or choosing between the options sent.
        "awaiting_social_worker": Q(status__in=[Status.RETURNED, Status.QA_RETURNED])
        | Q(status=Status.ACCEPTED, stage=Referral.Stage.OPTIONS),
        "awaiting_cost_approval": Q(status=Status.ACCEPTED, stage=Referral.Stage.COST_APPROVAL),
        "awaiting_providers": Q(
            pk__in=SearchRound.objects.filter(status=SearchRound.Status.OPEN).values("referral_id")
        ),
    }
    for name in filters:
        referrals = referrals.filter(conditions[name])
    # Only what the rows show: sorting 5,000 whole referrals (profiles and all) spills
    # to disk; these few columns sort in memory.
    return (
        referrals.select_related("placement_type", "assigned_officer")
        .only(*ACTION_LIST_COLUMNS)
        .annotate(next_deadline=next_deadline_subquery())
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Child.objects.only(
                    "referral_id", "first_name", "last_name", "date_of_birth"
                ),
            )
        )
        .order_by(
            Case(When(kind=Referral.Kind.EMERGENCY, then=0), default=1),
            "priority",
            F("date_needed").asc(nulls_last=True),
            "submitted_at",
            "pk",
        )
    )


def action_row_version(referral: Referral, *, today) -> str:
    """A short fingerprint of what an action list row says about the referral. It
    changes when the referral does (status, priority, officer, next action, a round's
    deadline, the children, an approval or next action falling overdue), not as the
    clock moves (days open, the countdown), so a list refreshing in the background can
    say how many rows really changed."""
    values = [getattr(referral, name) for name in ACTION_LIST_COLUMNS if "__" not in name]
    values += [
        referral.placement_type and referral.placement_type.name,
        referral.assigned_officer and referral.assigned_officer.full_name,
        referral.next_deadline,
        [(c.pk, c.first_name, c.last_name, c.date_of_birth) for c in referral.children.all()],
        referral.approvals_overdue,
        bool(referral.next_action_due and referral.next_action_due < today),
    ]
    return hashlib.blake2s(repr(values).encode(), digest_size=6).hexdigest()


def current_pack(referral: Referral):
    """The latest pack that is being checked or was released (never a superseded one)."""
    return (
        referral.resource_requests.exclude(status=ResourceRequest.Status.SUPERSEDED)
        .prefetch_related("flags")
        .order_by("-version")
        .first()
    )


def pack_replacements(referral) -> list[dict]:
    """What the pack took out of the referral's free text, what each became and which
    field said so: for the officer checking the pack, never for providers."""
    council = CouncilSettings.load()
    pack = build_pack(referral, people_style=council.people_in_pack)
    rows: dict[tuple[str, str], dict] = {}
    for original, replacement, source in pack.replacements:
        row = rows.setdefault(
            (replacement, source), {"replacement": replacement, "source": source, "written": []}
        )
        written = " ".join(original.split())
        if written not in row["written"]:
            row["written"].append(written)
    return sorted(rows.values(), key=lambda row: (row["source"], row["replacement"]))


def pack_passages(request) -> list[dict]:
    """Each passage of a stored pack split into plain and flagged pieces, so a template
    can mark the words to check without building HTML by hand."""
    open_words = {f.word for f in request.flags.all() if f.resolution == "open"}
    passages = []
    for entry in request.content["texts"]:
        words = {w for w in open_words if w.casefold() in entry["text"].casefold()}
        pieces, text = [], entry["text"]
        if words:
            # Any case ("HARTWELL PARK" under the flag "Hartwell Park").
            ordered = sorted(words, key=len, reverse=True)
            pattern = re.compile(
                r"(?<![^\W_])(" + "|".join(map(re.escape, ordered)) + r")(?![^\W_])",
                re.IGNORECASE,
            )
            last = 0
            for match in pattern.finditer(text):
                pieces.append({"text": text[last : match.start()], "flagged": False})
                pieces.append({"text": match.group(0), "flagged": True})
                last = match.end()
            pieces.append({"text": text[last:], "flagged": False})
        else:
            pieces = [{"text": text, "flagged": False}]
        passages.append({**entry, "pieces": pieces, "open": len(words)})
    return passages


# --- The search ------------------------------------------------------------------------


def get_round_for_user(*, user, pk: int, round_pk: int) -> SearchRound:
    """A round of a referral the user may see (brokerage pages only), or 404."""
    referral = get_referral_for_user(user=user, pk=pk)
    return get_object_or_404(
        SearchRound.objects.select_related(
            "referral", "category", "created_by", "sent_by", "resource_request"
        ),
        referral=referral,
        pk=round_pk,
    )


def round_requests(search_round: SearchRound) -> list[ProviderRequest]:
    """Each provider asked, when the email went, whether they opened it, and every
    version of their answer (`versions`, oldest first; `current`, the latest)."""
    requests = list(
        search_round.requests.select_related("provider", "message")
        .prefetch_related(Prefetch("answers", queryset=ProviderAnswer.objects.order_by("version")))
        .order_by("provider__name")
    )
    for request in requests:
        request.versions = list(request.answers.all())
        request.current = request.versions[-1] if request.versions else None
    return requests


def round_progress(search_round: SearchRound) -> dict[str, int]:
    """How far the round's emails have gone out: for the officer's progress bar."""
    counts = search_round.requests.aggregate(
        total=Count("pk"), sent=Count("pk", filter=Q(message__sent_at__isnull=False))
    )
    counts["waiting"] = counts["total"] - counts["sent"]
    return counts


def referral_rounds(referral: Referral) -> QuerySet[SearchRound]:
    return referral.search_rounds.annotate(
        asked=Count("requests"),
        offers=Count("requests", filter=Q(requests__answer=ProviderRequest.Answer.OFFER)),
        no_option=Count("requests", filter=Q(requests__answer=ProviderRequest.Answer.NO_OPTION)),
    ).order_by("number")


def standing_offers(
    referral: Referral,
    *,
    response_prefetch: Sequence[str] = ("revisions",),
    prefetch: Sequence[str] = (),
) -> list[ProviderAnswer]:
    """The latest version of every offer standing on the referral (not withdrawn, its
    link not revoked), each with its request and provider. The approvals app asks for
    what its comparison reads besides (`response_prefetch`, `prefetch`)."""
    requests = (
        ProviderRequest.objects.filter(
            round__referral=referral,
            answer=ProviderRequest.Answer.OFFER,
            revoked_at__isnull=True,
        )
        .select_related("provider", "round")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=ProviderAnswer.objects.order_by("version").prefetch_related(
                    *response_prefetch
                ),
            ),
            *prefetch,
        )
    )
    offers = []
    for request in requests:
        latest = list(request.answers.all())[-1]
        latest.request = request
        offers.append(latest)
    return offers


def referral_offers(referral: Referral) -> list[ProviderAnswer]:
    """The offers standing, cheapest first (the referral's and the search's pages)."""
    return sorted(standing_offers(referral), key=lambda offer: offer.agreed_total_weekly)


def providers_still_due(referral: Referral) -> dict:
    """How many providers in the referral's open rounds have not answered yet, and the
    earliest deadline among those rounds: the officer sees it before sending options."""
    open_rounds = referral.search_rounds.filter(status=SearchRound.Status.OPEN)
    silent = ProviderRequest.objects.filter(
        round__in=open_rounds, answer=ProviderRequest.Answer.AWAITING, revoked_at__isnull=True
    ).count()
    first = open_rounds.order_by("deadline_at").values_list("deadline_at", flat=True).first()
    return {"count": silent, "deadline": first}


def next_deadline_subquery():
    return Subquery(
        SearchRound.objects.filter(referral=OuterRef("pk"), status=SearchRound.Status.OPEN)
        .order_by("deadline_at")
        .values("deadline_at")[:1]
    )
