"""The social worker's pages for each section of a draft referral: the children, the
people around them, what is needed, the outcomes, getting to know the child and the
providers not to approach. Each saves what passes its checks."""

import re
import secrets
from dataclasses import replace
from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.actions import run_action, submit_form
from placements.permissions import Capability, capability_required
from placements.services import DomainError
from referrals import selectors
from referrals.drafting import services as drafting
from referrals.drafting.completeness import (
    NEEDS_ANSWERS,
    child_missing,
    missing_summary,
    person_missing,
    section_missing,
)
from referrals.drafting.forms import (
    ChildForm,
    ExclusionForm,
    NeedsForm,
    OutcomesForm,
    PersonForm,
    ProfileForm,
)
from referrals.models import Child, PersonAroundChild, Referral
from referrals.pages import loaded_with
from referrals.workflow import referral_is_editable


def _editable_or_redirect(request, pk):
    referral = selectors.get_referral_for_social_worker(user=request.user, pk=pk)
    if not referral_is_editable(referral):
        messages.error(
            request,
            f"This referral is {referral.get_status_display().lower()}, so it cannot be changed.",
        )
        return referral, redirect("referrals:detail", pk=referral.pk)
    return referral, None


# The pages that change a draft (each section, and submitting it) load it through this.
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
    return (
        Referral.objects.select_related("package")
        .prefetch_related("children", "people", "outcomes", "schedule")
        .get(pk=referral.pk)
    )


def saved_message(referral, key: str) -> str:
    return _answers_still_needed("Saved.", section_missing(_fresh(referral))[key])


def section_saved(request, referral, key: str):
    messages.success(request, saved_message(referral, key))
    return redirect("referrals:detail", pk=referral.pk)


def section_page(
    request,
    referral,
    form,
    key: str,
    *,
    saved_others=False,
    template="referrals/section_form.html",
    **context,
):
    """A section's form. After a save some of whose answers were refused, it says the
    others were saved, and what the section still needs."""
    shown = _fresh(referral) if saved_others else referral
    missing = section_missing(shown)[key]
    started = saved_others or context.pop("started", False)
    return render(
        request,
        template,
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
    row = _added_earlier(request, rows, adding) if adding else get_object_or_404(rows, pk=pk)
    form = form(request.POST or None, instance=row)
    kept = False
    # Not submit_form: the answers that pass are kept even when others are refused.
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
        form=partial(ChildForm, package=referral.is_package),
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
        return run_action(
            request,
            lambda: drafting.people_confirm_none(referral=referral, actor=request.user),
            redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
            success=lambda _: saved_message(referral, "people"),
            refused_to=reverse("referrals:people", kwargs={"pk": referral.pk}),
        )
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
        form=partial(PersonForm, package=referral.is_package),
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
            return section_saved(request, referral, "needs")
    return section_page(
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
        # Not submit_form: saved even when the form has errors (the refused outcomes stay).
        try:
            drafting.outcomes_set(referral=referral, texts=texts, actor=request.user)
        except DomainError as error:
            form.add_error(None, str(error))
        if not form.errors:
            return section_saved(request, referral, "outcomes")
    return section_page(
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
            return section_saved(request, referral, "profile")
    # One answer: when it is refused there is nothing else to have saved.
    return section_page(request, referral, form, "profile", title="Getting to know me")


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def exclusions(request, referral):
    form = ExclusionForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda data: drafting.exclusion_add(
            referral=referral, provider=data["provider"], reason=data["reason"], actor=request.user
        ),
        redirect_to=reverse("referrals:exclusions", kwargs={"pk": referral.pk}),
        success="Provider added to the list.",
        error_field="provider",
    ):
        return done
    return render(request, "referrals/exclusions.html", {"referral": referral, "form": form})


@capability_required(Capability.START_REFERRAL)
@require_POST
@editable_referral
def exclusion_remove(request, referral, exclusion_pk):
    exclusion = get_object_or_404(referral.exclusions.all(), pk=exclusion_pk)
    drafting.exclusion_remove(referral=referral, exclusion=exclusion, actor=request.user)
    messages.success(request, f"{exclusion.provider} has been taken off the list.")
    return redirect("referrals:exclusions", pk=referral.pk)
