"""A provider's account: signing in by an emailed link, its settings' vacancies,
profiles and documents, its requests and its agreements. No council login; every page
but signing in needs a provider signed in (`session.account_required`)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from approvals.invoices.forms import invoice_form, lines_form
from approvals.invoices.models import Invoice
from approvals.invoices.services import invoice_correct, invoice_send
from placements.actions import posted_pk, run_action, submit_form
from placements.client_address import client_ip
from placements.links import private
from placements.models import CouncilSettings
from providers.models import Vacancy
from providers.services import accounts

from . import selectors
from .forms import DocumentForm, EmailSignInForm, ProfileForm, VacancyForm
from .services import sign_in_complete, sign_in_link_ask, sign_in_link_find
from .session import account_end, account_of, account_required, account_start


def _bound(request, form_class, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


# --- Signing in ---------------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if account_of(request) is not None:
        return private(redirect("portal:home"))
    form = _bound(request, EmailSignInForm)
    if request.method == "POST" and form.is_valid():
        sign_in_link_ask(email=form.cleaned_data["email"])
        return private(redirect("portal:sign-in-sent"))
    return private(
        render(
            request,
            "portal/sign_in.html",
            {"form": form, "minutes": settings.PROVIDER_SIGN_IN_LINK_MINUTES},
        )
    )


@login_not_required
def sign_in_sent(request):
    return private(
        render(
            request,
            "portal/sign_in_sent.html",
            {"minutes": settings.PROVIDER_SIGN_IN_LINK_MINUTES},
        )
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_in_link(request, token):
    """The emailed link: a button that signs in (a POST, so a mail scanner opening the
    link does not use it up)."""
    if request.method == "POST":
        signed_in = sign_in_complete(
            token=token,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        if signed_in is not None:
            organisation, email = signed_in
            account_start(request, organisation=organisation, email=email)
            return private(redirect("portal:home"))
    elif sign_in_link_find(token) is not None:
        return private(render(request, "portal/sign_in_link.html"))
    response = render(request, "portal/sign_in_link_used.html", status=404)
    response._has_been_logged = True  # type: ignore[attr-defined]  # the path holds the secret
    return private(response)


@login_not_required
@require_POST
def sign_out(request):
    account_end(request)
    messages.success(request, "You have signed out.")
    return private(redirect("portal:sign-in"))


# --- The account ----------------------------------------------------------------------------


@account_required
def home(request, account):
    council = CouncilSettings.for_request(request)
    settings_list = list(selectors.settings_of(account.organisation))
    return render(
        request,
        "portal/home.html",
        {
            "account": account,
            "settings": [
                (setting, setting.vacancies_stale(council.vacancy_confirm_days))
                for setting in settings_list
            ],
            "today": timezone.localdate(),
            "council": council,
        },
    )


@account_required
@require_http_methods(["GET", "POST"])
def vacancies(request, account, pk):
    setting = selectors.get_setting(account, pk)
    council = CouncilSettings.for_request(request)
    page = reverse("portal:vacancies", kwargs={"pk": setting.pk})
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "confirm":
        return run_action(
            request,
            lambda: accounts.vacancies_confirm(
                organisation=account.organisation, provider=setting, email=account.email
            ),
            redirect_to=page,
            success="Thank you: your vacancies are confirmed as up to date.",
        )
    if action == "remove":
        vacancy = get_object_or_404(Vacancy, pk=posted_pk(request, "vacancy"), provider=setting)
        return run_action(
            request,
            lambda: accounts.vacancy_remove(
                organisation=account.organisation, vacancy=vacancy, email=account.email
            ),
            redirect_to=page,
            success="The vacancy is removed.",
        )
    form = VacancyForm(request.POST if action == "add" else None, provider=setting)
    if action == "add" and (
        done := submit_form(
            request,
            form,
            lambda data: accounts.vacancy_add(
                organisation=account.organisation,
                provider=setting,
                email=account.email,
                **data,
            ),
            redirect_to=page,
            success="The vacancy is added.",
            error_field="places",
        )
    ):
        return done
    return render(
        request,
        "portal/vacancies.html",
        {
            "account": account,
            "setting": setting,
            "form": form,
            "stale": setting.vacancies_stale(council.vacancy_confirm_days),
            "council": council,
        },
    )


@account_required
@require_http_methods(["GET", "POST"])
def profile(request, account, pk):
    setting = selectors.get_setting(account, pk)
    initial = {
        "age_from": setting.age_from,
        "age_to": setting.age_to,
        "genders": setting.genders,
        "specialisms": list(setting.specialisms.all()),
        "referral_emails_text": "\n".join(setting.referral_emails),
        "phone": setting.phone,
        "ofsted_urn": setting.ofsted_urn,
        "tier": setting.tier,
        "categories": [pc.category for pc in setting.provider_categories.all()],
    }
    form = _bound(request, ProfileForm, initial=initial)

    def save(data):
        return accounts.profile_update(
            organisation=account.organisation,
            provider=setting,
            values={
                "age_from": data["age_from"],
                "age_to": data["age_to"],
                "genders": data["genders"],
                "referral_emails": data["referral_emails_text"],
                "phone": data["phone"].strip(),
            },
            specialisms=data["specialisms"],
            eligibility={
                "ofsted_urn": data["ofsted_urn"],
                "tier": data["tier"],
                "categories": [c.slug for c in data["categories"]],
            },
            email=account.email,
        )

    if done := submit_form(
        request,
        form,
        save,
        redirect_to="portal:home",
        success=lambda change: (
            "Your changes are saved. The change to your Ofsted URN, tier or kinds of place "
            "waits for the council's approval."
            if change
            else "Your changes are saved."
        ),
    ):
        return done
    return render(
        request,
        "portal/profile.html",
        {"account": account, "setting": setting, "form": form},
    )


@account_required
@require_http_methods(["GET", "POST"])
def documents(request, account, pk):
    setting = selectors.get_setting(account, pk)
    form = DocumentForm(request.POST if request.method == "POST" else None, request.FILES or None)
    page = reverse("portal:documents", kwargs={"pk": setting.pk})
    if done := submit_form(
        request,
        form,
        lambda data: accounts.document_add(
            organisation=account.organisation,
            provider=setting,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            expires_on=data["expires_on"],
            email=account.email,
        ),
        redirect_to=page,
        success="The document is on file.",
        error_field="file",
    ):
        return done
    return render(
        request,
        "portal/documents.html",
        {
            "account": account,
            "setting": setting,
            "form": form,
            "history": setting.documents.order_by("-uploaded_at"),
            "today": timezone.localdate(),
        },
    )


@account_required
def document_file(request, account, pk):
    document = selectors.get_document(account, pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.get_kind_display()}.pdf",
        content_type="application/pdf",
    )


@account_required
def requests(request, account):
    return render(
        request,
        "portal/requests.html",
        {"account": account, "requests": selectors.requests_of(account)[:200]},
    )


@account_required
def agreements(request, account):
    return render(
        request,
        "portal/agreements.html",
        {"account": account, "agreements": selectors.agreements_of(account)[:200]},
    )


@account_required
def agreement_file(request, account, pk):
    agreement = selectors.get_agreement(account, pk)
    return FileResponse(
        agreement.final_pdf.open("rb"),
        as_attachment=True,
        filename=f"agreement-{agreement.placement.referral.reference}-v{agreement.version}.pdf",
        content_type="application/pdf",
    )


@account_required
def invoices(request, account):
    return render(
        request,
        "portal/invoices.html",
        {
            "account": account,
            "invoices": selectors.invoices_of(account)[:200],
            "placements": selectors.invoiceable_of(account)[:200],
        },
    )


@account_required
@require_http_methods(["GET", "POST"])
def invoice_send_page(request, account, placement_pk):
    placement = selectors.get_invoiceable(account, placement_pk)
    form = invoice_form(
        placement, request.POST if request.method == "POST" else None, by_provider=True
    )
    if done := submit_form(
        request,
        form,
        lambda data: invoice_send(
            organisation=account.organisation,
            email=account.email,
            placement=placement,
            provider_reference=data["provider_reference"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            lines=form.lines(),
        ),
        redirect_to=lambda sent: reverse("portal:invoice", kwargs={"pk": sent.pk}),
        success="Your invoice is sent. The council checks it against the agreement.",
        error_field="provider_reference",
    ):
        return done
    return render(
        request,
        "portal/invoice_send.html",
        {"account": account, "placement": placement, "form": form},
    )


@account_required
@require_http_methods(["GET", "POST"])
def invoice(request, account, pk):
    found = selectors.get_invoice(account, pk)
    queried = found.status == Invoice.Status.QUERIED
    form = lines_form(
        found.placement, request.POST if request.method == "POST" and queried else None
    )
    if request.method == "POST" and not queried:
        messages.error(request, "Only a queried invoice can be corrected.")
        return redirect("portal:invoice", pk=found.pk)
    if done := submit_form(
        request,
        form,
        lambda data: invoice_correct(
            organisation=account.organisation,
            email=account.email,
            invoice=found,
            lines=form.lines(),
        ),
        redirect_to=reverse("portal:invoice", kwargs={"pk": found.pk}),
        success="Your corrected invoice is sent. The council checks it again.",
    ):
        return done
    return render(
        request,
        "portal/invoice.html",
        {
            "account": account,
            "invoice": found,
            "form": form if queried else None,
        },
    )
