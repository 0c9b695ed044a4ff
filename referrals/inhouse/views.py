"""The fostering service's duty worker's pages for the in-house rounds: the rounds, and
for one, the pack, the carers that fit and whom they asked."""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import posted_pk, run_action, submit_form
from placements.forms import GDSForm
from placements.permissions import Capability, capability_required
from providers.fostering.models import FosterCarer
from referrals.models import CarerEnquiry

from . import matching, selectors, services


class AnswerForm(GDSForm, forms.Form):
    answer = forms.ChoiceField(
        label="What did the carers say?",
        choices=[
            (CarerEnquiry.Answer.YES, "They could offer a home"),
            (
                CarerEnquiry.Answer.EMERGENCY,
                "They could offer an emergency home for up to 72 hours, while a longer-term "
                "carer is found",
            ),
            (CarerEnquiry.Answer.NO, "They cannot offer a home"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the carers said"},
    )
    note = forms.CharField(
        label="Note (needed if they cannot)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


@capability_required(Capability.MANAGE_CARERS)
@require_GET
def rounds(request):
    return render(
        request,
        "fostering/rounds.html",
        {"rounds": selectors.in_house_rounds(user=request.user)[:100]},
    )


@capability_required(Capability.MANAGE_CARERS)
@require_http_methods(["GET", "POST"])
def round_page(request, pk):
    search_round = selectors.get_in_house_round(user=request.user, pk=pk)
    page = reverse("inhouse:round", kwargs={"pk": search_round.pk})
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "ask":
        carer = get_object_or_404(FosterCarer, pk=posted_pk(request, "carer"))
        return run_action(
            request,
            lambda: services.carer_ask(search_round=search_round, carer=carer, actor=request.user),
            redirect_to=page,
            success=f"{carer.reference} is recorded as asked.",
        )
    if action == "match":
        offered = get_object_or_404(
            CarerEnquiry, pk=posted_pk(request, "enquiry"), search_round=search_round
        )
        children = selectors.group_children(search_round, request.POST.get("group", ""))
        return run_action(
            request,
            lambda: matching.match_start(enquiry=offered, actor=request.user, children=children),
            redirect_to=lambda match: reverse(
                "referrals:matching",
                kwargs={"pk": search_round.referral_id, "match_pk": match.pk},
            ),
            refused_to=page,
            success="Matching has started: everyone to ask has been emailed.",
        )
    answering = None
    if action == "answer":
        answering = get_object_or_404(
            CarerEnquiry, pk=posted_pk(request, "enquiry"), search_round=search_round
        )
    form = AnswerForm(
        request.POST if answering else None,
        prefix=f"answer-{answering.pk}" if answering else "answer",
    )
    if answering is not None and (
        done := submit_form(
            request,
            form,
            lambda data: services.carer_answer(
                enquiry=answering, answer=data["answer"], note=data["note"], actor=request.user
            ),
            redirect_to=page,
            success="Their answer is recorded.",
            error_field="note",
        )
    ):
        return done
    asked = selectors.enquiries(search_round)
    matches = selectors.matches_of(search_round)
    searching = search_round.referral.status in matching.SEARCHING
    groups: list[dict] = []
    shown: set[int] = set()
    for group_fits in selectors.round_fits(search_round):
        rows = []
        for found in group_fits.fits:
            enquiry = asked.get(found.carer.pk)
            answer_form = None
            waiting = enquiry is not None and enquiry.answer == CarerEnquiry.Answer.WAITING
            # Carers listed under two groups get the answer's form once.
            if enquiry is not None and waiting and enquiry.pk not in shown:
                shown.add(enquiry.pk)
                mine = answering is not None and answering.pk == enquiry.pk
                answer_form = form if mine else AnswerForm(prefix=f"answer-{enquiry.pk}")
            rows.append(
                {
                    "fit": found,
                    "enquiry": enquiry,
                    "form": answer_form,
                    "match": matches.get(enquiry.pk) if enquiry else None,
                    "may_match": searching
                    and enquiry is not None
                    and enquiry.answer in matching.OFFERED
                    and (enquiry.pk not in matches or matches[enquiry.pk].ended_at is not None),
                }
            )
        groups.append({"group": group_fits.group, "rows": rows})
    return render(
        request,
        "fostering/round.html",
        {
            "search_round": search_round,
            "pack": search_round.resource_request.content if search_round.resource_request else {},
            "groups": groups,
            "form": form,
            "answering": answering,
        },
    )
