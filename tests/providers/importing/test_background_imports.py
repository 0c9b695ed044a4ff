"""A large spreadsheet is imported by a background task with a progress page, all or
nothing; a job whose worker died or whose broker is down is failed."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from placements.models import FieldChange
from placements.roles import Role
from placements.services import DomainError
from providers import tasks
from providers.models import Provider, ProviderImport, Specialism
from providers.services import imports as import_services
from tests.providers.builders import (
    confirm,
    csv_bytes,
    directory_state,
    latest_import,
    many_rows,
    sheet_row,
    stored_import,
    upload,
)
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def background(settings):
    """Spreadsheets of more than three rows are imported in the background."""
    settings.PROVIDER_IMPORT_BACKGROUND_ROWS = 3


def progress_page(client, provider_import, **params):
    return client.get(reverse("providers:import-progress", args=[provider_import.pk]), params)


# --- Small spreadsheets: at once, as before --------------------------------------------


def test_up_to_the_threshold_imports_at_once(administrator_client, background):
    upload(administrator_client, csv_bytes(many_rows(3)))
    response = confirm(administrator_client, latest_import())
    assert response["Location"] == reverse("providers:list")
    assert latest_import().status == ProviderImport.Status.APPLIED
    assert Provider.objects.count() == 3


# --- Large spreadsheets: a background task -----------------------------------------------


def test_a_large_import_is_queued_then_applied_with_progress(
    administrator_client, background, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(import_services, "PROGRESS_EVERY", 2)
    recorded = []
    real_set = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, **kw: (recorded.append(value), real_set(key, value, **kw))
    )
    upload(administrator_client, csv_bytes(many_rows(5)))
    provider_import = latest_import()
    preview = administrator_client.get(
        reverse("providers:import-preview", args=[provider_import.pk])
    )
    assert "it is imported in the background" in preview.content.decode()

    with django_capture_on_commit_callbacks() as queued:
        response = confirm(administrator_client, provider_import)
    assert response["Location"] == reverse("providers:import-progress", args=[provider_import.pk])
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.QUEUED
    assert Provider.objects.count() == 0  # nothing until the task runs
    waiting = progress_page(administrator_client, provider_import).content.decode()
    assert "Waiting to start" in waiting and 'hx-trigger="every 2s"' in waiting
    assert 'aria-live="polite"' in waiting

    for callback in queued:  # the task, run in process (eager) as the worker would
        callback()
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.APPLIED
    assert (provider_import.created_count, provider_import.updated_count) == (5, 0)
    assert provider_import.attempts == 1
    assert Provider.objects.count() == 5
    assert FieldChange.objects.filter(source="import").exists()
    assert recorded == [{"done": n, "total": 5} for n in (0, 2, 4, 5)]

    done = progress_page(administrator_client, provider_import).content.decode()
    assert "Done" in done and 'id="count-create">5<' in done
    assert "hx-trigger" not in done  # polling stops


def test_the_progress_page_shows_rows_done_while_running(
    administrator_client, background, monkeypatch, django_capture_on_commit_callbacks
):
    """Each progress report, as the page shows it at that moment."""
    monkeypatch.setattr(import_services, "PROGRESS_EVERY", 2)
    upload(administrator_client, csv_bytes(many_rows(5)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks() as queued:
        confirm(administrator_client, provider_import)
    seen = []
    real_record = import_services._progress_record

    def record_then_look(job, done):
        real_record(job, done)
        page = progress_page(administrator_client, job, seen="")
        seen.append(page.content.decode())

    monkeypatch.setattr(import_services, "_progress_record", record_then_look)
    for callback in queued:
        callback()
    assert "2 of 5 rows done" in seen[1] and "Importing" in seen[1]
    assert 'value="4"' in seen[2] and 'hx-trigger="every 2s"' in seen[2]


def test_polling_gets_nothing_new_when_nothing_changed(
    administrator_client, background, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(4)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks():
        confirm(administrator_client, provider_import)
    url = reverse("providers:import-progress", args=[provider_import.pk])
    polled = administrator_client.get(url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200
    state = polled.context["state"]
    assert 'id="import-progress"' in polled.content.decode()
    assert "<html" not in polled.content.decode()  # the part, not the page
    again = administrator_client.get(url, {"seen": state}, HTTP_HX_REQUEST="true")
    assert again.status_code == 204
    assert administrator_client.get(url, {"seen": "running:3"}, HTTP_HX_REQUEST="true").content


def test_a_failing_row_writes_nothing_and_fails_the_job(
    administrator_client, background, monkeypatch, django_capture_on_commit_callbacks
):
    existing = ProviderFactory(reference="BIG-0001", ofsted_urn="SC900001", capacity=9)
    before = directory_state()
    upload(administrator_client, csv_bytes(many_rows(6, Specialisms="Brand new")))
    provider_import = latest_import()
    real_create, calls = import_services.provider_create, []

    def fails_on_the_fourth(**change):
        calls.append(change)
        if len(calls) == 4:
            raise DomainError("Vacancies cannot be more than capacity")
        return real_create(**change)

    monkeypatch.setattr(import_services, "provider_create", fails_on_the_fourth)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(administrator_client, provider_import, specialism_0="add")
    provider_import.refresh_from_db()
    assert len(calls) == 4  # three providers were written before the failure...
    assert provider_import.status == ProviderImport.Status.FAILED
    assert "Row 6: Vacancies cannot be more than capacity" in provider_import.error
    assert directory_state() == before  # ...and rolled back, the new specialism too
    assert not Specialism.objects.filter(name="Brand new").exists()
    existing.refresh_from_db()
    assert existing.capacity == 9

    page = progress_page(administrator_client, provider_import).content.decode()
    assert "Failed" in page and "Nothing in the directory was changed" in page
    assert "hx-trigger" not in page
    # The kept rows can be checked and confirmed again.
    pk = provider_import.pk
    retry = administrator_client.get(reverse("providers:import-preview", args=[pk]))
    assert "The last attempt to import this spreadsheet failed" in retry.content.decode()
    monkeypatch.setattr(import_services, "provider_create", real_create)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(administrator_client, provider_import, specialism_0="add")
    assert ProviderImport.objects.get(pk=pk).status == ProviderImport.Status.APPLIED
    assert Provider.objects.count() == 6


def test_an_unexpected_error_fails_the_job_with_a_plain_message(
    administrator_client, background, monkeypatch, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(5)))
    provider_import = latest_import()

    def broken(**change):
        raise RuntimeError("connection reset")

    monkeypatch.setattr(import_services, "provider_create", broken)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(administrator_client, provider_import)
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.FAILED
    assert provider_import.error == import_services.UNEXPECTED
    assert "connection reset" not in provider_import.error
    assert Provider.objects.count() == 0


def test_the_directory_changing_after_confirming_fails_the_job(
    administrator_client, background, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(5)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks() as queued:
        confirm(administrator_client, provider_import)
    # Meanwhile someone gives another provider the URN of row 2.
    ProviderFactory(reference="OTHER-1", ofsted_urn="SC900000")
    ProviderFactory(reference="BIG-0000", ofsted_urn="SC111111")
    before = directory_state()
    for callback in queued:
        callback()
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.FAILED
    assert "The spreadsheet has errors" in provider_import.error
    assert directory_state() == before


def test_a_broker_that_is_down_fails_the_job_at_once(
    administrator_client, background, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.provider_import_run, "delay", down)
    upload(administrator_client, csv_bytes(many_rows(4)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(administrator_client, provider_import)
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.FAILED
    assert provider_import.error == import_services.NOT_QUEUED


class WorkerKilled(BaseException):
    """Stands in for a worker process killed mid-import: nothing catches it."""


def killed_mid_import(monkeypatch):
    def killed(*args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(import_services, "_import_row", killed)


def test_a_worker_killed_twice_fails_the_job(
    administrator_client, background, monkeypatch, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(4)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks() as queued:
        confirm(administrator_client, provider_import)
    killed_mid_import(monkeypatch)
    for _attempt in range(2):  # the broker hands the task out again after each death
        with pytest.raises(WorkerKilled):
            import_services.provider_import_run(import_id=provider_import.pk)
    provider_import.refresh_from_db()
    assert provider_import.status == ProviderImport.Status.RUNNING
    assert provider_import.attempts == 2
    monkeypatch.undo()
    assert import_services.provider_import_run(import_id=provider_import.pk) == "failed"
    provider_import.refresh_from_db()
    assert provider_import.error == import_services.STOPPED
    assert Provider.objects.count() == 0
    assert queued  # the first delivery was queued at confirm


def test_a_finished_job_is_not_run_again(
    administrator_client, background, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(4)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(administrator_client, provider_import)
    state = directory_state()
    assert import_services.provider_import_run(import_id=provider_import.pk) == "applied"
    assert directory_state() == state


@pytest.mark.postgres
def test_a_running_job_whose_worker_died_is_failed_when_looked_at(
    administrator_client, background, monkeypatch, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(4)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks():
        confirm(administrator_client, provider_import)
    killed_mid_import(monkeypatch)
    with pytest.raises(WorkerKilled):
        import_services.provider_import_run(import_id=provider_import.pk)
    monkeypatch.undo()
    page = progress_page(administrator_client, provider_import).content.decode()
    assert "Importing" in page  # only just started: the worker may still be on it
    monkeypatch.setattr(import_services, "STALLED_AFTER", dt.timedelta(0))
    page = progress_page(administrator_client, provider_import).content.decode()
    assert "Failed" in page and "The import stopped before it finished" in page
    # A late delivery of the task finds it failed and writes nothing.
    assert import_services.provider_import_run(import_id=provider_import.pk) == "failed"
    assert Provider.objects.count() == 0


# --- Who sees an import --------------------------------------------------------------


def test_only_the_uploader_sees_the_progress_page(
    administrator_client, client_for, background, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(4)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks():
        confirm(administrator_client, provider_import)
    url = reverse("providers:import-progress", args=[provider_import.pk])
    assert administrator_client.get(url).status_code == 200
    assert client_for(Role.ADMINISTRATOR).get(url).status_code == 404
    assert client_for(Role.ADMINISTRATOR).get(url, HTTP_HX_REQUEST="true").status_code == 404
    for role in (Role.BROKERAGE_OFFICER, Role.SOCIAL_WORKER, Role.DIRECTOR):
        assert client_for(role).get(url).status_code == 403
    # Another administrator cannot confirm it again or discard it either.
    preview = reverse("providers:import-preview", args=[provider_import.pk])
    other = client_for(Role.ADMINISTRATOR)
    assert other.post(preview, {"action": "discard"}).status_code == 404
    assert latest_import().status == ProviderImport.Status.QUEUED


def test_an_import_not_yet_confirmed_has_no_progress_page(administrator_client):
    provider_import = stored_import(administrator_client.user, csv_bytes([sheet_row()]))
    assert progress_page(administrator_client, provider_import).status_code == 404


def test_the_preview_of_a_queued_import_leads_to_its_progress(
    administrator_client, background, django_capture_on_commit_callbacks
):
    upload(administrator_client, csv_bytes(many_rows(4)))
    provider_import = latest_import()
    with django_capture_on_commit_callbacks():
        confirm(administrator_client, provider_import)
    url = reverse("providers:import-preview", args=[provider_import.pk])
    progress = reverse("providers:import-progress", args=[provider_import.pk])
    assert administrator_client.get(url)["Location"] == progress
    assert confirm(administrator_client, provider_import)["Location"] == progress
    assert administrator_client.post(url, {"action": "discard"})["Location"] == progress
    assert latest_import().status == ProviderImport.Status.QUEUED


def test_the_service_refuses_to_confirm_a_queued_import(make_user, background):
    admin = make_user(Role.ADMINISTRATOR)
    provider_import = stored_import(admin, csv_bytes(many_rows(4)))
    import_services.provider_import_confirm(
        provider_import=provider_import, specialism_decisions={}, actor=admin
    )
    with pytest.raises(DomainError, match="already being imported"):
        import_services.provider_import_confirm(
            provider_import=provider_import, specialism_decisions={}, actor=admin
        )
    with pytest.raises(DomainError, match="already being imported"):
        import_services.provider_import_discard(provider_import=provider_import, actor=admin)
