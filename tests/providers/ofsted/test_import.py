"""Ofsted's data into the directory: ratings, inspections and registrations updated by
URN with history, Ofsted's record of every setting kept, settings the directory does not
know kept to add or ignore, all or nothing, and a rerun changing nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from placements.models import FieldChange
from placements.services import DomainError
from providers.models import (
    OfstedRating,
    OfstedSetting,
    Provider,
    ProviderImport,
    RegistrationStatus,
)
from providers.ofsted.reading import read_ofsted_file
from providers.services import imports
from providers.services.ofsted import ofsted_setting_ignore
from tests.providers.builders import ofsted_apply, ofsted_csv, ofsted_row
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def history(provider, field):
    return list(
        FieldChange.objects.filter(object_id=provider.pk, field=field, source="Ofsted import")
        .order_by("changed_at")
        .values_list("old_value", "new_value")
    )


def test_a_setting_in_the_directory_gets_its_rating_inspection_and_registration(administrator):
    provider = ProviderFactory(ofsted_urn="SC100001", ofsted_rating=OfstedRating.GOOD)
    job = ofsted_apply(ofsted_csv([ofsted_row("SC100001", Overall="Outstanding")]), administrator)
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.OUTSTANDING
    assert provider.ofsted_inspection_date == TODAY
    assert provider.ofsted_registration_status == RegistrationStatus.ACTIVE
    assert history(provider, "Ofsted rating") == [("Good", "Outstanding")]
    change = FieldChange.objects.get(
        object_id=provider.pk, field="Ofsted rating", source="Ofsted import"
    )
    assert change.actor == administrator
    assert (job.status, job.updated_count) == (ProviderImport.Status.APPLIED, 1)
    assert job.summary["changed"] == 1 and job.summary["unknown"] == 0


def test_a_urn_in_the_directory_in_small_letters_still_matches(administrator):
    provider = ProviderFactory(ofsted_urn="sc100001", ofsted_rating=OfstedRating.GOOD)
    ofsted_apply(ofsted_csv([ofsted_row("SC100001", Overall="Inadequate")]), administrator)
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.INADEQUATE


def test_running_the_same_file_again_changes_nothing(administrator):
    provider = ProviderFactory(ofsted_urn="SC100001", ofsted_rating=OfstedRating.GOOD)
    content = ofsted_csv([ofsted_row("SC100001", Overall="Requires improvement to be good")])
    ofsted_apply(content, administrator)
    changes = FieldChange.objects.count()
    again = ofsted_apply(content, administrator)
    assert FieldChange.objects.count() == changes
    assert again.updated_count == 0 and again.summary["unchanged"] == 1
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.REQUIRES_IMPROVEMENT


def test_no_judgement_in_the_file_leaves_the_rating_as_it_is(administrator):
    provider = ProviderFactory(ofsted_urn="SC100001", ofsted_rating=OfstedRating.GOOD)
    ofsted_apply(ofsted_csv([ofsted_row("SC100001", Overall="")]), administrator)
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.GOOD
    assert provider.ofsted_inspection_date == TODAY


def test_an_inspection_older_than_the_directorys_is_not_news(administrator):
    recorded = TODAY - dt.timedelta(days=10)
    provider = ProviderFactory(
        ofsted_urn="SC100001", ofsted_rating=OfstedRating.GOOD, ofsted_inspection_date=recorded
    )
    older = f"{recorded - dt.timedelta(days=400):%d/%m/%Y}"
    ofsted_apply(
        ofsted_csv([ofsted_row("SC100001", Overall="Inadequate", Inspection_date=older)]),
        administrator,
    )
    provider.refresh_from_db()
    assert (provider.ofsted_rating, provider.ofsted_inspection_date) == (
        OfstedRating.GOOD,
        recorded,
    )


@pytest.mark.parametrize("status", ["Suspended", "Resigned"])
def test_a_suspended_or_closed_registration_stops_the_provider_being_cleared(administrator, status):
    provider = ProviderFactory(ofsted_urn="SC100001")
    assert provider.clearance().cleared
    assert Provider.objects.cleared_to_place().filter(pk=provider.pk).exists()
    ofsted_apply(ofsted_csv([ofsted_row("SC100001", Registration_status=status)]), administrator)
    provider.refresh_from_db()
    clearance = provider.clearance()
    assert not clearance.cleared
    assert clearance.reasons[0].startswith("Ofsted registration is ")
    assert not Provider.objects.cleared_to_place().filter(pk=provider.pk).exists()


def test_every_setting_read_is_kept_and_settings_not_in_the_directory_are_listed(
    administrator,
):
    ProviderFactory(ofsted_urn="SC100001")
    job = ofsted_apply(
        ofsted_csv(
            [
                ofsted_row("SC100001"),
                ofsted_row("SC100002", Setting_name="Oak House", Local_authority="Westmoor"),
                ofsted_row("SC100003", Overall="Unheard of"),  # not read: not in the directory
            ]
        ),
        administrator,
    )
    assert job.summary == {
        "changed": 1,
        "falls": 0,
        "stopped": 0,
        "unchanged": 0,
        "unknown": 1,
        "not_read": 1,
    }
    assert set(OfstedSetting.objects.values_list("urn", flat=True)) == {"SC100001", "SC100002"}
    oak = OfstedSetting.objects.get(urn="SC100002")
    assert (oak.name, oak.local_authority, oak.places, oak.last_import) == (
        "Oak House",
        "Westmoor",
        4,
        job,
    )


def test_a_second_import_updates_ofsteds_record_of_a_setting(administrator):
    ofsted_apply(ofsted_csv([ofsted_row("SC100002", Overall="Good")]), administrator)
    second = ofsted_apply(ofsted_csv([ofsted_row("SC100002", Overall="Inadequate")]))
    record = OfstedSetting.objects.get(urn="SC100002")
    assert (record.rating, record.last_import) == (OfstedRating.INADEQUATE, second)


def test_a_row_about_a_setting_in_the_directory_that_cannot_be_read_stops_it_all(
    administrator,
):
    first = ProviderFactory(ofsted_urn="SC100001", ofsted_rating=OfstedRating.GOOD)
    ProviderFactory(ofsted_urn="SC100002")
    rows = [
        ofsted_row("SC100001", Overall="Inadequate"),
        ofsted_row("SC100002", Inspection_date="yesterday"),
    ]
    with pytest.raises(DomainError, match="Rows 6 are about settings in the directory"):
        ofsted_apply(ofsted_csv(rows), administrator)
    first.refresh_from_db()
    assert first.ofsted_rating == OfstedRating.GOOD
    assert not OfstedSetting.objects.exists()
    assert not FieldChange.objects.filter(source="Ofsted import").exists()


def test_a_urn_twice_in_the_file_is_a_problem_in_both_rows(administrator):
    ProviderFactory(ofsted_urn="SC100001")
    table = read_ofsted_file(
        ofsted_csv([ofsted_row("SC100001"), ofsted_row("SC100001", Overall="Inadequate")]),
        "ofsted.csv",
        max_rows=10,
    )
    job = imports.provider_import_create(
        filename="o.csv", table=table, actor=administrator, kind=ProviderImport.Kind.OFSTED
    )
    from providers.selectors import ofsted_result

    result = ofsted_result(job)
    assert [row.number for row in result.blocking] == [5, 6]
    assert "also in row 6" in result.blocking[0].problems[0]


def test_a_failure_while_writing_leaves_nothing_behind(administrator, monkeypatch):
    provider = ProviderFactory(ofsted_urn="SC100001", ofsted_rating=OfstedRating.GOOD)
    from providers.services import ofsted

    def broken(job, result):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ofsted, "_settings_keep", broken)
    with pytest.raises(RuntimeError):
        ofsted_apply(ofsted_csv([ofsted_row("SC100001", Overall="Inadequate")]), administrator)
    provider.refresh_from_db()
    assert provider.ofsted_rating == OfstedRating.GOOD
    assert not FieldChange.objects.filter(source="Ofsted import").exists()


def test_ignoring_a_setting_and_listing_it_again(administrator):
    from providers.selectors import ofsted_settings_unknown

    ofsted_apply(ofsted_csv([ofsted_row("SC100002")]), administrator)
    setting = OfstedSetting.objects.get()
    assert list(ofsted_settings_unknown(ignored=False)) == [setting]
    ofsted_setting_ignore(setting=setting, ignore=True, actor=administrator)
    assert list(ofsted_settings_unknown(ignored=False)) == []
    assert list(ofsted_settings_unknown(ignored=True)) == [setting]
    ofsted_setting_ignore(setting=setting, ignore=False, actor=administrator)
    assert list(ofsted_settings_unknown(ignored=False)) == [setting]


def test_a_setting_added_to_the_directory_leaves_the_list(administrator):
    from providers.selectors import ofsted_settings_unknown

    ofsted_apply(ofsted_csv([ofsted_row("SC100002")]), administrator)
    ProviderFactory(ofsted_urn="sc100002")
    assert list(ofsted_settings_unknown(ignored=False)) == []
