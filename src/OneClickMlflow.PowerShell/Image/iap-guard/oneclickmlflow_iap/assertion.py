"""Checks the JWT that IAP signs into each request it lets through (the x-goog-iap-jwt-assertion header).

The rules are Google's (https://cloud.google.com/iap/docs/signed-headers-howto): header alg ES256 and a kid among
IAP's public keys; payload iss https://cloud.google.com/iap, aud the app's audience, iat in the past and exp in
the future with 30 seconds of skew either way, and a lifetime of at most 10 minutes + 2 x skew.
"""

import base64
import binascii
import json
import time
from typing import Any, Callable, Dict

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .keys import PublicKeys

ALGORITHM = "ES256"
ISSUER = "https://cloud.google.com/iap"
CLOCK_SKEW_SECONDS = 30
MAX_LIFETIME_SECONDS = 600 + 2 * CLOCK_SKEW_SECONDS
_P256_COORDINATE_BYTES = 32


class Refused(Exception):
    """A token that does not prove IAP let the request through. The message never contains the token."""


class AssertionVerifier:
    def __init__(self, keys: PublicKeys, audience: str, clock: Callable[[], float] = time.time):
        self._keys = keys
        self._audience = audience
        self._clock = clock

    def verify(self, token: str) -> Dict[str, Any]:
        """The token's claims when IAP signed it for this app and it is current; raises Refused otherwise."""
        parts = token.split(".")
        if len(parts) != 3 or not token.isascii():
            raise Refused("the assertion is not a signed JWT")
        header = _json_part(parts[0], "header")
        if header.get("alg") != ALGORITHM:
            raise Refused("the assertion is not signed with ES256")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Refused("the assertion names no key")
        key = self._keys.get(kid)
        if key is None:
            raise Refused("the assertion is signed with a key IAP does not publish")
        _check_signature(key, parts)
        claims = _json_part(parts[1], "payload")
        self._check_claims(claims)
        return claims

    def _check_claims(self, claims: Dict[str, Any]) -> None:
        if claims.get("iss") != ISSUER:
            raise Refused("the assertion's issuer is not IAP")
        if claims.get("aud") != self._audience:
            raise Refused("the assertion is for another audience")
        issued, expires = claims.get("iat"), claims.get("exp")
        if not _is_time(issued) or not _is_time(expires):
            raise Refused("the assertion lacks iat or exp")
        now = self._clock()
        if expires < now - CLOCK_SKEW_SECONDS:
            raise Refused("the assertion has expired")
        if issued > now + CLOCK_SKEW_SECONDS:
            raise Refused("the assertion is issued in the future")
        if expires - issued > MAX_LIFETIME_SECONDS:
            raise Refused("the assertion lives longer than IAP's 10 minutes")


def _check_signature(key: ec.EllipticCurvePublicKey, parts) -> None:
    signature = _decode(parts[2], "signature")
    # JWS carries ECDSA signatures as r || s (RFC 7518 3.4); cryptography takes DER.
    if len(signature) != 2 * _P256_COORDINATE_BYTES:
        raise Refused("the assertion's signature is not an ES256 signature")
    r = int.from_bytes(signature[:_P256_COORDINATE_BYTES], "big")
    s = int.from_bytes(signature[_P256_COORDINATE_BYTES:], "big")
    signed = f"{parts[0]}.{parts[1]}".encode("ascii")
    try:
        key.verify(encode_dss_signature(r, s), signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Refused("the assertion's signature does not verify") from None


def _json_part(part: str, name: str) -> Dict[str, Any]:
    try:
        value = json.loads(_decode(part, name))
    except ValueError:
        raise Refused(f"the assertion's {name} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(f"the assertion's {name} is not a JSON object")
    return value


def _decode(part: str, name: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise Refused(f"the assertion's {name} is not base64url") from None


def _is_time(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
