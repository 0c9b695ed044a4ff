import pytest

from providers.models import Specialism


@pytest.fixture
def autism(db):
    """A specialism the directory has, for rows to name or decisions to map to."""
    return Specialism.objects.create(name="Autism")
