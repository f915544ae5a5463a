"""Fake mlflow.store.artifact.gcs_artifact_repo: keeps the artifact URI and the storage client, as the real one does."""


class GCSArtifactRepository:
    def __init__(self, artifact_uri, client=None):
        self.artifact_uri = artifact_uri
        self.client = client
