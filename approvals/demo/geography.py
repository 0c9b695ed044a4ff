"""Demo postcode districts: where the fictional places of the demo directory are, and
the approximate centres of those districts, so the dashboard can measure how far from
home children are placed. A real council loads the open data instead
(`manage.py load_postcode_districts`)."""

from providers.models import PostcodeDistrict

# (district, latitude, longitude), approximate.
CENTRES = [
    ("LE1", 52.636, -1.133),
    ("LE2", 52.610, -1.110),
    ("LE3", 52.630, -1.180),
    ("LE4", 52.665, -1.130),
    ("LE5", 52.640, -1.080),
    ("LE7", 52.680, -1.030),
    ("LE8", 52.560, -1.100),
    ("LE9", 52.570, -1.250),
    ("LE10", 52.540, -1.370),
    ("LE11", 52.770, -1.210),
    ("LE12", 52.790, -1.170),
    ("LE14", 52.790, -0.950),
    ("LE15", 52.670, -0.720),
    ("LE17", 52.460, -1.200),
    ("LE67", 52.720, -1.370),
    ("NG1", 52.954, -1.150),
    ("DE1", 52.922, -1.476),
    ("CV1", 52.408, -1.510),
    ("NN1", 52.237, -0.894),
    ("PE1", 52.573, -0.240),
    ("B1", 52.480, -1.905),
]


def demo_district(n: int) -> str:
    """The district of the demo directory's `n`th place."""
    return CENTRES[n % len(CENTRES)][0]


def seed_demo_districts() -> int:
    """The centres, once."""
    if PostcodeDistrict.objects.exists():
        return 0
    PostcodeDistrict.objects.bulk_create(
        PostcodeDistrict(code=code, latitude=latitude, longitude=longitude)
        for code, latitude, longitude in CENTRES
    )
    return len(CENTRES)
