"""Brokerage's pages for the search: start a round, choose its providers, send it,
watch it go out, answer questions, extend the deadline."""

from typing import Any

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import submit_form
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required, is_duty_lead
from placements.services import DomainError
from referrals import selectors
from referrals.models import RoundQuestion, SearchRound
from referrals.registry import page_extras
from referrals.search import rounds
from referrals.search import selectors as search_selectors
from referrals.search.forms import (
    QuestionAnswerForm,
    RoundAddProviderForm,
    RoundExtendForm,
    RoundFilterForm,
    RoundHoursForm,
    RoundStartForm,
)
from referrals.search.rules import (
    FEWEST_PROVIDERS,
    child_areas,
    dual_search_reasons,
    round_pool,
    round_selection,
)
from referrals.workflow import Status


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def search(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    council = CouncilSettings.for_request(request)
    reasons = dual_search_reasons(referral, council=council)
    default_category = referral.placement_type.category if referral.placement_type else None
    # After no suitable options, the social worker's answer about flexibility (recorded
    # by the approvals app, which registers it for this page) is what the next, wider
    # round rests on.
    extras = page_extras("search", request.user, referral)
    form = RoundStartForm(
        request.POST if request.method == "POST" else None,
        dual_reasons=reasons,
        services=referral.services_asked,
        initial={
            "category": default_category,
            "social_worker_agreement": extras.get("flexibility_answer", ""),
        },
    )
    if done := submit_form(
        request,
        form,
        lambda data: rounds.round_start(
            referral=referral,
            kind=data["kind"],
            dual=data.get("dual", False),
            category=data.get("category"),
            social_worker_agreement=data["social_worker_agreement"],
            service=data.get("service", ""),
            actor=request.user,
        ),
        redirect_to=lambda started: reverse(
            "referrals:round", kwargs={"pk": referral.pk, "round_pk": started[0].pk}
        ),
        success="Round started: choose its providers, then send it.",
    ):
        return done
    referral_rounds = list(search_selectors.referral_rounds(referral))
    return render(
        request,
        "referrals/search.html",
        {
            "referral": referral,
            "form": form,
            "rounds": referral_rounds,
            "draft": next(
                (r for r in referral_rounds if r.status == SearchRound.Status.DRAFT), None
            ),
            "offers": search_selectors.referral_offers(referral),
            "released": referral.resource_requests.filter(status="released").exists(),
            "dual_reasons": reasons,
            "can_start": referral.status == Status.ACCEPTED,
            **extras,
        },
    )


def _first_error(form: forms.Form, field: str | None = None) -> str:
    """The first message the form gives (for `field`, or for any field)."""
    errors = form.errors[field] if field else next(iter(form.errors.values()))
    return str(errors[0])


def _draft_action(request, search_round) -> str | None:
    """Apply one change to a round being prepared; return an error message if refused."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "filter":
        form = RoundFilterForm(request.POST, package=bool(search_round.service))
        if not form.is_valid():
            return _first_error(form)
        rounds.round_set_criteria(
            search_round=search_round,
            criteria=form.criteria(),
            actor=user,
            social_worker_agreement=form.cleaned_data["agreement"],
        )
        return None
    if action in {"remove", "put_back"}:
        provider_id = request.POST.get("provider", "")
        if not provider_id.isdigit():
            return "Choose a provider"
        change = rounds.round_remove_provider if action == "remove" else rounds.round_put_back
        change(search_round=search_round, provider_id=int(provider_id), actor=user)
        return None
    if action == "hours":
        hours_form = RoundHoursForm(request.POST)
        if not hours_form.is_valid():
            return _first_error(hours_form, "response_hours")
        rounds.round_set_response_hours(
            search_round=search_round, hours=hours_form.cleaned_data["response_hours"], actor=user
        )
        return None
    if action == "add":
        add_form = RoundAddProviderForm(request.POST)
        if not add_form.is_valid():
            return _first_error(add_form, "provider")
        rounds.round_add_provider(
            search_round=search_round, provider=add_form.cleaned_data["provider"], actor=user
        )
        return None
    return "Choose what to do"


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def round_detail(request, pk, round_pk):
    search_round = search_selectors.get_round_for_user(user=request.user, pk=pk, round_pk=round_pk)
    referral = search_round.referral
    council = CouncilSettings.for_request(request)
    error: str | None = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        # Not run_action: several buttons, and a refusal is shown beside the control it is about.
        try:
            if action == "send":
                sent = rounds.round_send(search_round=search_round, actor=request.user)
                count = sent.requests.count()
                messages.success(
                    request,
                    f"Round {sent.number} is going to {count} provider{'s' * (count != 1)}.",
                )
                return redirect("referrals:round", pk=referral.pk, round_pk=sent.pk)
            if action == "cancel":
                rounds.round_cancel(search_round=search_round, actor=request.user)
                messages.success(request, f"Round {search_round.number} cancelled.")
                return redirect("referrals:search", pk=referral.pk)
            error = _draft_action(request, search_round)
        except DomainError as refused:
            error = str(refused)
        if error is None:
            return redirect("referrals:round", pk=referral.pk, round_pk=search_round.pk)
        search_round.refresh_from_db()
    refused_filter = error is not None and request.POST.get("action") == "filter"
    refused_hours = error is not None and request.POST.get("action") == "hours"
    context: dict[str, Any] = {
        "referral": referral,
        "search_round": search_round,
        "error": error,
        "error_target": "id_agreement"
        if refused_filter and "agreement" in (error or "")
        else "id_response_hours"
        if refused_hours
        else "round-actions",
        "council": council,
    }
    if search_round.status == SearchRound.Status.DRAFT:
        package = bool(search_round.service)
        selection = round_selection(search_round, council=council)
        chosen_ids = set(selection.provider_ids) | {left.provider.pk for left in selection.left_out}
        context.update(
            selection=selection,
            fewest=FEWEST_PROVIDERS,
            # A refused filter keeps what the officer chose, to correct it.
            filter_form=RoundFilterForm(request.POST, package=package)
            if refused_filter
            else RoundFilterForm(
                initial=RoundFilterForm.initial_from(search_round.criteria), package=package
            ),
            child_areas=child_areas(referral) if package else [],
            add_form=RoundAddProviderForm(),
            hours_form=RoundHoursForm(request.POST)
            if refused_hours
            else RoundHoursForm(initial={"response_hours": search_round.response_hours}),
            may_set_hours=is_duty_lead(request.user),
            addable=round_pool(search_round)
            .exclude(pk__in=chosen_ids)
            .exclude(is_archived=True)
            .order_by("name", "reference"),
        )
    else:
        context.update(
            requests=search_selectors.round_requests(search_round),
            progress=search_selectors.round_progress(search_round),
            questions=search_round.questions.select_related("asked_by__provider", "answered_by"),
            counts=search_selectors.round_counts(search_round),
        )
    return render(request, "referrals/round.html", context)


@capability_required(Capability.WORK_ACTION_LIST)
@require_GET
def round_progress(request, pk, round_pk):
    search_round = search_selectors.get_round_for_user(user=request.user, pk=pk, round_pk=round_pk)
    return render(
        request,
        "referrals/_round_progress.html",
        {
            "referral": search_round.referral,
            "search_round": search_round,
            "progress": search_selectors.round_progress(search_round),
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def round_extend(request, pk, round_pk):
    search_round = search_selectors.get_round_for_user(user=request.user, pk=pk, round_pk=round_pk)
    form = RoundExtendForm(request.POST if request.method == "POST" else None)
    if done := submit_form(
        request,
        form,
        lambda data: rounds.round_extend(
            search_round=search_round,
            day=data["day"],
            at=data["at"],
            reason=data["reason"],
            actor=request.user,
        ),
        redirect_to=reverse("referrals:round", kwargs={"pk": pk, "round_pk": round_pk}),
        success="Deadline extended. Every provider in the round is told.",
    ):
        return done
    return render(
        request,
        "referrals/round_extend.html",
        {
            "referral": search_round.referral,
            "search_round": search_round,
            "form": form,
            "council": CouncilSettings.for_request(request),
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def question_answer(request, pk, round_pk, question_pk):
    search_round = search_selectors.get_round_for_user(user=request.user, pk=pk, round_pk=round_pk)
    question = get_object_or_404(
        RoundQuestion.objects.select_related("asked_by__provider"),
        round=search_round,
        pk=question_pk,
    )
    form = QuestionAnswerForm(request.POST if request.method == "POST" else None)
    if done := submit_form(
        request,
        form,
        lambda data: rounds.question_answer(
            question=question, answer=data["answer"], actor=request.user
        ),
        redirect_to=reverse("referrals:round", kwargs={"pk": pk, "round_pk": round_pk}),
        success="Answer sent to every provider in the round.",
        error_field="answer",
    ):
        return done
    return render(
        request,
        "referrals/question_answer.html",
        {
            "referral": search_round.referral,
            "search_round": search_round,
            "question": question,
            "form": form,
        },
    )
