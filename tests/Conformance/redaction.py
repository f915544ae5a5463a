"""Keeps secret values out of findings: the database password, Secret Manager payloads, OAuth client secrets and
tokens. The emulator already replaces them when it records; this is the second line for exchanges from elsewhere."""

import json
import urllib.parse

REDACTED = '<redacted>'

SECRET_NAMES = frozenset([
    'password', 'rootPassword', 'root_password', 'data', 'oauth2ClientSecret', 'oauth2_client_secret',
    'clientSecret', 'client_secret', 'secret', 'accessToken', 'access_token', 'idToken', 'id_token', 'token',
    'refreshToken', 'refresh_token', 'oauth_token', 'signedJwt', 'signedBlob', 'privateKeyData', 'private_key',
    'assertion', 'subjectToken', 'subject_token', 'actor_token',
])


def is_secret(name):
    return name in SECRET_NAMES


def query(text):
    """The query string with the values of secret parameters replaced."""
    if not text or text == '?':
        return text
    parts = []
    for part in text.lstrip('?').split('&'):
        name, equals, _ = part.partition('=')
        parts.append(name + '=' + REDACTED if equals and is_secret(urllib.parse.unquote_plus(name)) else part)
    return '?' + '&'.join(parts)


def secret_values(*bodies):
    """Every string value (long enough to be told apart from other text) under a secret name in the JSON bodies."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for name, value in node.items():
                if is_secret(name) and isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    if len(str(value)) >= 4:
                        found.add(str(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for body in bodies:
        try:
            walk(json.loads(body)) if body else None
        except ValueError:
            pass
    return found


def scrub(text, secrets):
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return text
