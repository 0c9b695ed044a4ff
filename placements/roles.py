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
