from .models import CouncilSettings
from .navigation import navigation_for


def service(request):
    council = CouncilSettings.for_request(request)
    return {
        "council": council,
        "service_navigation": navigation_for(request),
    }
