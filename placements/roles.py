from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_LEAD = "service_lead", "Service lead"
    BROKERAGE_OFFICER = "brokerage_officer", "Brokerage officer"
    DUTY_LEAD = "duty_lead", "Duty lead"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    DIRECTOR = "director", "Director"
    ADMINISTRATOR = "administrator", "Administrator"
    # The in-house fostering service's duty worker: keeps the council's own foster carers
    # and their room, and answers the in-house rounds.
    FOSTERING_DUTY = "fostering_duty", "Fostering duty worker"


# Roles that approve something another person asked for, or waive a rule: the team
# manager endorses a referral and signs off in-house costs; the service lead gives
# permission to search; the senior manager, head of service and director approve costs
# by band; the duty lead starts an emergency search before those approvals and
# overrides the rule flags on offers. Granting one of these, or Administrator, needs a
# second administrator to approve it (placements.services.user_update).
APPROVING_ROLES = frozenset(
    {
        Role.TEAM_MANAGER,
        Role.SERVICE_LEAD,
        Role.DUTY_LEAD,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.DIRECTOR,
    }
)
ROLES_NEEDING_SECOND_ADMINISTRATOR = APPROVING_ROLES | {Role.ADMINISTRATOR}
