"""The one view pattern: POST → service → the rules' refusal shown on the form."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from placements.actions import run_action, submit_form
from placements.services import DomainError


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [str(message) for message in get_messages(request)]


def test_a_valid_form_calls_the_service_and_redirects_with_the_message():
    calls = []
    request = _request(data={"name": "Ash"})
    form = NameForm(request.POST)
    response = submit_form(
        request,
        form,
        lambda data: calls.append(data["name"]) or 7,
        redirect_to=lambda result: f"/done/{result}/",
        success=lambda result: f"Saved {result}.",
    )
    assert calls == ["Ash"]
    assert response.status_code == 302 and response["Location"] == "/done/7/"
    assert _messages(request) == ["Saved 7."]


def test_a_refusal_goes_on_the_form_and_the_page_is_shown_again():
    def refuse(data):
        raise DomainError("That referral has moved on.")

    request = _request(data={"name": "Ash"})
    form = NameForm(request.POST)
    assert submit_form(request, form, refuse, redirect_to="/done/", success="Saved.") is None
    assert form.non_field_errors() == ["That referral has moved on."]
    assert _messages(request) == []


def test_a_refusal_can_name_the_field_it_is_about():
    def refuse(data):
        raise DomainError("That name is taken.")

    request = _request(data={"name": "Ash"})
    form = NameForm(request.POST)
    assert submit_form(request, form, refuse, redirect_to="/done/", error_field="name") is None
    assert form.errors["name"] == ["That name is taken."]


@pytest.mark.parametrize(("method", "data"), [("get", {}), ("post", {"name": ""})])
def test_a_get_or_an_invalid_form_never_calls_the_service(method, data):
    def must_not_run(data):
        raise AssertionError("the service ran")

    request = _request(method, data)
    form = NameForm(request.POST if method == "post" else None)
    assert submit_form(request, form, must_not_run, redirect_to="/done/") is None


def test_a_button_refused_by_the_rules_says_why_on_the_page_it_returns_to():
    def refuse():
        raise DomainError("Someone else took it first.")

    request = _request()
    response = run_action(request, refuse, redirect_to="/done/", refused_to="/back/")
    assert response["Location"] == "/back/"
    assert _messages(request) == ["Someone else took it first."]


def test_a_button_that_works_redirects_with_its_message():
    request = _request()
    response = run_action(request, lambda: "ok", redirect_to="/done/", success="Taken.")
    assert response["Location"] == "/done/"
    assert _messages(request) == ["Taken."]
