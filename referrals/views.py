import re
import secrets
from dataclasses import replace
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.models import User
from placements.permissions import Capability, capability_required, user_can
from placements.roles import Role
from placements.services import DomainError

from . import selectors, services
from .completeness import (
    NEEDS_ANSWERS,
    SECTIONS,
    child_missing,
    missing_summary,
    person_missing,
    qa_checklist,
    referral_missing_answers,
    section_missing,
)
from .forms import (
    ActionListFilterForm,
    AllowedWordForm,
    AssignForm,
    ChildForm,
    ExclusionForm,
    FlagAcceptForm,
    NeedsForm,
    NextActionForm,
    NoteForm,
    OutcomesForm,
    PassageForm,
    PersonForm,
    PlacementTypeForm,
    PriorityForm,
    ProfileForm,
    QAAcceptForm,
    QAAnswerForm,
    QAReturnForm,
    WithdrawForm,
)
from .models import AllowedWord, Child, PersonAroundChild, PlacementType, Referral
from .page_extras import referral_page_extras
from .pdf import chronology_pdf as render_chronology_pdf
from .pdf import pack_pdf as render_pack_pdf
from .workflow import (
    is_social_worker_side,
    referral_can_move,
    referral_is_editable,
    referral_needs_agreement_evidence,
    user_may_accept_emergency,
    user_may_approve_search,
    user_may_edit,
    user_may_endorse,
    user_may_qa,
    user_may_return_for_changes,
    user_may_withdraw,
)


def _saved(request, referral, message="Saved.") -> object:
    messages.success(request, message)
    return redirect("referrals:detail", pk=referral.pk)


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def referral_list(request):
    status = request.GET.get("status", "open")
    referrals = selectors.referral_list_for_user(request.user, status=status)
    page = Paginator(referrals, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/referral_list.html",
        {
            "waiting": list(selectors.referrals_waiting_for(request.user)[:50]),
            "page": page,
            "querystring_without_page": f"status={status}",
            "status": status,
            "statuses": Referral.Status.choices,
            "can_start": user_can(request.user, Capability.START_REFERRAL),
        },
    )


@capability_required(Capability.START_REFERRAL)
@require_POST
def referral_start(request):
    try:
        referral = services.referral_start(social_worker=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("referrals:list")
    return redirect("referrals:detail", pk=referral.pk)


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def referral_detail(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    can_edit = user_may_edit(request.user, referral)
    may_endorse = user_may_endorse(request.user, referral)
    missing = section_missing(referral)
    sections = [
        {
            "section": s,
            "still_needed": missing_summary(missing[s.key], brief=True),
            "complete": not missing[s.key],
        }
        for s in SECTIONS
    ]
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "can_edit": can_edit,
            "sections": sections,
            "complete_count": sum(
                1 for s in sections if s["complete"] and not s["section"].optional
            ),
            "required_count": sum(1 for s in SECTIONS if not s.optional),
            "can_withdraw": user_may_withdraw(request.user, referral),
            "latest_return": _latest_return(referral),
            "qa_round": _open_qa_round(referral)
            if referral.status == Referral.Status.QA_RETURNED
            else None,
            "may_qa": user_may_qa(request.user, referral),
            "may_accept_emergency": user_may_accept_emergency(request.user, referral),
            "may_pack": user_can(request.user, Capability.WORK_ACTION_LIST)
            and referral.status in (Referral.Status.APPROVED, Referral.Status.ACCEPTED),
            "note_form": NoteForm()
            if user_can(request.user, Capability.WORK_ACTION_LIST)
            and referral.status not in (Referral.Status.DRAFT, Referral.Status.WITHDRAWN)
            else None,
            "may_endorse": may_endorse,
            "may_return": user_may_return_for_changes(request.user, referral),
            "may_decide": may_endorse or user_may_approve_search(request.user, referral),
            "may_record": user_can(request.user, Capability.RECORD_SEARCH_EVIDENCE)
            and referral.status not in (Referral.Status.DRAFT, Referral.Status.WITHDRAWN),
            "needs_evidence": referral_needs_agreement_evidence(referral),
            **_search_context(request.user, referral),
            **_choice_context(request.user, referral),
        },
    )


