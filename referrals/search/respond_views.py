"""The provider's pages: reached only through the secret link in their email, no
sign-in. A link that is unknown, tampered with, expired or revoked gets one plain
page that says nothing about the child or which of those it was."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from placements.actions import submit_form
from placements.links import private
from placements.models import CouncilSettings
from referrals.models import ProviderRequest
from referrals.packages.costing import answer_weeks
from referrals.packages.schedule import row_label, tables, when_text
from referrals.search import answers
from referrals.search.forms import (
    NoOptionForm,
    OfferForm,
    PackageOfferForm,
    QuestionForm,
    WithdrawOfferForm,
)
from referrals.search.rules import link_expiry


def provider_link(*, answering: bool):
    """Resolve the token into the link's state. Pages that take an answer need the link
    open; the main page also reads while the link is in its grace period."""

    def decorator(view):
        @login_not_required
        @wraps(view)
        def wrapped(request, token, *args, **kwargs):
            state = answers.link_resolve(token)
            if state.item is None:
                response = render(request, "respond/invalid.html", status=404)
                # Django logs every 404 with its path, and the path holds the secret.
                response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag
                return private(response)
            if answering and not state.is_open:
                return private(redirect("respond:page", token=token))
            return private(view(request, state, token, *args, **kwargs))

        return wrapped

    return decorator


def _context(state, token, **extra) -> dict:
    request = state.item
    search_round = request.round
    responses = list(request.answers.order_by("version").prefetch_related("covered__slot"))
    current = responses[-1] if responses else None
    weeks, covered_rows = [], []
    if search_round.service and current and current.kind == "offer":
        weeks = answer_weeks(current, answers.round_slots(search_round))
        covered_rows = [(c, when_text(c.slot)) for c in current.covered.all()]
    return {
        "token": token,
        "state": state,
        "provider_request": request,
        "provider": request.provider,
        "search_round": search_round,
        "pack": search_round.resource_request.content,
        "responses": responses,
        "current": current,
        "weeks": weeks,
        "covered_rows": covered_rows,
        # A part of a package brokered again: the days and times this request is about.
        "asked_rows": [row_label(slot) for slot in answers.round_slots(search_round)]
        if search_round.rows
        else [],
        "questions": search_round.questions.filter(answered_at__isnull=False),
        "my_questions": search_round.questions.filter(asked_by=request, answered_at__isnull=True),
        "expires_at": link_expiry(search_round, council=CouncilSettings.load()),
        "may_withdraw": answers.offer_withdrawable_here(request),
        **extra,
    }


OPENED_IN_SESSION = "_opened_links"


@require_http_methods(["GET"])
@provider_link(answering=False)
def page(request, state, token):
    # An opening is a visit: coming back to the page after answering is not another.
    opened = request.session.get(OPENED_IN_SESSION, [])
    if state.link.pk not in opened:
        answers.link_opened(state)
        request.session[OPENED_IN_SESSION] = [*opened, state.link.pk][-20:]
    return render(request, "respond/page.html", _context(state, token))


def _answer_page(
    request, state, token, *, form, title: str, action, success: str, button: str, template
):
    if done := submit_form(
        request,
        form,
        action,
        redirect_to=reverse("respond:page", kwargs={"token": token}),
        success=success,
    ):
        return done
    return render(
        request,
        template,
        _context(state, token, form=form, title=title, button=button),
    )


def _package_offer_form(request, state, current):
    """Part B: the rows of the round's service the provider can cover, and its rates."""
    search_round = state.item.round
    slots = answers.round_slots(search_round)
    rows = [row for table in tables(slots, service=search_round.service) for row in table.rows]
    initial = {}
    if current and current.kind == "offer":
        initial = {
            name: getattr(current, name)
            for name in (*answers.PACKAGE_OFFER_FIELDS, "responder_name")
        }
        initial |= {PackageOfferForm.row_field(c.slot_id): c.rate for c in current.covered.all()}
    form = PackageOfferForm(
        request.POST if request.method == "POST" else None, initial=initial, rows=rows
    )

    def make(data):
        answers.package_offer_make(
            provider_request=state.item,
            responder_name=data["responder_name"],
            values=form.values(),
            covered=form.covered(),
        )

    return form, make


