"""Exceptions raised by services; views turn them into form errors or 4xx responses."""


class ServiceError(Exception):
    """A request a service refuses; ``message`` is shown to the user as it is."""

    status_code = 400

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    status_code = 403
