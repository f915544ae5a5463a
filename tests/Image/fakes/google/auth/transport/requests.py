"""Fake google.auth.transport.requests: the helpers only pass a Request to refresh()."""


class Request:
    pass
