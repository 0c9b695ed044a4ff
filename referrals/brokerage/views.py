"""Brokerage's pages before the search: the duty action list, managing a referral, notes,
the quality check and the emergency path."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.actions import run_action, submit_form
from placements.models import User
from placements.permissions import Capability, capability_required, is_brokerage, is_duty_lead
from placements.roles import Role
from placements.services import DomainError
from referrals import selectors
from referrals.brokerage import alerts as alert_services
from referrals.brokerage import selectors as brokerage_selectors
from referrals.brokerage import services as brokerage
from referrals.brokerage.forms import (
    ActionListFilterForm,
    AlertCloseForm,
    AssignForm,
    NextActionForm,
    NoteForm,
    PriorityForm,
    QAAcceptForm,
    QAReturnForm,
)
from referrals.drafting.completeness import qa_checklist
from referrals.registry import list_panels
from referrals.workflow import user_may_accept_emergency, user_may_qa


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def quality_check(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    if not user_may_qa(request.user, referral):
        if is_brokerage(request.user):
            messages.info(request, "This referral is not waiting for its brokerage check now.")
            return redirect("referrals:detail", pk=referral.pk)
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    accept_form = QAAcceptForm(request.POST if action == "accept" else None, prefix="accept")
    return_form = QAReturnForm(request.POST if action == "return" else None, prefix="return")
    # A refusal (someone else checked it first) is said on the referral's page.
    referral_page = reverse("referrals:detail", kwargs={"pk": referral.pk})
    if action == "accept" and accept_form.is_valid():
        return run_action(
            request,
            lambda: brokerage.referral_qa_accept(
                referral=referral,
                actor=request.user,
                take_it=accept_form.cleaned_data["take_it"],
            ),
            redirect_to=referral_page,
            success="Accepted onto the action list.",
        )
    if action == "return" and return_form.is_valid():
        return run_action(
            request,
            lambda: brokerage.referral_qa_return(
                referral=referral, actor=request.user, requests=return_form.requests()
            ),
            redirect_to=referral_page,
            success="Returned to the social worker with your requests.",
        )
    return render(
        request,
        "referrals/quality_check.html",
        {
            "referral": referral,
            "checklist": qa_checklist(referral),
            "accept_form": accept_form,
            "return_form": return_form,
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_GET
def action_list(request):
    today = timezone.localdate()
    form = ActionListFilterForm(
        request.GET or None, choices=brokerage_selectors.ACTION_LIST_FILTERS
    )
    chosen = form.cleaned_data["show"] if form.is_valid() else []
    referrals = brokerage_selectors.action_list(request.user, filters=chosen, today=today)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    for referral in page:
        # Read by the row template, which reloads a row only when this changes.
        referral.row_version = brokerage_selectors.action_row_version(  # type: ignore[attr-defined]
            referral, today=today
        )
    params = request.GET.copy()
    params.pop("page", None)
    # The filters (htmx) and the list's own background refresh (static/js) ask for the
    # rows only.
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request,
        "referrals/_action_rows.html" if partial else "referrals/action_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "querystring_without_page": params.urlencode(),
            "refreshed_at": timezone.localtime(),
            "refresh_seconds": settings.ACTION_LIST_REFRESH_SECONDS,
            "alerts": [] if partial else brokerage_selectors.alerts_open(),
            "panels": [] if partial else list_panels("action-list", request.user),
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def alert_close(request, pk, alert_pk):
    """An alert about the referral (a provider's rating fell): what was done about it."""
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    alert = brokerage_selectors.get_alert_for_user(
        user=request.user, referral=referral, pk=alert_pk
    )
    form = AlertCloseForm(request.POST if request.method == "POST" else None)
    if alert.dealt_with_at is None and (
        done := submit_form(
            request,
            form,
            lambda data: alert_services.alert_close(
                alert=alert, actor=request.user, note=data["note"]
            ),
            redirect_to="referrals:action-list",
            success="The alert is recorded as dealt with.",
        )
    ):
        return done
    return render(
        request, "referrals/alert_close.html", {"referral": referral, "alert": alert, "form": form}
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def manage(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    duty_lead = is_duty_lead(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    officers = User.objects.filter(
        is_active=True, role_assignments__role=Role.BROKERAGE_OFFICER
    ).order_by("full_name")
    forms_by_action: dict[str | None, forms.Form] = {
        "next_action": NextActionForm(
            request.POST if action == "next_action" else None,
            prefix="next",
            initial={"next_action": referral.next_action, "due": referral.next_action_due},
        ),
    }
    if duty_lead:
        forms_by_action["assign"] = AssignForm(
            request.POST if action == "assign" else None,
            prefix="assign",
            officers=officers,
            initial={"officer": referral.assigned_officer_id},
        )
        forms_by_action["priority"] = PriorityForm(
            request.POST if action == "priority" else None,
            prefix="priority",
            initial={"priority": referral.priority},
        )
    form = forms_by_action.get(action)
    # Not submit_form: a refusal is a message above the page's three forms, shown again as sent.
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "assign":
                brokerage.referral_assign(
                    referral=referral, officer=data["officer"], actor=request.user
                )
            elif action == "priority":
                brokerage.referral_set_priority(
                    referral=referral, priority=data["priority"], actor=request.user
                )
            else:
                brokerage.referral_set_next_action(
                    referral=referral,
                    next_action=data["next_action"],
                    due=data["due"],
                    actor=request.user,
                )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Saved.")
            return redirect("referrals:action-list")
    return render(
        request,
        "referrals/manage.html",
        {"referral": referral, "forms": forms_by_action, "is_duty_lead": duty_lead},
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_POST
def add_note(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    referral_page = reverse("referrals:detail", kwargs={"pk": referral.pk})
    if not form.is_valid():
        # Shown beside the note form, where the page opens, not at the top out of view.
        messages.error(
            request,
            "Enter what happened, and whether it was a note or a call.",
            extra_tags="note-error",
        )
        return redirect(f"{referral_page}#add-note")
    return run_action(
        request,
        lambda: brokerage.referral_add_note(
            referral=referral,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            actor=request.user,
        ),
        redirect_to=f"{referral_page}#chronology",
        success="Added to the chronology.",
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def emergency_accept(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    if not user_may_accept_emergency(request.user, referral):
        if is_duty_lead(request.user):
            messages.info(request, "This referral cannot be accepted as an emergency now.")
            return redirect("referrals:detail", pk=referral.pk)
        raise Http404
    if request.method == "POST":
        return run_action(
            request,
            lambda: brokerage.referral_emergency_accept(referral=referral, actor=request.user),
            redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
            success="Accepted for immediate search. The approvals are due.",
        )
    return render(request, "referrals/emergency_accept.html", {"referral": referral})
