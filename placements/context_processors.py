from .models import CouncilSettings
from .navigation import navigation_for


def service(request):
    council = CouncilSettings.load()
    return {
        "council": council,
        "service_navigation": navigation_for(request),
    }
