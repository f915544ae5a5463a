"""Fake google.auth.impersonated_credentials: records what the image asks to impersonate."""


class Credentials:
    def __init__(self, source_credentials, target_principal, target_scopes, delegates=None, lifetime=3600, quota_project_id=None):
        self.source_credentials = source_credentials
        self.target_principal = target_principal
        self.target_scopes = target_scopes
        self.delegates = delegates

    # The real class signs through IAM signBlob as target_principal (google.auth.credentials.Signing).
    @property
    def signer_email(self):
        return self.target_principal
