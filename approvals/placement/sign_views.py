"""The provider's pages to sign an agreement: reached only through the secret link in
their email, no sign-in. A link that is unknown, replaced, revoked or expired gets one
plain page that says nothing about the child."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import submit_form
from placements.links import private

from .forms import SignAgreementForm, UploadAgreementForm
from .services.agreement import agreement_link_resolve, agreement_sign, agreement_upload


def agreement_link(view):
    @login_not_required
    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        state = agreement_link_resolve(token)
        if state.item is None:
            response = render(request, "sign/invalid.html", status=404)
            # Django logs every 404 with its path, and the path holds the secret.
            response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own flag
            return private(response)
        return private(view(request, state, token, *args, **kwargs))

    return wrapped


@require_http_methods(["GET", "POST"])
@agreement_link
def page(request, state, token):
    agreement = state.item
    page_url = reverse("sign:page", kwargs={"token": token})
    # Two forms on one page: the button pressed says which was sent.
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    sign = SignAgreementForm(request.POST if posted == "sign" else None, prefix="sign")
    upload = UploadAgreementForm(
        request.POST if posted == "upload" else None,
        request.FILES if posted == "upload" else None,
        prefix="upload",
    )
    if posted and not state.is_open:
        return redirect(page_url)
    if done := submit_form(
        request,
        sign,
        lambda data: agreement_sign(agreement=agreement, **data),
        redirect_to=page_url,
        success="Thank you: the agreement is signed.",
    ):
        return done
    if done := submit_form(
        request,
        upload,
        lambda data: agreement_upload(
            agreement=agreement,
            content=data["signed_copy"].read(),
            name=data["name"],
            role=data["role"],
        ),
        redirect_to=page_url,
        success="Thank you: your signed copy is uploaded.",
    ):
        return done
    placement = agreement.placement
    return render(
        request,
        "sign/page.html",
        {
            "token": token,
            "state": state,
            "agreement": agreement,
            "placement": placement,
            "provider": placement.provider,
            "reference": placement.referral.reference,
            # Awarded a package: the one person the provider contacts to arrange it.
            "contact": placement.referral.people.filter(is_principal_contact=True).first()
            if placement.service
            else None,
            "sign": sign,
            "upload": upload,
        },
    )


@require_GET
@agreement_link
def pdf(request, state, token):
    agreement = state.item
    field = agreement.final_pdf or agreement.issued_pdf
    return FileResponse(
        field.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"placement-agreement-{agreement.placement.referral.reference}"
        f"-v{agreement.version}{'-countersigned' if agreement.final_pdf else ''}.pdf",
    )
