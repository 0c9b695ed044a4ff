"""The administrator's pages: upload Ofsted's file, check what it would change, confirm
(at once, or in the background with a progress page), the settings the directory does
not know, and the command a scheduled job runs."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from placements.roles import Role
from providers.models import OfstedRating, OfstedSetting, Provider, ProviderImport
from providers.samples.make_ofsted_samples import HERE as SAMPLES
from tests.providers.builders import ofsted_apply, ofsted_csv, ofsted_row
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name="ofsted.csv"):
    return client.post(reverse("providers:ofsted"), {"file": SimpleUploadedFile(name, content)})


def latest() -> ProviderImport:
    return ProviderImport.objects.filter(kind=ProviderImport.Kind.OFSTED).latest("pk")


def preview(client, job):
    return client.get(reverse("providers:import-preview", args=[job.pk]))


def confirm(client, job):
    return client.post(reverse("providers:import-preview", args=[job.pk]), {"action": "confirm"})


def test_upload_check_and_confirm(administrator_client):
    provider = ProviderFactory(ofsted_urn="SC100001", name="Birch House")
    response = upload(
        administrator_client,
        ofsted_csv([ofsted_row("SC100001", Overall="Inadequate"), ofsted_row("SC100002")]),
    )
    job = latest()
    assert response["Location"] == reverse("providers:import-preview", args=[job.pk])
    page = preview(administrator_client, job).content.decode()
    assert 'id="count-update">1<' in page and 'id="count-unknown">1<' in page
    assert "Birch House" in page and "Ofsted rating: Good to Inadequate" in page
    assert "Rating falls" in page
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.GOOD  # nothing yet

    done = confirm(administrator_client, job)
    assert done["Location"] == reverse("providers:import-progress", args=[job.pk])
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.INADEQUATE
    summary = administrator_client.get(done["Location"]).content.decode()
    assert 'id="count-update">1<' in summary and 'id="count-falls">1' in summary
    assert reverse("providers:ofsted-settings") in summary


def test_a_second_confirm_after_the_first_went_through_goes_to_the_result(administrator_client):
    ProviderFactory(ofsted_urn="SC100001")
    upload(administrator_client, ofsted_csv([ofsted_row("SC100001", Overall="Outstanding")]))
    job = latest()
    confirm(administrator_client, job)
    again = confirm(administrator_client, job)
    assert again["Location"] == reverse("providers:import-progress", args=[job.pk])
    assert ProviderImport.objects.get(pk=job.pk).status == ProviderImport.Status.APPLIED


def test_a_file_that_is_not_ofsteds_data_is_refused_on_the_form(administrator_client):
    response = upload(administrator_client, b"Name,Rating\nOak,Good\n")
    assert response.status_code == 200
    assert "with a “URN” column" in response.content.decode()
    assert not ProviderImport.objects.exists()


def test_an_empty_form_says_what_to_choose(administrator_client):
    response = administrator_client.post(reverse("providers:ofsted"), {})
    assert "Select Ofsted&#x27;s CSV or ODS file to upload" in response.content.decode()


def test_a_file_too_large_is_refused_before_it_is_read(administrator_client, settings):
    settings.OFSTED_IMPORT_MAX_BYTES = 100
    response = upload(administrator_client, ofsted_csv([ofsted_row("SC100001")] * 3))
    assert "must be smaller than" in response.content.decode()


def test_blocking_problems_are_shown_and_confirm_is_refused(administrator_client):
    provider = ProviderFactory(ofsted_urn="SC100001")
    upload(administrator_client, ofsted_csv([ofsted_row("SC100001", Overall="Met")]))
    job = latest()
    page = preview(administrator_client, job).content.decode()
    assert "There is a problem" in page and "The rating “Met” is not one of Ofsted" in page
    assert 'id="confirm-import"' not in page
    refused = confirm(administrator_client, job)
    assert refused.status_code == 200
    assert "cannot be read" in refused.content.decode()
    provider.refresh_from_db()
    assert ProviderImport.objects.get(pk=job.pk).status == ProviderImport.Status.PREVIEW


def test_discarding_goes_back_to_the_ofsted_upload(administrator_client):
    upload(administrator_client, ofsted_csv([ofsted_row("SC100001")]))
    job = latest()
    response = administrator_client.post(
        reverse("providers:import-preview", args=[job.pk]), {"action": "discard"}
    )
    assert response["Location"] == reverse("providers:ofsted")
    assert ProviderImport.objects.get(pk=job.pk).status == ProviderImport.Status.DISCARDED


def test_a_large_file_is_imported_in_the_background_with_progress(
    administrator_client, settings, django_capture_on_commit_callbacks
):
    settings.PROVIDER_IMPORT_BACKGROUND_ROWS = 3
    ProviderFactory(ofsted_urn="SC100001")
    rows = [ofsted_row(f"SC{100001 + n}", Overall="Outstanding") for n in range(5)]
    upload(administrator_client, ofsted_csv(rows))
    job = latest()
    assert "imported in the background" in preview(administrator_client, job).content.decode()
    with django_capture_on_commit_callbacks() as queued:
        response = confirm(administrator_client, job)
    assert response["Location"] == reverse("providers:import-progress", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ProviderImport.Status.QUEUED
    waiting = administrator_client.get(response["Location"]).content.decode()
    assert "Importing Ofsted's data" in waiting and "Waiting to start" in waiting
    for callback in queued:  # the task, run in process (eager) as the worker would
        callback()
    job.refresh_from_db()
    assert job.status == ProviderImport.Status.APPLIED
    assert Provider.objects.get().ofsted_rating == OfstedRating.OUTSTANDING
    done = administrator_client.get(response["Location"]).content.decode()
    assert 'id="count-update">1<' in done and 'id="count-unknown">4<' in done


def test_another_administrators_ofsted_import_is_not_found(administrator_client, client_for):
    upload(administrator_client, ofsted_csv([ofsted_row("SC100001")]))
    job = latest()
    other = client_for(Role.ADMINISTRATOR)
    assert preview(other, job).status_code == 404
    assert confirm(other, job).status_code == 404
    confirm(administrator_client, job)
    progress = reverse("providers:import-progress", args=[job.pk])
    assert other.get(progress).status_code == 404


@pytest.mark.parametrize("extension", ["csv", "ods"])
def test_the_samples_are_served(administrator_client, extension):
    response = administrator_client.get(reverse("providers:ofsted") + f"?sample={extension}")
    assert (
        b"".join(response.streaming_content)
        == (SAMPLES / f"sample-ofsted.{extension}").read_bytes()
    )


def test_settings_not_in_the_directory_are_listed_filtered_ignored_and_added(
    administrator_client,
):
    ofsted_apply(
        ofsted_csv(
            [
                ofsted_row("SC100002", Setting_name="Oak House", Local_authority="Westmoor"),
                ofsted_row("SC100003", Setting_name="Ash House", Local_authority="Eastcombe"),
            ]
        )
    )
    url = reverse("providers:ofsted-settings")
    page = administrator_client.get(url).content.decode()
    assert "Oak House" in page and "Ash House" in page
    westmoor = administrator_client.get(url, {"authority": "Westmoor"}).content.decode()
    assert "Oak House" in westmoor and "Ash House" not in westmoor

    ash = OfstedSetting.objects.get(urn="SC100003")
    ignored = administrator_client.post(
        reverse("providers:ofsted-setting-ignore", args=[ash.pk]) + "?authority=Eastcombe",
        {"ignore": "yes"},
    )
    assert ignored["Location"] == url + "?authority=Eastcombe"
    assert "Ash House<br>" not in administrator_client.get(url).content.decode()
    assert "Ash House<br>" in administrator_client.get(url, {"show": "ignored"}).content.decode()

    oak = OfstedSetting.objects.get(urn="SC100002")
    form = administrator_client.get(reverse("providers:create"), {"ofsted": oak.pk})
    assert form.context["form"].initial["ofsted_urn"] == "SC100002"
    assert form.context["form"].initial["name"] == "Oak House"
    assert "Started from Ofsted's data for Oak House" in form.content.decode()


def test_the_provider_page_shows_ofsteds_record(administrator_client):
    provider = ProviderFactory(ofsted_urn="SC100001")
    ofsted_apply(ofsted_csv([ofsted_row("SC100001", Setting_name="Birch House (Ofsted)")]))
    page = administrator_client.get(reverse("providers:detail", args=[provider.pk]))
    assert "Birch House (Ofsted)" in page.content.decode()


@pytest.mark.parametrize("role", [Role.BROKERAGE_OFFICER, Role.DUTY_LEAD, Role.SOCIAL_WORKER])
def test_only_administrators_import_ofsteds_data(client_for, role):
    client = client_for(role)
    ofsted_apply(ofsted_csv([ofsted_row("SC100002")]))
    setting = OfstedSetting.objects.get()
    assert client.get(reverse("providers:ofsted")).status_code == 403
    assert client.get(reverse("providers:ofsted-settings")).status_code == 403
    ignore = reverse("providers:ofsted-setting-ignore", args=[setting.pk])
    assert client.post(ignore, {"ignore": "yes"}).status_code == 403
    setting.refresh_from_db()
    assert setting.ignored_at is None


# --- The command a scheduled job runs -----------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ofsted", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_and_prints_what_changed(tmp_path):
    provider = ProviderFactory(ofsted_urn="SC100001", name="Birch House")
    path = tmp_path / "ofsted.csv"
    path.write_bytes(
        ofsted_csv([ofsted_row("SC100001", Overall="Inadequate"), ofsted_row("SC100002")])
    )
    out, _ = run(str(path))
    assert "Birch House (SC100001): Ofsted rating: Good to Inadequate" in out
    assert "[rating falls]" in out
    assert "Updated 1 setting (1 rating fell" in out and "1 not in the directory" in out
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.INADEQUATE
    job = latest()
    assert job.uploaded_by is None and job.status == ProviderImport.Status.APPLIED
    again, _ = run(str(path))
    assert "Updated 0 settings" in again and "1 already up to date" in again


def test_the_command_reads_ods_and_a_dry_run_changes_nothing():
    ProviderFactory(ofsted_urn="SC500004", ofsted_rating=OfstedRating.GOOD)
    out, _ = run(str(SAMPLES / "sample-ofsted.ods"), "--dry-run")
    assert "Would update 1 setting " in out
    assert Provider.objects.get().ofsted_rating == OfstedRating.GOOD
    assert not OfstedSetting.objects.exists() and not ProviderImport.objects.exists()


def test_the_command_fails_changing_nothing_when_a_row_cannot_be_read(tmp_path):
    ProviderFactory(ofsted_urn="SC100001")
    path = tmp_path / "ofsted.csv"
    path.write_bytes(ofsted_csv([ofsted_row("SC100001", Overall="Met")]))
    with pytest.raises(CommandError, match="Nothing was changed"):
        run(str(path))
    assert not OfstedSetting.objects.exists()
    with pytest.raises(CommandError, match="is not a file"):
        run(str(tmp_path / "missing.csv"))
