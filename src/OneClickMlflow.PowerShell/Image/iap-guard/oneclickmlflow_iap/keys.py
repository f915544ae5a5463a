"""IAP's public keys: fetched as a JWK set, cached, and fetched again when they age or a token names a new key."""

import base64
import json
import logging
import threading
import time
import urllib.request
from typing import Callable, Dict, Optional

from cryptography.hazmat.primitives.asymmetric import ec

# IAP rotates its keys now and then and publishes the next key before signing with it: an hour-old copy is
# fresh enough, and a token with a key ID the copy lacks fetches the set again at once.
CACHE_SECONDS = 3600
# A stream of made-up key IDs must not turn every request into a fetch: at most one fetch per interval (and
# per worker process), short enough that a freshly rotated key is picked up within seconds.
MIN_REFETCH_SECONDS = 5
FETCH_TIMEOUT_SECONDS = 5
MAX_BODY_BYTES = 1 << 20

_logger = logging.getLogger("oneclickmlflow_iap")


class KeysUnavailable(Exception):
    """No key set could be fetched, so no token can be checked."""


def fetch_jwk_set(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
        return response.read(MAX_BODY_BYTES + 1)


def parse_jwk_set(body: bytes) -> Dict[str, ec.EllipticCurvePublicKey]:
    """The P-256 keys of a JWK set by key ID; keys of any other type are not IAP's and are left out."""
    if len(body) > MAX_BODY_BYTES:
        raise ValueError("the key set is larger than 1 MiB")
    document = json.loads(body)
    keys = {}
    for jwk in document.get("keys", []) if isinstance(document, dict) else []:
        if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            continue
        kid, x, y = jwk.get("kid"), jwk.get("x"), jwk.get("y")
        if not all(isinstance(value, str) and value for value in (kid, x, y)):
            continue
        try:
            numbers = ec.EllipticCurvePublicNumbers(_coordinate(x), _coordinate(y), ec.SECP256R1())
            keys[kid] = numbers.public_key()
        except ValueError:
            continue  # Not a point on the curve.
    return keys


def _coordinate(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


class PublicKeys:
    """Thread-safe cache of the key set at one URL."""

    def __init__(
        self,
        url: str,
        fetch: Callable[[str], bytes] = fetch_jwk_set,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._url = url
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: Dict[str, ec.EllipticCurvePublicKey] = {}
        self._fetched_at: Optional[float] = None
        self._attempted_at: Optional[float] = None

    def get(self, kid: str) -> Optional[ec.EllipticCurvePublicKey]:
        """The key named kid, or None when the (refreshed) set does not have it."""
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at >= CACHE_SECONDS
            unknown = kid not in self._keys
            may_refetch = self._attempted_at is None or now - self._attempted_at >= MIN_REFETCH_SECONDS
            if (stale or unknown) and may_refetch:
                self._refresh(now)
            if self._fetched_at is None:
                raise KeysUnavailable(f"IAP's public keys could not be fetched from {self._url}")
            return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        self._attempted_at = now
        try:
            keys = parse_jwk_set(self._fetch(self._url))
        except Exception as error:  # Any failure keeps the last good set, if there is one.
            _logger.warning("IAP check could not fetch IAP's public keys from %s: %s", self._url, error)
            return
        self._keys = keys
        self._fetched_at = now
