"""Fake google.cloud.storage: a Client that keeps the credentials and project it was given."""


class Client:
    def __init__(self, project=None, credentials=None):
        self.project = project
        self._credentials = credentials
