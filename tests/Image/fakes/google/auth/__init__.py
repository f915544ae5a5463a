"""Fake google.auth: credentials whose token is FAKE_GOOGLE_ACCESS_TOKEN.

Setting FAKE_GOOGLE_AUTH_ERROR makes default() fail the way it does without credentials. Like metadata credentials,
they learn their account's email (FAKE_GOOGLE_SERVICE_ACCOUNT, else "default") when they refresh.
"""

import os


class DefaultCredentialsError(Exception):
    pass


class _Credentials:
    def __init__(self, scopes):
        self.scopes = scopes
        self.token = None
        self.service_account_email = "default"

    def refresh(self, request):
        self.token = os.environ["FAKE_GOOGLE_ACCESS_TOKEN"]
        self.service_account_email = os.environ.get("FAKE_GOOGLE_SERVICE_ACCOUNT", "default")


def default(scopes=None):
    error = os.environ.get("FAKE_GOOGLE_AUTH_ERROR")
    if error:
        raise DefaultCredentialsError(error)
    return _Credentials(scopes), "fake-project"
