"""The IAP header check's configuration, read from the environment the deployment sets.

IAP_AUDIENCE         /projects/PROJECT_NUMBER/apps/PROJECT_ID, the `aud` IAP signs for an App Engine app;
                     required unless IAP_VERIFY=off.
IAP_PUBLIC_KEYS_URL  where IAP's public keys are published as a JWK set (default: Google's).
IAP_VERIFY           `on` (default) or `off`. `off` serves every request unchecked and exists only for a
                     local `docker run`: it is refused on App Engine.
"""

import re
import urllib.parse
from dataclasses import dataclass
from typing import Mapping, Optional

AUDIENCE_VARIABLE = "IAP_AUDIENCE"
KEYS_URL_VARIABLE = "IAP_PUBLIC_KEYS_URL"
VERIFY_VARIABLE = "IAP_VERIFY"

# https://cloud.google.com/iap/docs/signed-headers-howto: "kid ... https://www.gstatic.com/iap/verify/public_key-jwk".
DEFAULT_KEYS_URL = "https://www.gstatic.com/iap/verify/public_key-jwk"

# App Engine flexible sets these in every instance's container (GAE_INSTANCE is how Google's own client libraries
# detect env: flex, google-cloud-logging's environment_vars.py; the runtime docs list GAE_SERVICE and GAE_VERSION
# next to it: https://cloud.google.com/appengine/docs/flexible/python/runtime#environment_variables). They tell
# App Engine from a local `docker run`.
APP_ENGINE_VARIABLES = ("GAE_INSTANCE", "GAE_SERVICE", "GAE_VERSION")

# The App Engine form of IAP's audience (the signed-headers doc); the project ID may carry a legacy domain prefix.
_AUDIENCE = re.compile(r"/projects/[0-9]+/apps/[a-z][a-z0-9.:-]*[a-z0-9]")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class SettingsError(ValueError):
    """A configuration the server must not start with; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    verify: bool
    audience: Optional[str]
    keys_url: str


def on_app_engine(environ: Mapping[str, str]) -> bool:
    return any(environ.get(name) for name in APP_ENGINE_VARIABLES)


def from_environment(environ: Mapping[str, str]) -> Settings:
    verify = environ.get(VERIFY_VARIABLE) or "on"
    if verify not in ("on", "off"):
        raise SettingsError(f"{VERIFY_VARIABLE} must be 'on' or 'off', got '{verify}'")
    if verify == "off":
        if on_app_engine(environ):
            raise SettingsError(
                f"{VERIFY_VARIABLE}=off is refused on App Engine ({', '.join(APP_ENGINE_VARIABLES)} are set): "
                "it is only for a local docker run"
            )
        return Settings(verify=False, audience=None, keys_url="")

    audience = environ.get(AUDIENCE_VARIABLE)
    if not audience:
        raise SettingsError(
            f"{AUDIENCE_VARIABLE} is not set: it must be /projects/PROJECT_NUMBER/apps/PROJECT_ID "
            f"(or {VERIFY_VARIABLE}=off for a local docker run)"
        )
    if not _AUDIENCE.fullmatch(audience):
        raise SettingsError(f"{AUDIENCE_VARIABLE} must be /projects/PROJECT_NUMBER/apps/PROJECT_ID, got '{audience}'")
    keys_url = environ.get(KEYS_URL_VARIABLE) or DEFAULT_KEYS_URL
    check_keys_url(keys_url)
    return Settings(verify=True, audience=audience, keys_url=keys_url)


def check_keys_url(url: str) -> None:
    """Keys come over HTTPS; plain HTTP only from this machine (a test's key server)."""
    parts = urllib.parse.urlsplit(url)
    secure = parts.scheme == "https" and parts.hostname
    local = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
    if not (secure or local):
        raise SettingsError(f"{KEYS_URL_VARIABLE} must be an https:// URL (http:// only on loopback), got '{url}'")
