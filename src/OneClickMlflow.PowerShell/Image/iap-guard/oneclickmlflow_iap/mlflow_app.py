"""The `mlflow.app` entry point `oneclickmlflow-iap`: MLflow's own server app behind the IAP header check.

`mlflow server --app-name oneclickmlflow-iap` hands this module's `app` to uvicorn (MLflow's default server since
3.5), which loads it in each worker. `app` is an ASGI object, not a function, so MLflow does not call it as a
factory. The configuration comes from the environment (settings.py); a bad one stops the server at start.
"""

import os

from mlflow.server.fastapi_app import app as mlflow_app

from .guard import guarded

app = guarded(mlflow_app, os.environ)
