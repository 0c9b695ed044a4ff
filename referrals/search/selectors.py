"""What the search's pages read: a referral's rounds, a round's requests and progress,
the offers standing, the providers still due to answer."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from placements.models import User
from referrals.models import ProviderAnswer, ProviderRequest, Referral, SearchRound
from referrals.selectors import get_referral_for_user


def get_round_for_user(*, user: User, pk: int, round_pk: int) -> SearchRound:
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


def providers_still_due(referral: Referral) -> dict[str, Any]:
    """How many providers in the referral's open rounds have not answered yet, and the
    earliest deadline among those rounds: the officer sees it before sending options."""
    open_rounds = referral.search_rounds.filter(status=SearchRound.Status.OPEN)
    silent = ProviderRequest.objects.filter(
        round__in=open_rounds,
        answer=ProviderRequest.Answer.AWAITING,
        revoked_at__isnull=True,
    ).count()
    first = open_rounds.order_by("deadline_at").values_list("deadline_at", flat=True).first()
    return {"count": silent, "deadline": first}


def next_deadline_subquery() -> Subquery:
    return Subquery(
        SearchRound.objects.filter(referral=OuterRef("pk"), status=SearchRound.Status.OPEN)
        .order_by("deadline_at")
        .values("deadline_at")[:1]
    )


def live_requests(search_round: SearchRound) -> list[ProviderRequest]:
    return list(search_round.requests.filter(revoked_at__isnull=True).select_related("provider"))


def round_counts(search_round: SearchRound) -> dict[str, int]:
    counts = search_round.requests.aggregate(
        sent=Count("pk"),
        opened=Count("pk", filter=Q(first_opened_at__isnull=False)),
        offers=Count("pk", filter=Q(answer=ProviderRequest.Answer.OFFER)),
        no_option=Count("pk", filter=Q(answer=ProviderRequest.Answer.NO_OPTION)),
        withdrawn=Count("pk", filter=Q(answer=ProviderRequest.Answer.WITHDRAWN)),
        silent=Count("pk", filter=Q(answer=ProviderRequest.Answer.AWAITING)),
    )
    return counts
