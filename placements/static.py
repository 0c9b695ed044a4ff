from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class AssetsWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """Serve GOV.UK Frontend's fonts and images at /assets/, where its
    compiled stylesheet asks for them, as well as the usual /static/."""

    def __init__(self, get_response=None, settings_=None):
        super().__init__(get_response)
        self.add_files(str(settings.GOVUK_FRONTEND_ASSETS), prefix="assets/")
