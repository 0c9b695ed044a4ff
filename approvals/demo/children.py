"""The demo's fictional children: names (with the gender recorded for each, so the two
agree), places, and the child's details and profile a demo or bulk referral is made
with."""

import datetime as dt
import random

# Given names with the gender the demo records for them, so the two agree.
FIRST = [
    ("Jayden", "Male"),
    ("Amelia", "Female"),
    ("Tyler", "Male"),
    ("Maya", "Female"),
    ("Kai", "Male"),
    ("Lily", "Female"),
    ("Noah", "Male"),
    ("Ava", "Female"),
    ("Leo", "Male"),
    ("Isla", "Female"),
    ("Mason", "Male"),
    ("Zara", "Female"),
    ("Ethan", "Male"),
    ("Ruby", "Female"),
    ("Logan", "Male"),
    ("Sienna", "Female"),
    ("Harley", "Male"),
    ("Grace", "Female"),
]
LAST = [
    "O'Brien",
    "Nowak",
    "Patel",
    "Hughes",
    "Okafor",
    "Clarke",
    "Mensah",
    "Walsh",
    "Begum",
    "Kowalski",
    "Reid",
    "Ahmed",
    "Doyle",
    "Shaw",
]
PLACES = ["Barnley", "Castlebrook", "Elmsworth", "Hartwell", "Kingsmead", "Northgate"]
PROFILE = (
    "I love football and drawing, and I support Barnley Town. I like my routines: "
    "breakfast at the same time, and knowing what is happening after school. Loud "
    "arguments frighten me and I go quiet when I am worried. What helps is someone "
    "sitting with me and not asking too many questions straight away. I want to stay "
    "at my school because my friends are there and I am good at PE. I see my mum every "
    "Saturday and that matters to me a lot."
)


def child_values(rng: random.Random, today: dt.date) -> dict:
    """A child's details as the referral records them, drawn from `rng`."""
    # School age (5 to 17): the demo's profile talks of school and PE.
    born = today - dt.timedelta(days=rng.randint(5 * 365 + 30, 17 * 365))
    place = rng.choice(PLACES)
    first_name, gender = rng.choice(FIRST)
    return {
        "first_name": first_name,
        "middle_names": "",
        "last_name": rng.choice(LAST),
        "known_as": "",
        "date_of_birth": born,
        "gender": gender,
        "ethnicity": rng.choice(["White British", "Black British", "Mixed", "Asian British"]),
        "religion": rng.choice(["None", "Christian", "Muslim"]),
        "first_language": "English",
        "legal_status": rng.choice(["Section 20", "Interim care order", "Care order"]),
        "address": f"{rng.randint(1, 90)} Mill Lane, {place}",
        "postcode": "LE1 6ZG",
        "school": f"{place} Academy",
        "sen_disability": rng.choice(["None", "ADHD", "Autism"]),
        "health": "None",
        "behaviours": rng.choice(["None", "Can lash out when anxious"]),
        "risks": rng.choice(["None", "Goes missing when anxious"]),
        "interests": "Football, drawing",
    }
