from django.apps import AppConfig

from referrals.registry import register, register_panel, register_scope


class ApprovalsConfig(AppConfig):
    name = "approvals"

    def ready(self):
        # It reads models, which are importable only once the app registry is ready.
        from providers.signals import ofsted_concerns

        from .costs.visibility import approvers_scope
        from .offers.page_extras import flexibility_answered, flexibility_waiting
        from .placement.alerts import placed_concerns
        from .placement.panels import officer_reviews, social_worker_reviews

        register(flexibility_waiting)
        register(flexibility_answered, page="search")
        register_scope(approvers_scope)
        register_panel(social_worker_reviews, page="referral-list")
        register_panel(officer_reviews, page="action-list")
        ofsted_concerns.connect(placed_concerns, dispatch_uid="approvals.placed_concerns")
