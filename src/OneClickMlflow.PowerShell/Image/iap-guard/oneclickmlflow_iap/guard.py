"""An ASGI middleware that lets a request reach the server only with a valid IAP signed header.

It wraps the whole ASGI app, so every route is guarded whatever serves it (MLflow's UI, REST API, ajax API,
artifact proxy, and the native FastAPI routers next to its Flask app). The one exception is App Engine's own
health check: App Engine probes the instance directly, not through IAP, so its requests carry no header
(https://cloud.google.com/iap/docs/signed-headers-howto, "health checks don't include JWT headers"). The
deployment points the version's liveness and readiness checks at /health; split health checks are the only
kind a flexible version has, so the legacy /_ah/health path is never probed and stays guarded.
"""

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Mapping, MutableMapping

from .assertion import AssertionVerifier, Refused
from .keys import KeysUnavailable, PublicKeys
from .settings import Settings, from_environment

HEADER = b"x-goog-iap-jwt-assertion"
HEALTH_PATH = "/health"

Scope = MutableMapping[str, Any]
AsgiApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

_logger = logging.getLogger("oneclickmlflow_iap")


class IapGuard:
    def __init__(self, app: AsgiApp, verifier: AssertionVerifier):
        self._app = app
        self._verifier = verifier

    async def __call__(self, scope: Scope, receive, send) -> None:
        kind = scope.get("type")
        if kind not in ("http", "websocket") or _is_health_check(scope):
            # lifespan events reach the server untouched: they start and stop it and carry no request.
            await self._app(scope, receive, send)
            return
        tokens = [value for name, value in scope.get("headers", []) if name.lower() == HEADER]
        status, reason = 401, None
        if len(tokens) != 1 or not tokens[0]:
            reason = "no x-goog-iap-jwt-assertion header" if not tokens else "more than one x-goog-iap-jwt-assertion header"
        else:
            try:
                # Verifying may fetch keys over the network: keep it off the event loop.
                await asyncio.get_running_loop().run_in_executor(None, self._verifier.verify, tokens[0].decode("latin-1"))
            except Refused as refusal:
                reason = str(refusal)
            except KeysUnavailable as error:
                status, reason = 503, str(error)
        if reason is None:
            await self._app(scope, receive, send)
            return
        _logger.warning("IAP check refused %s %r: %s", scope.get("method", "WEBSOCKET"), scope.get("path", ""), reason)
        await _refuse(scope, send, status)


def _is_health_check(scope: Scope) -> bool:
    return scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") and scope.get("path") == HEALTH_PATH


async def _refuse(scope: Scope, send, status: int) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})  # Policy violation, before the handshake completes.
        return
    message = (
        "This server accepts only requests that come through Identity-Aware Proxy."
        if status == 401
        else "IAP's public keys are unavailable; try again shortly."
    )
    code = "UNAUTHENTICATED" if status == 401 else "TEMPORARILY_UNAVAILABLE"
    body = json.dumps({"error_code": code, "message": message}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})


def guarded(app: AsgiApp, environ: Mapping[str, str]) -> AsgiApp:
    """The app behind the IAP header check the environment configures (settings.py); raises SettingsError."""
    settings: Settings = from_environment(environ)
    if not settings.verify:
        _logger.warning("IAP check off (IAP_VERIFY=off): requests are served without checking IAP's signed header")
        return app
    verifier = AssertionVerifier(PublicKeys(settings.keys_url), settings.audience)
    return IapGuard(app, verifier)
