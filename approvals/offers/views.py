"""Offers compared, negotiated and flagged; options sent to the social worker, who
chooses one or declines them; no suitable options and the flexibility asked for."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from placements.actions import submit_form
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required, is_social_worker
from referrals.search import selectors as search_selectors
from referrals.selectors import get_referral_for_social_worker, get_referral_for_user
from referrals.workflow import Status

from ..costs.models import CostApproval
from ..placement.selectors import placement_for
from . import selectors
from .forms import (
    DeclineOptionsForm,
    FeeRevisionForm,
    FlagOverrideForm,
    FlexibilityForm,
    NeedsMatchForm,
    NoSuitableOptionsForm,
    OptionChoiceForm,
    ShortlistForm,
)
from .models import FlexibilityRequest, Shortlist
from .ranking import Weights
from .rules import FLAG_LABELS, OVERRIDERS
from .services import flexibility as flexibility_services
from .services import negotiation as negotiation_services
from .services import options as options_services


def _bound(request, form_class, **kwargs):
    # Bound on every POST, even an empty one, so a form sent empty shows its errors.
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


def _offers_url(referral) -> str:
    return reverse("approvals:offers", kwargs={"pk": referral.pk})


def _options_sent(shortlist) -> str:
    count = shortlist.options.count()
    return (
        f"{count} option{'s' * (count != 1)} sent to the social worker. Providers not "
        "put forward have been told."
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def offers(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    council = CouncilSettings.for_request(request)
    sort = request.GET.get("sort") if request.GET.get("sort") in selectors.SORTS else "cost"
    rows = selectors.offer_comparison(referral, council=council, sort=sort)
    form = _bound(request, ShortlistForm, offers=[row.response for row in rows])
    if done := submit_form(
        request,
        form,
        lambda data: options_services.shortlist_send(
            referral=referral, responses=form.chosen(), note=data["note"], actor=request.user
        ),
        redirect_to=_offers_url(referral),
        success=_options_sent,
    ):
        return done
    shortlists = selectors.referral_shortlists(referral)
    approvals = list(
        referral.cost_approvals.select_related("decided_by", "option__response__request__provider")
    )
    return render(
        request,
        "approvals/offers/comparison.html",
        {
            "referral": referral,
            "rows": rows,
            "form": form,
            "open": referral.status == Status.ACCEPTED,
            "waiting": next((s for s in shortlists if s.status == Shortlist.Status.AWAITING), None),
            "shortlists": shortlists,
            "approvals": approvals,
            "returned": next(
                (
                    a
                    for a in reversed(approvals)
                    if a.status == CostApproval.Status.RETURNED
                    and not any(
                        b.option_id == a.option_id and b.requested_at > a.requested_at
                        for b in approvals
                    )
                ),
                None,
            ),
            "flexibility": list(referral.flexibility_requests.select_related("answered_by")),
            "placement": placement_for(referral),
            "can_override": request.user.has_role(*OVERRIDERS),
            # Who can, named for an officer who cannot: they know whom to ask.
            "overriders": selectors.flag_overriders(),
            "total_saving": sum((row.response.saving_weekly for row in rows), 0),
            "still_due": search_selectors.providers_still_due(referral),
            "sort": sort,
            "sorts": selectors.SORTS,
            "sort_label": selectors.SORTS[sort],
            "weights": Weights.of(council),
            "unscored": [row for row in rows if row.score and not row.score.scored],
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def needs_match(request, pk, response_pk):
    """The officer scores how well an offer meets the child's needs."""
    referral = get_referral_for_user(user=request.user, pk=pk)
    offer = selectors.get_offer(referral, response_pk)
    current = selectors.latest_needs_matches([offer]).get(offer.request_id)
    form = _bound(
        request,
        NeedsMatchForm,
        initial={"score": current.score, "note": current.note} if current else None,
    )
    if done := submit_form(
        request,
        form,
        lambda data: negotiation_services.needs_match_score(
            response=offer, score=data["score"], note=data["note"], actor=request.user
        ),
        redirect_to=_offers_url(referral) + "?sort=score",
        success=f"Match to the needs scored for {offer.request.provider}'s offer.",
    ):
        return done
    return render(
        request,
        "approvals/offers/needs_match.html",
        {"referral": referral, "offer": offer, "form": form, "current": current},
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def negotiate(request, pk, response_pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    offer = selectors.get_offer(referral, response_pk)
    form = _bound(request, FeeRevisionForm, current=offer.agreed_fee)
    if done := submit_form(
        request,
        form,
        lambda data: negotiation_services.fee_revise(response=offer, actor=request.user, **data),
        redirect_to=_offers_url(referral),
        success=f"Negotiated fee recorded for {offer.request.provider}.",
    ):
        return done
    return render(
        request,
        "approvals/offers/negotiate.html",
        {"referral": referral, "offer": offer, "form": form},
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def override(request, pk, response_pk, flag):
    if not request.user.has_role(*OVERRIDERS) or flag not in FLAG_LABELS:
        raise Http404
    referral = get_referral_for_user(user=request.user, pk=pk)
    offer = selectors.get_offer(referral, response_pk)
    form = _bound(request, FlagOverrideForm)
    if done := submit_form(
        request,
        form,
        lambda data: negotiation_services.flag_override(
            response=offer, flag=flag, reason=data["reason"], actor=request.user
        ),
        redirect_to=_offers_url(referral),
        success=f"Flag overridden on {offer.request.provider}'s offer.",
    ):
        return done
    return render(
        request,
        "approvals/offers/override.html",
        {"referral": referral, "offer": offer, "form": form, "flag_label": FLAG_LABELS[flag]},
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def options(request, pk):
    """The social worker's page: the options side by side, choose one or decline all;
    and any question about flexibility after no suitable options."""
    referral = get_referral_for_social_worker(user=request.user, pk=pk)
    shortlists = selectors.referral_shortlists(referral)
    waiting = next((s for s in shortlists if s.status == Shortlist.Status.AWAITING), None)
    options_list = list(waiting.options.all()) if waiting else []
    has_in_house = any(option.is_in_house for option in options_list)
    # Two forms on one page: the button pressed says which was sent.
    choice = OptionChoiceForm(
        request.POST if request.POST.get("action") == "choose" else None,
        options=options_list,
        has_in_house=has_in_house,
        prefix="choose",
    )
    decline = DeclineOptionsForm(
        request.POST if request.POST.get("action") == "decline" else None, prefix="decline"
    )
    page_url = reverse("approvals:options", kwargs={"pk": referral.pk})
    if request.method == "POST" and waiting is None:
        messages.info(request, "These options have already been answered.")
        return redirect(page_url)
    # A POST with no options waiting went back to the page above.
    if waiting is not None and (
        done := submit_form(
            request,
            choice,
            lambda data: options_services.option_choose(
                shortlist=waiting,
                option=choice.options[data["option"]],
                rationale=data["rationale"],
                in_house_reason=data.get("in_house_reason", ""),
                ranking_reason=data.get("ranking_reason", ""),
                actor=request.user,
            ),
            redirect_to=page_url,
            success="Your choice is recorded. Its cost has gone for approval.",
        )
    ):
        return done
    if waiting is not None and (
        done := submit_form(
            request,
            decline,
            lambda data: options_services.options_decline(
                shortlist=waiting, reason=data["reason"], actor=request.user
            ),
            redirect_to=page_url,
            success="You declined the options. Brokerage has been told.",
        )
    ):
        return done
    return render(
        request,
        "approvals/offers/options.html",
        {
            "referral": referral,
            "waiting": waiting,
            "options": options_list,
            "has_in_house": has_in_house,
            "choice": choice,
            "decline": decline,
            "decided": [s for s in shortlists if s.status != Shortlist.Status.AWAITING],
            "flexibility": selectors.open_flexibility(referral),
            "approvals": list(referral.cost_approvals.select_related("decided_by")),
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def no_suitable_options(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    form = _bound(request, NoSuitableOptionsForm)
    if done := submit_form(
        request,
        form,
        lambda data: flexibility_services.no_suitable_options(
            referral=referral, why=data["why"], actor=request.user
        ),
        redirect_to=_offers_url(referral),
        success="Recorded. The social worker is asked where there is flexibility.",
    ):
        return done
    return render(
        request,
        "approvals/offers/simple_form.html",
        {
            "referral": referral,
            "form": form,
            "title": "No suitable options",
            "button": "Record and ask the social worker",
            "back": ("approvals:offers", referral.pk),
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def flexibility(request, pk, asked_pk):
    if not is_social_worker(request.user):
        raise Http404
    referral = get_referral_for_social_worker(user=request.user, pk=pk)
    asked = get_object_or_404(FlexibilityRequest, referral=referral, pk=asked_pk)
    referral_url = reverse("referrals:detail", kwargs={"pk": referral.pk})
    if asked.answered_at or selectors.open_flexibility(referral) != asked:
        messages.info(request, "This question has been answered or is no longer open.")
        return redirect(referral_url)
    form = _bound(request, FlexibilityForm)
    if done := submit_form(
        request,
        form,
        lambda data: flexibility_services.flexibility_answer(
            asked=asked, answer=data["answer"], actor=request.user
        ),
        redirect_to=referral_url,
        success="Thank you. Brokerage will search again.",
    ):
        return done
    return render(
        request,
        "approvals/offers/simple_form.html",
        {
            "referral": referral,
            "form": form,
            "title": "Where is there flexibility?",
            "intro": f"Brokerage found no suitable options: {asked.why}",
            "button": "Send to brokerage",
            "back": ("approvals:options", referral.pk),
        },
    )
