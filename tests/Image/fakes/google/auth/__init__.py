"""Fake google.auth: credentials whose token is FAKE_GOOGLE_ACCESS_TOKEN.

Setting FAKE_GOOGLE_AUTH_ERROR makes default() fail the way it does without credentials.
"""

import os


class DefaultCredentialsError(Exception):
    pass


class _Credentials:
    def __init__(self, scopes):
        self.scopes = scopes
        self.token = None

    def refresh(self, request):
        self.token = os.environ["FAKE_GOOGLE_ACCESS_TOKEN"]


def default(scopes=None):
    error = os.environ.get("FAKE_GOOGLE_AUTH_ERROR")
    if error:
        raise DefaultCredentialsError(error)
    return _Credentials(scopes), "fake-project"
