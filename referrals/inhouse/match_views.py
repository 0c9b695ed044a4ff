"""The pages where a match and a sibling group's homes are worked out together: the
fostering service's duty worker, the child's social worker and the team's managers each
see the same page and do their part on it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from placements.actions import posted_pk, run_action, submit_form
from placements.permissions import Capability, user_can
from providers.fostering.services import children_now
from referrals.models import MatchConsultation
from referrals.selectors import referral_endorsers
from referrals.workflow import is_social_worker_side

from . import forms, matching, selectors, siblings


def _bound(request, action, form_class, **kwargs):
    """The form for `action`, bound to the POST when it is the one posted."""
    posted = request.method == "POST" and request.POST.get("action") == action
    return form_class(request.POST if posted else None, prefix=action, **kwargs), posted


@login_required
@require_http_methods(["GET", "POST"])
def match_page(request, pk, match_pk):
    referral = selectors.get_referral_for_in_house(user=request.user, pk=pk)
    match = selectors.get_match(referral=referral, pk=match_pk)
    page = reverse("referrals:matching", kwargs={"pk": referral.pk, "match_pk": match.pk})
    user = request.user
    is_duty = user_can(user, Capability.MANAGE_CARERS)
    is_social_worker = is_social_worker_side(user, referral)
    is_manager = user in referral_endorsers(referral).people
    action = request.POST.get("action") if request.method == "POST" else None

    if action == "share" and is_duty:
        return run_action(
            request,
            lambda: matching.profile_share(match=match, actor=user),
            redirect_to=page,
            success="The profile is shared: the social worker has been emailed.",
        )
    if action == "sign-off" and is_manager:
        return run_action(
            request,
            lambda: matching.match_sign_off(match=match, actor=user),
            redirect_to=page,
            success="The matching form is signed off.",
        )
    view_form, _ = _bound(request, "view", forms.ViewForm)
    if is_social_worker and (
        done := submit_form(
            request,
            view_form,
            lambda data: matching.social_worker_view(
                match=match, view=data["view"], note=data["note"], actor=user
            ),
            redirect_to=page,
            success="What you think of the match is recorded.",
            error_field="note",
        )
    ):
        return done
    matching_form = forms.MatchingForm(
        request.POST if action == "form" else None,
        prefix="form",
        initial={"needs": match.needs, "skills": match.skills, "support": match.support},
    )
    if is_duty and (
        done := submit_form(
            request,
            matching_form,
            lambda data: matching.match_form_save(match=match, actor=user, **data),
            redirect_to=page,
            success="The matching form is saved.",
        )
    ):
        return done
    end_form, _ = _bound(request, "end", forms.EndForm)
    if (is_duty or is_manager) and (
        done := submit_form(
            request,
            end_form,
            lambda data: matching.match_end(match=match, reason=data["reason"], actor=user),
            redirect_to=page,
            success="The match is recorded as not going ahead.",
        )
    ):
        return done
    answering = None
    if action == "consult" and is_duty:
        answering = get_object_or_404(
            MatchConsultation, pk=posted_pk(request, "consultation"), match=match
        )
    consult_form = forms.ConsultationForm(
        request.POST if answering else None,
        prefix=f"consult-{answering.pk}" if answering else "consult",
    )
    if answering is not None and (
        done := submit_form(
            request,
            consult_form,
            lambda data: matching.consultation_answer(
                consultation=answering, answer=data["answer"], note=data["note"], actor=user
            ),
            redirect_to=page,
            success="Their answer is recorded.",
            error_field="note",
        )
    ):
        return done

    consultations = list(match.consultations.select_related("child", "recorded_by"))
    rows = [
        {
            "consultation": c,
            "form": (
                consult_form
                if answering is not None and answering.pk == c.pk
                else forms.ConsultationForm(prefix=f"consult-{c.pk}")
            )
            if is_duty and match.is_open and c.answer == MatchConsultation.Answer.WAITING
            else None,
        }
        for c in consultations
    ]
    carer = match.enquiry.carer
    return render(
        request,
        "fostering/matching.html",
        {
            "referral": referral,
            "match": match,
            "carer": carer,
            "carer_children": [
                (child, child.age_on(timezone.localdate())) for child in children_now(carer)
            ],
            "rows": rows,
            "waiting_for": matching.match_waiting_for(match, consultations),
            "is_duty": is_duty,
            "is_social_worker": is_social_worker,
            "is_manager": is_manager,
            # The social worker reads the carers' profile once it is shared with them.
            "shows_profile": is_duty or match.profile_shared_at is not None,
            "view_form": view_form,
            "matching_form": matching_form,
            "end_form": end_form,
            "errors": [
                f
                for f in (view_form, matching_form, end_form, consult_form)
                if f.is_bound and f.errors
            ],
            "back": reverse("inhouse:round", kwargs={"pk": match.enquiry.search_round_id})
            if is_duty
            else reverse("referrals:detail", kwargs={"pk": referral.pk}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def siblings_page(request, pk):
    referral = selectors.get_referral_for_in_house(user=request.user, pk=pk)
    user = request.user
    page = reverse("referrals:siblings", kwargs={"pk": referral.pk})
    children = list(referral.children.all())
    open_split = siblings.open_split(referral)
    is_social_worker = is_social_worker_side(user, referral)
    is_manager = user in referral_endorsers(referral).people
    may_raise = len(children) > 1 and siblings.may_raise(user, referral)
    searching = referral.status in siblings.SEARCHING

    raise_form, _ = _bound(request, "raise", forms.RaiseForm)
    if may_raise and (
        done := submit_form(
            request,
            raise_form,
            lambda data: siblings.split_raise(referral=referral, reason=data["reason"], actor=user),
            redirect_to=page,
            success="Recorded: the social worker has been asked who should stay with whom.",
        )
    ):
        return done
    together_form, _ = _bound(request, "together", forms.TogetherForm)
    if may_raise and (
        done := submit_form(
            request,
            together_form,
            lambda data: siblings.split_together(
                referral=referral, reason=data["reason"], actor=user
            ),
            redirect_to=page,
            success="Recorded: the children are to be placed together.",
        )
    ):
        return done
    plan_form, _ = _bound(request, "plan", forms.PlanForm, children=children)
    if (
        open_split is not None
        and is_social_worker
        and (
            done := submit_form(
                request,
                plan_form,
                lambda data: siblings.split_propose(
                    split=open_split, groups=plan_form.groups(), note=data["note"], actor=user
                ),
                redirect_to=page,
                success="Your plan is sent to a team manager to agree.",
            )
        )
    ):
        return done
    decide_form, _ = _bound(request, "decide", forms.DecideForm)
    if (
        open_split is not None
        and is_manager
        and (
            done := submit_form(
                request,
                decide_form,
                lambda data: siblings.split_decide(
                    split=open_split,
                    agree=data["decision"] == "agree",
                    comment=data["comment"],
                    actor=user,
                ),
                redirect_to=page,
                success="Your decision is recorded.",
                error_field="comment",
            )
        )
    ):
        return done

    splits = list(referral.sibling_splits.select_related("raised_by", "proposed_by", "decided_by"))
    return render(
        request,
        "referrals/siblings.html",
        {
            "referral": referral,
            "children": children,
            "splits": [
                {"split": split, "groups": siblings.groups_of(split, children)}
                for split in reversed(splits)
            ],
            "open_split": open_split,
            "agreed": siblings.agreed_split(referral),
            "searching": searching,
            "may_raise": may_raise and searching,
            "may_plan": is_social_worker and searching and open_split is not None,
            "may_decide": is_manager
            and searching
            and open_split is not None
            and open_split.status == open_split.Status.PROPOSED,
            "raise_form": raise_form,
            "together_form": together_form,
            "plan_form": plan_form,
            "decide_form": decide_form,
            "errors": [
                f
                for f in (raise_form, together_form, plan_form, decide_form)
                if f.is_bound and f.errors
            ],
        },
    )
