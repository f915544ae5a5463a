"""Signing credentials for the artifacts bucket, so that MLflow can hand out signed URLs for direct uploads.

Large artifacts cannot pass through App Engine (32 MB per request): with MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD the
client asks the server for one signed URL per part and uploads the parts straight to the bucket. MLflow's GCS
repository signs them with blob.generate_signed_url, which needs credentials that can sign; App Engine's metadata
credentials cannot sign locally. The storage client here uses google-auth's impersonated credentials of the server's
own account: they sign through IAM signBlob and get their tokens through IAM generateAccessToken, both allowed by the
Token Creator role the deployment grants the account on itself. No key file is involved.

The class is registered for the gs:// scheme through the `mlflow.artifact_repository` entry point, which MLflow
loads after its own repositories, so it replaces GCSArtifactRepository for --artifacts-destination gs://...
"""

from typing import Any, Tuple

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


class SigningSetupError(RuntimeError):
    """The server's own account could not be found to sign as."""


def signing_credentials() -> Tuple[Any, str]:
    """Impersonated credentials of the account the server runs as, and the project, from Application Default Credentials."""
    import google.auth
    from google.auth import impersonated_credentials
    from google.auth.transport.requests import Request

    source, project = google.auth.default(scopes=[CLOUD_PLATFORM])
    # Metadata credentials learn their account's email when they first refresh.
    source.refresh(Request())
    email = getattr(source, "service_account_email", None)
    if not email or email == "default":
        raise SigningSetupError(
            "the server's service account could not be read from its credentials, so artifacts cannot be signed for direct upload"
        )
    signing = impersonated_credentials.Credentials(
        source_credentials=source,
        target_principal=email,
        target_scopes=[CLOUD_PLATFORM],
    )
    return signing, project


def signing_storage_client():
    from google.cloud import storage

    credentials, project = signing_credentials()
    return storage.Client(project=project, credentials=credentials)


def _repository_class():
    from mlflow.store.artifact.gcs_artifact_repo import GCSArtifactRepository

    class SigningGcsArtifactRepository(GCSArtifactRepository):
        """MLflow's GCS repository with a storage client that can sign URLs (see the module's docstring)."""

        def __init__(self, artifact_uri, *args, **kwargs):
            kwargs.setdefault("client", signing_storage_client())
            super().__init__(artifact_uri, *args, **kwargs)

    return SigningGcsArtifactRepository


def __getattr__(name):
    # Resolved on first use, so that importing this module does not import MLflow.
    if name == "SigningGcsArtifactRepository":
        return _repository_class()
    raise AttributeError(name)