def _placement_offer_form(request, state, current):
    initial = {}
    if current and current.kind == "offer":
        initial = {
            name: getattr(current, name) for name in (*answers.OFFER_FIELDS, "responder_name")
        }
    form = OfferForm(request.POST if request.method == "POST" else None, initial=initial)

    def make(data):
        answers.offer_make(
            provider_request=state.item,
            responder_name=data["responder_name"],
            values=form.values(),
        )

    return form, make


# (what the answer is called, the title when answering first, and the page)
OFFER_WORDS = {
    True: ("answer", "Say what you can cover", "respond/package_offer.html"),
    False: ("offer", "Make an offer", "respond/offer.html"),
}


@require_http_methods(["GET", "POST"])
@provider_link(answering=True)
def offer(request, state, token):
    if state.item.offer_locked_at and state.item.answer == ProviderRequest.Answer.OFFER:
        messages.info(
            request,
            "Your offer has been sent to the social worker as an option, so it can no longer "
            "be changed.",
        )
        return redirect("respond:page", token=token)
    current = state.item.answers.order_by("-version").first()
    package = bool(state.item.round.service)
    form, make = (_package_offer_form if package else _placement_offer_form)(
        request, state, current
    )
    noun, first_title, template = OFFER_WORDS[package]
    amending = state.item.answer == ProviderRequest.Answer.OFFER
    return _answer_page(
        request,
        state,
        token,
        form=form,
        title=f"Change your {noun}" if amending else first_title,
        action=make,
        success=f"Your {noun} has been sent. You can change it until the deadline.",
        button=f"Send the changed {noun}"
        if amending
        else f"Send {'your' if package else 'the'} {noun}",
        template=template,
    )


@require_http_methods(["GET", "POST"])
@provider_link(answering=True)
def no_option(request, state, token):
    form = NoOptionForm(request.POST if request.method == "POST" else None)
    if state.item.round.service:
        form.fields["reason"].label = "Why can you not provide this support?"

    def give(data):
        answers.no_option_give(
            provider_request=state.item,
            responder_name=data["responder_name"],
            reason=data["reason"],
        )

    return _answer_page(
        request,
        state,
        token,
        form=form,
        title="Tell us you have no option",
        action=give,
        success="Thank you: we have recorded that you have no option.",
        button="Send",
        template="respond/form.html",
    )


@require_http_methods(["GET", "POST"])
@provider_link(answering=False)
def withdraw(request, state, token):
    # An offer can be withdrawn after answers close, while the link still reads: the
    # social worker may be choosing it.
    if not answers.offer_withdrawable_here(state.item) or not (
        state.is_open or state.item.offer_locked_at
    ):
        return redirect("respond:page", token=token)
    form = WithdrawOfferForm(request.POST if request.method == "POST" else None)

    def take_back(data):
        answers.offer_withdraw(
            provider_request=state.item,
            responder_name=data["responder_name"],
            reason=data["reason"],
        )

    return _answer_page(
        request,
        state,
        token,
        form=form,
        title="Withdraw your offer",
        action=take_back,
        success="Your offer has been withdrawn.",
        button="Withdraw the offer",
        template="respond/form.html",
    )


@require_http_methods(["GET", "POST"])
@provider_link(answering=True)
def question(request, state, token):
    form = QuestionForm(request.POST if request.method == "POST" else None)

    def ask(data):
        answers.question_ask(provider_request=state.item, question=data["question"])

    return _answer_page(
        request,
        state,
        token,
        form=form,
        title="Ask a question",
        action=ask,
        success="Your question has been sent. The answer will appear on this page.",
        button="Send the question",
        template="respond/form.html",
    )
