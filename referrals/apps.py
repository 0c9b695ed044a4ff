from django.apps import AppConfig
from django.core import checks

from referrals.anonymise.lexicon import WordListMissing, word_list_path


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self):
        checks.register(anonymiser_word_lists, checks.Tags.compatibility)
        # It reads models, which are importable only once the app registry is ready.
        from providers.signals import ofsted_concerns
        from referrals.brokerage.alerts import offers_open_concerns

        ofsted_concerns.connect(offers_open_concerns, dispatch_uid="referrals.offers_open_concerns")


def anonymiser_word_lists(app_configs, **kwargs):
    """Without its English word lists the anonymiser would flag every word: say so at
    start-up rather than at the first pack."""
    errors = []
    for setting in ("ANONYMISER_WORD_LIST", "ANONYMISER_COMMON_WORD_LIST"):
        try:
            word_list_path(setting)
        except WordListMissing as missing:
            errors.append(checks.Error(str(missing), id="referrals.E001"))
    return errors
