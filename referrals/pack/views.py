"""The anonymised pack's pages: checking it, editing passages, the allowed words, its PDF."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from placements.actions import run_action, submit_form
from placements.permissions import Capability, capability_required, user_can
from referrals import selectors
from referrals.models import AllowedWord, Referral
from referrals.pack import selectors as pack_selectors
from referrals.pack import services as pack_services
from referrals.pack.forms import AllowedWordForm, FlagAcceptForm, PassageForm
from referrals.pages import loaded_with
from referrals.pdf import pack_pdf as render_pack_pdf


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


pack_referral = loaded_with(_pack_page_referral)


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
@pack_referral
def pack(request, referral):
    current = pack_selectors.current_pack(referral)
    action = request.POST.get("action") if request.method == "POST" else None
    here = reverse("referrals:pack", kwargs={"pk": referral.pk})
    flag_form, flag_in_error = FlagAcceptForm(), None
    if action == "prepare":
        return run_action(
            request,
            lambda: pack_services.pack_prepare(referral=referral, actor=request.user),
            redirect_to=here,
        )
    if action == "accept" and current is not None:
        flag = get_object_or_404(current.flags.all(), pk=request.POST.get("flag"))
        flag_form = FlagAcceptForm(request.POST)
        if done := submit_form(
            request,
            flag_form,
            lambda data: pack_services.pack_flag_accept(
                flag=flag, reason=data["reason"], actor=request.user, remember=data["remember"]
            ),
            redirect_to=here,
            success=lambda _: (
                f"“{flag.word}” accepted"
                + (" and allowed in every pack." if flag_form.cleaned_data["remember"] else ".")
            ),
            # A name cannot be allowed in every pack: the refusal is about the reason given.
            error_field="reason",
        ):
            return done
        flag_in_error = flag.pk
    if action == "release" and current is not None:
        return run_action(
            request,
            lambda: pack_services.pack_release(resource_request=current, actor=request.user),
            redirect_to=here,
            success="The pack is checked and released for the search.",
        )
    return render(
        request,
        "referrals/pack.html",
        {
            "referral": referral,
            "current": current,
            "passages": pack_selectors.pack_passages(current) if current else [],
            "open_flags": [f for f in current.flags.all() if f.resolution == "open"]
            if current
            else [],
            "flag_form": flag_form,
            "flag_in_error": flag_in_error,
            "form": flag_form if flag_in_error else None,  # "Error:" in the page title
            "replacements": pack_selectors.pack_replacements(referral) if current else [],
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
@pack_referral
def pack_edit(request, referral, key):
    current = pack_selectors.current_pack(referral)
    entry = (
        next((t for t in current.content["texts"] if t["key"] == key), None) if current else None
    )
    if current is None or entry is None:
        raise Http404
    form = PassageForm(request.POST or None, initial={"text": entry["text"]})
    if request.method == "POST" and form.is_valid():
        # A refusal (the pack moved on meanwhile) is said on the pack's page.
        return run_action(
            request,
            lambda: pack_services.pack_edit_text(
                resource_request=current,
                key=key,
                text=form.cleaned_data["text"],
                actor=request.user,
            ),
            redirect_to=reverse("referrals:pack", kwargs={"pk": referral.pk}),
            success="Passage saved.",
        )
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
    if done := submit_form(
        request,
        form,
        lambda data: pack_services.allowed_word_add(
            word=data["word"], reason=data["reason"], actor=request.user
        ),
        redirect_to="referrals:allowed-words",
        success=lambda _: f"“{form.cleaned_data['word']}” is allowed in every pack.",
        error_field="word",
    ):
        return done
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
    pack_services.allowed_word_remove(allowed=allowed, actor=request.user)
    messages.success(request, f"“{allowed.word}” will be flagged again from the next pack on.")
    return redirect("referrals:allowed-words")


@capability_required(Capability.WORK_ACTION_LIST)
@require_GET
def pack_pdf(resource_request, pk):
    referral = selectors.get_referral_for_user(user=resource_request.user, pk=pk)
    current = pack_selectors.current_pack(referral)
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
