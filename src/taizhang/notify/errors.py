"""What the notification rules refuse, with a message for the user."""


class NotifyError(ValueError):
    """Bad input to a notification service (an e-mail address, a phone number)."""
