"""The one error a service raises when the rules refuse a step."""


class DomainError(Exception):
    """A step the rules do not allow; its message is shown to the user."""