def _choice_context(user, referral) -> dict:
    """Where the referral stands after the search: its stage, set by the approvals app's
    steps, and what the later apps registered for the page (referrals.page_extras)."""
    if referral.status not in (Referral.Status.ACCEPTED, Referral.Status.PLACED):
        return {}
    Stage = Referral.Stage
    return {
        "options_waiting": is_social_worker_side(user, referral)
        and referral.stage == Stage.OPTIONS,
        "placement_step": referral.stage in (Stage.CONFIRMING, Stage.AGREEMENT, Stage.PLACED),
        **referral_page_extras(user, referral),
    }


def _search_context(user, referral) -> dict:
    """Brokerage sees the rounds and the offers standing on the referral itself."""
    if (
        not user_can(user, Capability.WORK_ACTION_LIST)
        or referral.status != Referral.Status.ACCEPTED
    ):
        return {}
    return {
        "search_rounds": list(selectors.referral_rounds(referral)),
        "offers": selectors.referral_offers(referral),
    }


def _latest_return(referral):
    """The decision that sent it back, while it is back with the social worker."""
    if referral.status != Referral.Status.RETURNED:
        return None
    returns = [d for d in referral.search_decisions.all() if d.outcome == "returned"]
    return returns[-1] if returns else None


def _referral_to_withdraw(user, pk):
    """The social worker's side (their team) or brokerage may withdraw a referral."""
    if user.has_role(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD):
        return selectors.get_referral_for_user(user=user, pk=pk)
    return selectors.get_referral_to_edit(user=user, pk=pk)


def _editable_or_redirect(request, pk):
    referral = selectors.get_referral_to_edit(user=request.user, pk=pk)
    if not referral_is_editable(referral):
        messages.error(
            request,
            f"This referral is {referral.get_status_display().lower()}, so it cannot be changed.",
        )
        return referral, redirect("referrals:detail", pk=referral.pk)
    return referral, None


