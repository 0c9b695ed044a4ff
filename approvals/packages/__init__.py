"""Awarding a package of support at home (short breaks, home care): brokerage compares
the providers' answers (what each covers and what it costs) and awards the package."""
