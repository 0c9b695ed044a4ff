from django.apps import AppConfig

from referrals.page_extras import register


class ApprovalsConfig(AppConfig):
    name = "approvals"

    def ready(self):
        # It reads models, which are importable only once the app registry is ready.
        from .offers.page_extras import flexibility_waiting

        register(flexibility_waiting)
