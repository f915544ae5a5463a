"""Fake mlflow.server.fastapi_app: an ASGI `app` that answers every request with what it was asked.

200 with {"served": PATH, "method": METHOD} shows that a request got past the IAP check to the server.
"""

import json


async def _serve(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = json.dumps({"served": scope["path"], "method": scope["method"]}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


class _FakeServerApp:
    """An object, as MLflow's FastAPI app is."""

    async def __call__(self, scope, receive, send):
        await _serve(scope, receive, send)


app = _FakeServerApp()
