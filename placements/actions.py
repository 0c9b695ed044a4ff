"""One shape for a page that calls a service: POST → service → the rules' refusal shown.

A page with a form:

    form = NoteForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda data: services.referral_add_note(referral=referral, actor=request.user, **data),
        redirect_to=referral_url,
        success="Note added.",
    ):
        return done
    return render(request, "referrals/note.html", {"form": form})

A valid form calls the service. A `DomainError` (a step the rules refuse) goes onto the
form, so the GOV.UK error summary shows it beside the user's answers and nothing was
written (services are atomic). Success adds the message and redirects.

A button with no form to show again (take a referral, send a reminder) uses
`run_action`: the refusal becomes an error message on the page it redirects to.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from .services import DomainError

# Where to go on success: a URL or URL name, or a function of what the service returned.
Destination = str | Callable[[Any], str]


def _url(redirect_to: Destination, result: Any) -> str:
    return resolve_url(redirect_to(result) if callable(redirect_to) else redirect_to)


def _done(
    request: HttpRequest,
    result: Any,
    redirect_to: Destination,
    success: str | Callable[[Any], str],
) -> HttpResponse:
    """The service did it: say so (when there is something to say) and move on."""
    message = success(result) if callable(success) else success
    if message:
        messages.success(request, message)
    return redirect(_url(redirect_to, result))


def submit_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[Mapping[str, Any]], Any],
    *,
    redirect_to: Destination,
    success: str | Callable[[Any], str] = "",
    error_field: str | None = None,
) -> HttpResponse | None:
    """Call `action(form.cleaned_data)` for a valid POST and redirect; return None when the
    page should be shown (a GET, an invalid form, or a step the rules refused, whose
    message is added to the form, on `error_field` or the form as a whole)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except DomainError as error:
        form.add_error(error_field, str(error))
        return None
    return _done(request, result, redirect_to, success)


def run_action(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    redirect_to: Destination,
    success: str | Callable[[Any], str] = "",
    refused_to: Destination | None = None,
) -> HttpResponse:
    """Call `action()` for a button's POST and redirect; a refusal becomes an error
    message on the page (`refused_to`, or `redirect_to` when not given)."""
    try:
        result = action()
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_url(refused_to or redirect_to, None))
    return _done(request, result, redirect_to, success)


def posted_pk(request: HttpRequest, name: str) -> int:
    """The id a button posts (`<input type="hidden" name="vacancy" value="12">`), or 0 when
    it is missing or not a number, so the loader it goes to answers 404 rather than 500."""
    text = request.POST.get(name, "")
    # ASCII digits only ("²" is a digit to isdigit), and no longer than an id can be.
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0
