"""The social worker's pages: starting a referral, each section, submitting, withdrawing."""

import re
import secrets
from dataclasses import replace

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.permissions import Capability, capability_required, is_brokerage
from placements.services import DomainError
from referrals import selectors
from referrals.brokerage.forms import (
    QAAnswerForm,
)
from referrals.brokerage.selectors import open_qa_round
from referrals.drafting import services as drafting
from referrals.drafting.completeness import (
    NEEDS_ANSWERS,
    child_missing,
    missing_summary,
    person_missing,
    referral_missing_answers,
    section_missing,
)
from referrals.drafting.forms import (
    ChildForm,
    ExclusionForm,
    NeedsForm,
    OutcomesForm,
    PersonForm,
    ProfileForm,
    WithdrawForm,
)
from referrals.models import Child, PersonAroundChild, Referral
from referrals.pages import back_to_referral, loaded_with
from referrals.workflow import (
    referral_can_move,
    referral_is_editable,
)


@capability_required(Capability.START_REFERRAL)
@require_POST
def referral_start(request):
    try:
        referral = drafting.referral_start(social_worker=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("referrals:list")
    return redirect("referrals:detail", pk=referral.pk)


def _referral_to_withdraw(user, pk):
    """The social worker's side (their team) or brokerage may withdraw a referral."""
    if is_brokerage(user):
        return selectors.get_referral_for_user(user=user, pk=pk)
    return selectors.get_referral_for_social_worker(user=user, pk=pk)


def _editable_or_redirect(request, pk):
    referral = selectors.get_referral_for_social_worker(user=request.user, pk=pk)
    if not referral_is_editable(referral):
        messages.error(
            request,
            f"This referral is {referral.get_status_display().lower()}, so it cannot be changed.",
        )
        return referral, redirect("referrals:detail", pk=referral.pk)
    return referral, None


editable_referral = loaded_with(_editable_or_redirect)


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
    return back_to_referral(request, referral, _answers_still_needed("Saved.", missing))


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
        return drafting.child_save(
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
    drafting.child_remove(referral=referral, child=child, actor=request.user)
    messages.success(request, f"{child.full_name} has been removed from the referral.")
    return redirect("referrals:children", pk=referral.pk)


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def people(request, referral):
    if request.method == "POST":
        try:
            drafting.people_confirm_none(referral=referral, actor=request.user)
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
        return drafting.person_save(
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
    drafting.person_remove(referral=referral, person=person, actor=request.user)
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
        drafting.referral_update_needs(referral=referral, values=answers, actor=request.user)
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
            drafting.outcomes_set(referral=referral, texts=texts, actor=request.user)
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
            drafting.referral_update_profile(
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
            drafting.exclusion_add(
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
    drafting.exclusion_remove(referral=referral, exclusion=exclusion, actor=request.user)
    messages.success(request, f"{exclusion.provider} has been taken off the list.")
    return redirect("referrals:exclusions", pk=referral.pk)


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
            referral = drafting.referral_submit(
                referral=referral, actor=request.user, response=response
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("referrals:detail", pk=referral.pk)
        if answering:
            return back_to_referral(request, referral, "Sent back to brokerage with your changes.")
        # Redirect, so refreshing the confirmation does not send the form again.
        return redirect("referrals:submitted", pk=referral.pk)
    return render(
        request,
        "referrals/check_answers.html",
        {
            "referral": referral,
            "form": form,
            "qa_round": open_qa_round(referral),
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
            drafting.referral_withdraw(
                referral=referral, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return back_to_referral(request, referral, "The referral has been withdrawn.")
    return render(request, "referrals/withdraw.html", {"referral": referral, "form": form})
