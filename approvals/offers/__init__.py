"""Offers compared, negotiated and flagged; options sent to the social worker, who
chooses one or declines them; no suitable options and the flexibility asked for."""
