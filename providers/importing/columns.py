"""The import's columns: the Provider field each one sets, and what the upload page
tells administrators to put in it. The format is the export's (`exporting.HEADERS`)."""

# Header in the file -> the Provider field it sets (the others are handled apart).
FIELD_COLUMNS = {
    "reference": "Reference",
    "name": "Name",
    "provider_type": "Type",
    "tier": "Tier",
    "is_in_house": "In-house",
    "ofsted_urn": "Ofsted URN",
    "ofsted_rating": "Ofsted rating",
    "ofsted_inspection_date": "Ofsted inspection date",
    "qa_initial_visit_date": "Initial QA visit",
    "qa_latest_annual_visit_date": "Latest annual QA visit",
    "ri_exception_agreed_by": "RI exception agreed by",
    "ri_exception_agreed_on": "RI exception agreed on",
    "age_from": "Age from",
    "age_to": "Age to",
    "genders": "Genders",
    "capacity": "Capacity",
    "vacancies": "Vacancies",
    "vacancy_available_from": "Vacancy available from",
    "referral_emails": "Referral emails",
    "phone": "Phone",
    "notes": "Notes",
}


# What the upload page tells administrators to put in each column (export order).
COLUMN_GUIDANCE = {
    "Reference": "Required. Your council's reference, like PRV-0123. Each row must be different.",
    "Name": "Required. The provider's name.",
    "Type": "Required. For example “Independent fostering agency” or “Residential home”.",
    "Tier": "Required. 1 (inside the council's boundary) or 2 (outside).",
    "In-house": "Yes or No. Blank means No.",
    "Categories": "Required. Each category with its framework status, separated by "
    "semicolons, like “Fostering: Framework; Parent and child: Spot”.",
    "Ofsted URN": "Optional. Rows are matched to providers by Ofsted URN first, then by reference.",
    "Ofsted rating": "Outstanding, Good, Requires improvement, Inadequate or Not yet "
    "inspected. Blank means Not yet inspected.",
    "Ofsted inspection date": "Optional. A date like 23/11/2026 or 2026-11-23.",
    "Initial QA visit": "Optional date. Needed before an annual visit.",
    "Latest annual QA visit": "Optional date.",
    "RI exception agreed by": "Name and role, only where an RI-process exception was agreed.",
    "RI exception agreed on": "The date the RI exception was agreed.",
    "Specialisms": "Optional. Separated by semicolons. New ones are listed for you to "
    "add or match to an existing specialism before anything is imported.",
    "Age from": "Required. The youngest age accepted, 0 to 25.",
    "Age to": "Required. The oldest age accepted, 0 to 25.",
    "Genders": "Any gender, Boys and young men only, or Girls and young women only. "
    "Blank means any.",
    "Capacity": "Required. Number of places.",
    "Vacancies": "Current vacancies, no more than the capacity. Blank means 0.",
    "Vacancy available from": "Optional date.",
    "Referral emails": "Required. One or more, separated by semicolons or commas.",
    "Phone": "Optional.",
    "Notes": "Optional.",
    "Status": "Active or Archived. Blank leaves an existing provider as it is.",
}
