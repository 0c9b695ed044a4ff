"""The pages where a match and a sibling group's homes are worked out together: the
fostering service's duty worker, the child's social worker and the team's managers each
see the same page and do their part on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from placements.actions import posted_pk, run_action, submit_form
from placements.permissions import Capability, user_can
from providers.fostering.services import children_now
from referrals.models import MatchConsultation, SiblingSplit
from referrals.selectors import referral_endorsers
from referrals.workflow import is_social_worker_side

from . import forms, matching, selectors, siblings


def _bound(request, action, form_class, **kwargs):
    """The form for `action`, bound to the POST when it is the one posted."""
    posted = request.method == "POST" and request.POST.get("action") == action
    return form_class(request.POST if posted else None, prefix=action, **kwargs), posted


def _refused(request, page):
    """A step this person may not take on the page as it stands (a stale page, or a
    crafted post): say so and show the page again."""
    messages.error(request, "That cannot be done on this page now.")
    return redirect(page)


@login_required
@require_http_methods(["GET", "POST"])
def match_page(request, pk, match_pk):
    referral = selectors.get_referral_for_in_house(user=request.user, pk=pk)
    match = selectors.get_match(referral=referral, pk=match_pk)
    page = reverse("referrals:matching", kwargs={"pk": referral.pk, "match_pk": match.pk})
    user = request.user
    is_duty = user_can(user, Capability.MANAGE_CARERS)
    is_manager = user in referral_endorsers(referral).people
    open_ = match.is_open and referral.status in matching.SEARCHING
    may = {
        "share": is_duty and open_ and match.profile_shared_at is None,
        "consult_new": is_duty and open_,
        "consult": is_duty and open_,
        "form": is_duty and open_,
        "view": is_social_worker_side(user, referral)
        and open_
        and match.profile_shared_at is not None,
        "sign_off": is_manager and open_,
        "end": (is_duty or is_manager) and open_,
    }
    action = request.POST.get("action", "") if request.method == "POST" else None
    if action is not None and not may.get(action.replace("-", "_")):
        return _refused(request, page)
    if action == "share":
        return run_action(
            request,
            lambda: matching.profile_share(match=match, actor=user),
            redirect_to=page,
            success="The profile is shared: the social worker has been emailed.",
        )
    if action == "consult-new":
        return run_action(
            request,
            lambda: matching.match_consult_new(match=match, actor=user),
            redirect_to=page,
            success="Their social workers and IROs have been emailed.",
        )
    if action == "sign-off":
        return run_action(
            request,
            lambda: matching.match_sign_off(match=match, actor=user, seen=request.POST.get("seen")),
            redirect_to=page,
            success="The matching form is signed off.",
        )
    view_form, _ = _bound(request, "view", forms.ViewForm)
    if done := submit_form(
        request,
        view_form,
        lambda data: matching.social_worker_view(
            match=match, view=data["view"], note=data["note"], actor=user
        ),
        redirect_to=page,
        success="What you think of the match is recorded.",
        error_field="note",
    ):
        return done
    matching_form = forms.MatchingForm(
        request.POST if action == "form" else None,
        prefix="form",
        initial={"needs": match.needs, "skills": match.skills, "support": match.support},
    )
    if done := submit_form(
        request,
        matching_form,
        lambda data: matching.match_form_save(match=match, actor=user, **data),
        redirect_to=page,
        success="The matching form is saved.",
    ):
        return done
    end_form, _ = _bound(request, "end", forms.EndForm)
    if done := submit_form(
        request,
        end_form,
        lambda data: matching.match_end(match=match, reason=data["reason"], actor=user),
        redirect_to=page,
        success="The match is recorded as not going ahead.",
    ):
        return done
    answering = None
    if action == "consult":
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
    # The other children and who looks after them: for the fostering service and the
    # managers who sign the match off, not for everyone who sees the referral.
    sees_household = is_duty or is_manager
    rows = [
        {
            "consultation": c,
            "form": (
                consult_form
                if answering is not None and answering.pk == c.pk
                else forms.ConsultationForm(prefix=f"consult-{c.pk}")
            )
            if may["consult"]
            else None,
        }
        for c in consultations
    ]
    carer = match.enquiry.carer
    children = list(referral.children.all())
    return render(
        request,
        "fostering/matching.html",
        {
            "referral": referral,
            "match": match,
            "carer": carer,
            "for_children": ", ".join(
                name
                for child, name in zip(children, siblings.child_names(children), strict=True)
                if child.pk in match.children
            ),
            "all_children": set(match.children) == {child.pk for child in children},
            "carer_children": [
                (child, child.age_on(timezone.localdate())) for child in children_now(carer)
            ],
            "rows": rows if sees_household else [],
            "consultation_summary": _summary(consultations),
            "unasked": matching.unasked_children(match, consultations),
            "waiting_for": matching.match_waiting_for(match, consultations, detail=sees_household),
            "stamp": matching.match_stamp(match, consultations),
            "may": may,
            "sees_household": sees_household,
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


def _summary(consultations: list[MatchConsultation]) -> str:
    if not consultations:
        return "No children live with the carers: nobody else needs to be asked."
    answered = [c for c in consultations if c.answer != MatchConsultation.Answer.WAITING]
    concerns = [c for c in answered if c.answer == MatchConsultation.Answer.CONCERNS]
    said = f"{len(answered)} of {len(consultations)} social workers and IROs asked have answered"
    if concerns:
        return f"{said}; {len(concerns)} with concerns."
    return f"{said}, with no concerns." if answered else f"{said}."


@login_required
@require_http_methods(["GET", "POST"])
def siblings_page(request, pk):
    referral = selectors.get_referral_for_in_house(user=request.user, pk=pk)
    user = request.user
    page = reverse("referrals:siblings", kwargs={"pk": referral.pk})
    children = list(referral.children.all())
    open_split = siblings.open_split(referral)
    agreed = siblings.agreed_split(referral)
    is_social_worker = is_social_worker_side(user, referral)
    is_manager = user in referral_endorsers(referral).people
    searching = referral.status in siblings.SEARCHING
    finding = searching and len(children) > 1 and siblings.may_raise(user, referral)
    may = {
        "raise": finding and open_split is None,
        "together": finding and (open_split is not None or agreed is not None),
        "plan": is_social_worker
        and searching
        and open_split is not None
        and open_split.status == SiblingSplit.Status.RAISED,
        "decide": is_manager
        and searching
        and open_split is not None
        and open_split.status == SiblingSplit.Status.PROPOSED,
    }
    action = request.POST.get("action", "") if request.method == "POST" else None
    if action is not None and not may.get(action):
        return _refused(request, page)

    raise_form, _ = _bound(request, "raise", forms.RaiseForm)
    if done := submit_form(
        request,
        raise_form,
        lambda data: siblings.split_raise(referral=referral, reason=data["reason"], actor=user),
        redirect_to=page,
        success="Recorded: the social worker has been asked who should stay with whom.",
    ):
        return done
    together_form, _ = _bound(request, "together", forms.TogetherForm)
    if done := submit_form(
        request,
        together_form,
        lambda data: siblings.split_together(referral=referral, reason=data["reason"], actor=user),
        redirect_to=page,
        success="Recorded: the children are to be placed together.",
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
                    seen=request.POST.get("seen"),
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
            "agreed": agreed,
            "searching": searching,
            "may": may,
            "stamp": siblings.plan_stamp(open_split) if open_split else "",
            "back": reverse("referrals:detail", kwargs={"pk": referral.pk})
            if user_can(user, Capability.VIEW_REFERRALS)
            else reverse("inhouse:rounds"),
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
