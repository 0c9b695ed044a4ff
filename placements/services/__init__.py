"""The core's writes, one module per concept: `outbox` (emails, queued with the change
and delivered at least once), `history` (field history), `users` (users, roles, the
two-administrator rule, the council's settings), `errors` (`DomainError`).

Every app raises `DomainError` and queues email through here, so the names they use
are gathered on the package."""

from .errors import DomainError
from .history import field_changes_record, field_changes_record_many, shown_value
from .outbox import (
    SENT_SENSITIVE_BODY,
    EmailCheck,
    OutboxSendFailed,
    message_id_header,
    outbox_claim,
    outbox_deliver,
    outbox_enqueue,
    outbox_enqueue_many,
    outbox_pending_ids,
)
from .users import (
    ROLE_GRANT_WAITING,
    council_settings_update,
    role_grant_approve,
    role_grant_blocker,
    role_grant_refuse,
    user_break_glass_set,
    user_invite,
    user_resend_invite,
    user_roles_grant_without_second_approval,
    user_set_active,
    user_update,
)

__all__ = [
    "ROLE_GRANT_WAITING",
    "SENT_SENSITIVE_BODY",
    "DomainError",
    "EmailCheck",
    "OutboxSendFailed",
    "council_settings_update",
    "field_changes_record",
    "field_changes_record_many",
    "message_id_header",
    "outbox_claim",
    "outbox_deliver",
    "outbox_enqueue",
    "outbox_enqueue_many",
    "outbox_pending_ids",
    "role_grant_approve",
    "role_grant_blocker",
    "role_grant_refuse",
    "shown_value",
    "user_break_glass_set",
    "user_invite",
    "user_resend_invite",
    "user_roles_grant_without_second_approval",
    "user_set_active",
    "user_update",
]