def _loaded_with(loader):
    """Decorate a view that takes (request, referral, ...). `loader(request, pk)` gives the
    referral and, when the page cannot be used now, the response to send instead."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, pk, **kwargs):
            referral, stop = loader(request, pk)
            return stop or view(request, referral, **kwargs)

        return wrapped

    return decorator


editable_referral = _loaded_with(_editable_or_redirect)


# --- Sections -------------------------------------------------------------------
#
# A section saves every answer that passes its checks, even when others are blank or
# wrong: blanks are still to complete (checked when the referral is submitted), wrong
# answers are shown as errors and not saved. Each save is one transaction.


def _answers_still_needed(saved: str, missing) -> str:
    """ "Saved. 2 answers still to complete: the date needed; the expected duration." """
    if not missing:
        return saved
    count = len(missing)
    return (
        f"{saved} {count} answer{'s' if count != 1 else ''} still to complete: "
        f"{missing_summary(missing)}."
    )


def _fresh(referral: Referral) -> Referral:
    """The referral as just saved, with what its completeness reads."""
    return Referral.objects.prefetch_related("children", "people", "outcomes").get(pk=referral.pk)


def _section_saved(request, referral, key: str):
    missing = section_missing(_fresh(referral))[key]
    return _saved(request, referral, _answers_still_needed("Saved.", missing))


def _section_page(request, referral, form, key: str, *, saved_others=False, **context):
    """A section's form. After a save some of whose answers were refused, it says the
    others were saved, and what the section still needs."""
    shown = _fresh(referral) if saved_others else referral
    missing = section_missing(shown)[key]
    started = saved_others or context.pop("started", False)
    return render(
        request,
        "referrals/section_form.html",
        {
            "referral": referral,
            "form": form,
            "saved_others": saved_others,
            "still_needed": missing if started else [],
            **context,
        },
    )


# An Add page's form carries a token; the row its first save made is remembered in the
# session against it, so a second save of the same form (a correction after some
# answers were refused, a refresh, a second press of the button) changes that row
# rather than adding it twice.
ADDED_SESSION_KEY = "referrals-added"
ADD_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _add_token(request) -> str:
    token = request.POST.get("adding", "")
    return token if ADD_TOKEN.fullmatch(token) else secrets.token_urlsafe(16)


def _added_earlier(request, rows, token: str):
    pk = request.session.get(ADDED_SESSION_KEY, {}).get(f"{rows.model._meta.model_name}:{token}")
    return rows.filter(pk=pk).first() if pk else None


def _remember_added(request, row, token: str) -> None:
    added = request.session.get(ADDED_SESSION_KEY, {})
    added[f"{row._meta.model_name}:{token}"] = row.pk
    request.session[ADDED_SESSION_KEY] = dict(list(added.items())[-20:])


def _row_page(request, referral, *, form, rows, pk, save, saved: str, missing, back: str, template):
    """Add or change one child or person: kept once the answer it is kept from is given
    (a first name, a full name), with every other answer that passes its checks."""
    adding = None if pk else _add_token(request)
    row = get_object_or_404(rows, pk=pk) if pk else _added_earlier(request, rows, adding)
    form = form(request.POST or None, instance=row)
    kept = False
    if request.method == "POST":
        answers = form.answers_to_save()
        if row is not None or not form.refused:
            try:
                row = save(row, answers)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                kept = True
                if adding:
                    _remember_added(request, row, adding)
                if not form.errors:
                    about_it = [replace(m, who="") for m in missing(row)]
                    messages.success(request, _answers_still_needed(saved, about_it))
                    return redirect(back, pk=referral.pk)
    return render(
        request,
        template,
        {
            "referral": referral,
            "form": form,
            "row": row,
            "adding": adding,
            "saved_others": kept,
            "refused": request.method == "POST" and row is None,
            "still_needed": missing(row) if row is not None else [],
        },
    )


@capability_required(Capability.START_REFERRAL)
@require_GET
@editable_referral
def children(request, referral):
    rows = [(child, child_missing(child)) for child in referral.children.all()]
    return render(request, "referrals/children.html", {"referral": referral, "rows": rows})


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def child_edit(request, referral, child_pk=None):
    def save(child, answers):
        return services.child_save(
            referral=referral, child=child, values=answers, actor=request.user
        )

    return _row_page(
        request,
        referral,
        form=ChildForm,
        rows=Child.objects.filter(referral=referral),
        pk=child_pk,
        save=save,
        saved="Child saved.",
        missing=child_missing,
        back="referrals:children",
        template="referrals/child_form.html",
    )


@capability_required(Capability.START_REFERRAL)
@require_POST
@editable_referral
def child_remove(request, referral, child_pk):
    child = get_object_or_404(referral.children.all(), pk=child_pk)
    services.child_remove(referral=referral, child=child, actor=request.user)
    messages.success(request, f"{child.full_name} has been removed from the referral.")
    return redirect("referrals:children", pk=referral.pk)


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def people(request, referral):
    if request.method == "POST":
        try:
            services.people_confirm_none(referral=referral, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("referrals:people", pk=referral.pk)
        return _section_saved(request, referral, "people")
    rows = [(person, person_missing(person)) for person in referral.people.all()]
    return render(request, "referrals/people.html", {"referral": referral, "rows": rows})


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def person_edit(request, referral, person_pk=None):
    def save(person, answers):
        return services.person_save(
            referral=referral, person=person, values=answers, actor=request.user
        )

    return _row_page(
        request,
        referral,
        form=PersonForm,
        rows=PersonAroundChild.objects.filter(referral=referral),
        pk=person_pk,
        save=save,
        saved="Person saved.",
        missing=person_missing,
        back="referrals:people",
        template="referrals/person_form.html",
    )


@capability_required(Capability.START_REFERRAL)
@require_POST
@editable_referral
def person_remove(request, referral, person_pk):
    person = get_object_or_404(referral.people.all(), pk=person_pk)
    services.person_remove(referral=referral, person=person, actor=request.user)
    messages.success(request, f"{person.full_name} has been removed.")
    return redirect("referrals:people", pk=referral.pk)


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def needs(request, referral):
    form = NeedsForm(
        request.POST or None, instance=referral, sibling_group=len(referral.children.all()) > 1
    )
    if request.method == "POST":
        answers = form.answers_to_save()
        services.referral_update_needs(referral=referral, values=answers, actor=request.user)
        if not form.errors:
            return _section_saved(request, referral, "needs")
    return _section_page(
        request,
        referral,
        form,
        "needs",
        saved_others=request.method == "POST",
        started=any(getattr(referral, name) not in (None, "") for name in NEEDS_ANSWERS),
        title="What is needed",
    )


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def outcomes(request, referral):
    current = {f"outcome_{o.position}": o.text for o in referral.outcomes.all()}
    form = OutcomesForm(request.POST or None, initial=current)
    if request.method == "POST":
        answers = form.answers_to_save()
        # An outcome that was refused stays as it was; the others are as given.
        texts = [answers.get(name, current.get(name, "")) for name in form.fields]
        try:
            services.outcomes_set(referral=referral, texts=texts, actor=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        if not form.errors:
            return _section_saved(request, referral, "outcomes")
    return _section_page(
        request,
        referral,
        form,
        "outcomes",
        saved_others=request.method == "POST" and not form.non_field_errors(),
        title="Desired outcomes",
        intro="One to three outcomes this placement should achieve for the child.",
    )


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def profile(request, referral):
    form = ProfileForm(
        request.POST or None, initial={"getting_to_know_me": referral.getting_to_know_me}
    )
    if request.method == "POST":
        answers = form.answers_to_save()
        if "getting_to_know_me" in answers:
            services.referral_update_profile(
                referral=referral,
                getting_to_know_me=answers["getting_to_know_me"],
                actor=request.user,
            )
        if not form.errors:
            return _section_saved(request, referral, "profile")
    # One answer: when it is refused there is nothing else to have saved.
    return _section_page(request, referral, form, "profile", title="Getting to know me")


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def exclusions(request, referral):
    form = ExclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exclusion_add(
                referral=referral,
                provider=form.cleaned_data["provider"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error("provider", str(error))
        else:
            messages.success(request, "Provider added to the list.")
            return redirect("referrals:exclusions", pk=referral.pk)
    return render(request, "referrals/exclusions.html", {"referral": referral, "form": form})


@capability_required(Capability.START_REFERRAL)
@require_POST
@editable_referral
def exclusion_remove(request, referral, exclusion_pk):
    exclusion = get_object_or_404(referral.exclusions.all(), pk=exclusion_pk)
    services.exclusion_remove(referral=referral, exclusion=exclusion, actor=request.user)
    messages.success(request, f"{exclusion.provider} has been taken off the list.")
    return redirect("referrals:exclusions", pk=referral.pk)


# --- Submit and withdraw --------------------------------------------------------


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def submit(request, referral):
    answering = referral.status == Referral.Status.QA_RETURNED
    form = QAAnswerForm(request.POST or None) if answering else None
    # Completeness is checked here, and only here: each missing answer is named, with a
    # link to where it is given. The submit service checks it again, under its lock.
    missing = referral_missing_answers(referral)
    if request.method == "POST" and missing:
        return render(
            request,
            "referrals/check_answers.html",
            {"referral": referral, "missing": missing, "refused": True},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        response = form.cleaned_data["response"] if form else ""
        try:
            referral = services.referral_submit(
                referral=referral, actor=request.user, response=response
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("referrals:detail", pk=referral.pk)
        if answering:
            return _saved(request, referral, "Sent back to brokerage with your changes.")
        # Redirect, so refreshing the confirmation does not send the form again.
        return redirect("referrals:submitted", pk=referral.pk)
    return render(
        request,
        "referrals/check_answers.html",
        {
            "referral": referral,
            "form": form,
            "qa_round": _open_qa_round(referral),
            "missing": missing,
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def submitted(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    if referral.status != Referral.Status.SUBMITTED:
        return redirect("referrals:detail", pk=referral.pk)
    endorsers = selectors.referral_endorsers(referral)
    return render(
        request,
        "referrals/submitted.html",
        {
            "referral": referral,
            "endorsers": endorsers.people,
            "by_service_lead": endorsers.service_leads_instead,
        },
    )


def _open_qa_round(referral):
    rounds = [r for r in referral.qa_rounds.all() if r.answered_at is None]
    return rounds[-1] if rounds else None


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def quality_check(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    if not user_may_qa(request.user, referral):
        if request.user.has_role(Role.BROKERAGE_OFFICER, Role.DUTY_LEAD):
            messages.info(request, "This referral is not waiting for its brokerage check now.")
            return redirect("referrals:detail", pk=referral.pk)
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    accept_form = QAAcceptForm(request.POST if action == "accept" else None, prefix="accept")
    return_form = QAReturnForm(request.POST if action == "return" else None, prefix="return")
    try:
        if action == "accept" and accept_form.is_valid():
            services.referral_qa_accept(
                referral=referral,
                actor=request.user,
                take_it=accept_form.cleaned_data["take_it"],
            )
            return _saved(request, referral, "Accepted onto the action list.")
        if action == "return" and return_form.is_valid():
            services.referral_qa_return(
                referral=referral, actor=request.user, requests=return_form.requests()
            )
            return _saved(request, referral, "Returned to the social worker with your requests.")
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("referrals:detail", pk=referral.pk)
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


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    referral = _referral_to_withdraw(request.user, pk)
    if not referral_can_move(referral, Referral.Status.WITHDRAWN):
        messages.info(request, "This referral has already been withdrawn.")
        return redirect("referrals:detail", pk=referral.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_withdraw(
                referral=referral, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return _saved(request, referral, "The referral has been withdrawn.")
    return render(request, "referrals/withdraw.html", {"referral": referral, "form": form})


# --- The duty action list -------------------------------------------------------------


@capability_required(Capability.WORK_ACTION_LIST)
@require_GET
def action_list(request):
    today = timezone.localdate()
    form = ActionListFilterForm(request.GET or None, choices=selectors.ACTION_LIST_FILTERS)
    chosen = form.cleaned_data["show"] if form.is_valid() else []
    referrals = selectors.action_list(request.user, filters=chosen, today=today)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    for referral in page:
        referral.row_version = selectors.action_row_version(referral, today=today)
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
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def manage(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    is_duty_lead = request.user.has_role(Role.DUTY_LEAD)
    action = request.POST.get("action") if request.method == "POST" else None
    officers = User.objects.filter(
        is_active=True, role_assignments__role=Role.BROKERAGE_OFFICER
    ).order_by("full_name")
    forms_by_action = {
        "next_action": NextActionForm(
            request.POST if action == "next_action" else None,
            prefix="next",
            initial={"next_action": referral.next_action, "due": referral.next_action_due},
        ),
    }
    if is_duty_lead:
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
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "assign":
                services.referral_assign(
                    referral=referral, officer=data["officer"], actor=request.user
                )
            elif action == "priority":
                services.referral_set_priority(
                    referral=referral, priority=data["priority"], actor=request.user
                )
            else:
                services.referral_set_next_action(
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
        {"referral": referral, "forms": forms_by_action, "is_duty_lead": is_duty_lead},
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_POST
def add_note(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.referral_add_note(
                referral=referral,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Added to the chronology.")
    else:
        # Shown beside the note form, where the page opens, not at the top out of view.
        messages.error(
            request,
            "Enter what happened, and whether it was a note or a call.",
            extra_tags="note-error",
        )
        return redirect(f"{reverse('referrals:detail', kwargs={'pk': referral.pk})}#add-note")
    return redirect(f"{reverse('referrals:detail', kwargs={'pk': referral.pk})}#chronology")


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def emergency_accept(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    if not user_may_accept_emergency(request.user, referral):
        if request.user.has_role(Role.DUTY_LEAD):
            messages.info(request, "This referral cannot be accepted as an emergency now.")
            return redirect("referrals:detail", pk=referral.pk)
        raise Http404
    if request.method == "POST":
        try:
            services.referral_emergency_accept(referral=referral, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("referrals:detail", pk=referral.pk)
        return _saved(request, referral, "Accepted for immediate search. The approvals are due.")
    return render(request, "referrals/emergency_accept.html", {"referral": referral})


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def chronology_pdf(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    pdf = render_chronology_pdf(referral=referral, requested_by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = referral.reference or f"draft-{referral.pk}"
    response["Content-Disposition"] = f'attachment; filename="chronology-{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- The administrator's list of placement types ---------------------------------------


@capability_required(Capability.MANAGE_PLACEMENT_TYPES)
@require_http_methods(["GET", "POST"])
def placement_types(request, type_pk=None):
    editing = get_object_or_404(PlacementType, pk=type_pk) if type_pk else None
    initial = (
        {
            "name": editing.name,
            "category": editing.category_id,
            "is_in_house": editing.is_in_house,
            "is_active": editing.is_active,
        }
        if editing
        else None
    )
    form = PlacementTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_type_save(
                values=form.cleaned_data, actor=request.user, placement_type=editing
            )
        except DomainError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, "Placement type saved.")
            return redirect("referrals:placement-types")
    return render(
        request,
        "referrals/placement_types.html",
        {
            "form": form,
            "editing": editing,
            "placement_types": PlacementType.objects.select_related("category"),
        },
    )


# --- The anonymised pack --------------------------------------------------------------


def _pack_page_referral(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    if referral.status not in (
        Referral.Status.APPROVED,
        Referral.Status.ACCEPTED,
        Referral.Status.PLACED,  # read only: what providers were sent
    ):
        messages.info(request, "The pack is prepared once the search has been approved.")
        return referral, redirect("referrals:detail", pk=referral.pk)
    return referral, None


pack_referral = _loaded_with(_pack_page_referral)


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
@pack_referral
def pack(request, referral):
    current = selectors.current_pack(referral)
    action = request.POST.get("action") if request.method == "POST" else None
    flag_form, flag_in_error = FlagAcceptForm(), None
    try:
        if action == "prepare":
            services.pack_prepare(referral=referral, actor=request.user)
            return redirect("referrals:pack", pk=referral.pk)
        if action == "accept" and current is not None:
            flag = get_object_or_404(current.flags.all(), pk=request.POST.get("flag"))
            flag_form = FlagAcceptForm(request.POST)
            if flag_form.is_valid():
                remember = flag_form.cleaned_data["remember"]
                try:
                    services.pack_flag_accept(
                        flag=flag,
                        reason=flag_form.cleaned_data["reason"],
                        actor=request.user,
                        remember=remember,
                    )
                except DomainError as refused:  # a name cannot be allowed in every pack
                    flag_form.add_error("reason", str(refused))
                else:
                    messages.success(
                        request,
                        f"“{flag.word}” accepted"
                        + (" and allowed in every pack." if remember else "."),
                    )
                    return redirect("referrals:pack", pk=referral.pk)
            flag_in_error = flag.pk
        if action == "release" and current is not None:
            services.pack_release(resource_request=current, actor=request.user)
            messages.success(request, "The pack is checked and released for the search.")
            return redirect("referrals:pack", pk=referral.pk)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("referrals:pack", pk=referral.pk)
    return render(
        request,
        "referrals/pack.html",
        {
            "referral": referral,
            "current": current,
            "passages": selectors.pack_passages(current) if current else [],
            "open_flags": [f for f in current.flags.all() if f.resolution == "open"]
            if current
            else [],
            "flag_form": flag_form,
            "flag_in_error": flag_in_error,
            "form": flag_form if flag_in_error else None,  # "Error:" in the page title
            "replacements": selectors.pack_replacements(referral) if current else [],
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
@pack_referral
def pack_edit(request, referral, key):
    current = selectors.current_pack(referral)
    entry = (
        next((t for t in current.content["texts"] if t["key"] == key), None) if current else None
    )
    if entry is None:
        raise Http404
    form = PassageForm(request.POST or None, initial={"text": entry["text"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.pack_edit_text(
                resource_request=current,
                key=key,
                text=form.cleaned_data["text"],
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Passage saved.")
        return redirect("referrals:pack", pk=referral.pk)
    return render(
        request, "referrals/pack_edit.html", {"referral": referral, "form": form, "entry": entry}
    )


@capability_required(Capability.ALLOW_WORDS)
@require_http_methods(["GET", "POST"])
def allowed_words(request):
    """The words the council allows in what providers read: the check does not flag
    them. Officers add them (or accept a flag and say so); the duty lead and
    administrators remove them."""
    form = AllowedWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.allowed_word_add(
                word=form.cleaned_data["word"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error("word", str(error))
        else:
            messages.success(request, f"“{form.cleaned_data['word']}” is allowed in every pack.")
            return redirect("referrals:allowed-words")
    return render(
        request,
        "referrals/allowed_words.html",
        {
            "form": form,
            "words": AllowedWord.objects.select_related("added_by"),
            "may_remove": user_can(request.user, Capability.REMOVE_ALLOWED_WORDS),
        },
    )


@capability_required(Capability.REMOVE_ALLOWED_WORDS)
@require_POST
def allowed_word_remove(request, word_pk):
    allowed = get_object_or_404(AllowedWord, pk=word_pk)
    services.allowed_word_remove(allowed=allowed, actor=request.user)
    messages.success(request, f"“{allowed.word}” will be flagged again from the next pack on.")
    return redirect("referrals:allowed-words")


@capability_required(Capability.WORK_ACTION_LIST)
@require_GET
def pack_pdf(resource_request, pk):
    referral = selectors.get_referral_for_user(user=resource_request.user, pk=pk)
    current = selectors.current_pack(referral)
    if current is None:
        raise Http404
    response = HttpResponse(
        render_pack_pdf(resource_request=current), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="pack-{referral.reference}-v{current.version}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
