"""Google's generated API definitions (gcloud's apitools clients) as a route table for emulator paths.

Each emulated API is served under its own first path segment (tests/OneClickMlflow.Emulator/Apis/*.cs,
ApiDescriptor.PathPrefix); what follows is the path Google's client appends to its base URL.
"""

import importlib
import os
import re
import urllib.parse

from apitools.base.py import base_api
from apitools.base.py import encoding
from apitools.base.protorpclite import messages

GENERATED = 'googlecloudsdk.generated_clients.apis'

# Emulator path prefix -> generated client name.
API_BY_PREFIX = {
    'appengine': 'appengine',
    'artifactregistry': 'artifactregistry',
    'cloudresourcemanager': 'cloudresourcemanager',
    'compute': 'compute',
    'iam': 'iam',
    'iamcredentials': 'iamcredentials',
    'iap': 'iap',
    'secretmanager': 'secretmanager',
    'servicenetworking': 'servicenetworking',
    'serviceusage': 'serviceusage',
    'sql': 'sqladmin',
    'storage': 'storage',
}

# Served by the emulator, but not Google REST APIs with generated definitions: listed as skipped, never checked.
SKIPPED_PREFIXES = {
    '': 'metadata server ping',
    '_emulator': 'emulator admin surface',
    'appspot': 'IAP front door and MLflow stand-in',
    'computeMetadata': 'metadata server',
    'oauth2': 'OAuth 2.0 token endpoint',
    'sts': 'Security Token Service token exchange',
    'v2': 'Docker registry token service',
}

VERSION = re.compile(r'^v\d+(alpha|beta)?\d*$')


def split_verb(path):
    """Splits Google's custom verb off a path: 'a/b:verb' -> ('a/b', 'verb').

    The HTTP rule grammar (google/api/http.proto) is Template = "/" Segments [ Verb ], Verb = ":" LITERAL: the
    verb follows the last ':' of the last segment, so 'connections/-:deleteConnection' is the path
    'connections/-' with the verb 'deleteConnection', not a connection named '-:deleteConnection'.
    """
    head, _, last = path.rpartition('/')
    if ':' in last:
        last, verb = last.rsplit(':', 1)
        return (head + '/' + last if head else last), verb
    return path, None


def shape_template(config):
    """The URL shape a method answers: its flat_path, unless that only renames a '{+x}' of the relative_path.

    flat_path spells out the collections ('v1/services/{servicesId}/connections/{connectionsId}' for 'v1/{+name}').
    Where the resource is free-form (IAP's 'v1/{+resource}:getIamPolicy' has the flat_path
    'v1/{v1Id}:getIamPolicy'), the flat_path says nothing more and would wrongly limit it to one segment; then the
    relative_path's multi-segment '{+x}' is the shape.
    """
    flat, relative = config.flat_path, config.relative_path
    if not flat:
        return relative
    one_variable = re.sub(r'\{[^}]*\}', '{}', flat)
    if '{+' in relative and one_variable == re.sub(r'\{[^}]*\}', '{}', relative):
        return relative
    return flat


def template_regex(template):
    """'{x}' matches one segment, '{+x}' one or more; everything else is literal."""
    pattern = ''
    for token in re.split(r'(\{[^}]*\})', template):
        if token.startswith('{+'):
            pattern += '(.+)'
        elif token.startswith('{'):
            pattern += '([^/]+)'
        else:
            pattern += re.escape(token)
    return re.compile(pattern)


class Method(object):
    """One generated method: its config, messages and the path template it answers."""

    def __init__(self, api, version, client, service, name, config, template, upload=False):
        self.api = api
        self.version = version
        self.client = client
        self.service = service
        self.name = name
        self.config = config
        self.upload = upload
        self.template, self.verb = split_verb(template)
        self.regex = template_regex(self.template)
        self.literal_length = len(re.sub(r'\{[^}]*\}', '', self.template))

    @property
    def method_id(self):
        return self.config.method_id

    @property
    def messages(self):
        return self.client.MESSAGES_MODULE

    def message_type(self, name):
        return getattr(self.messages, name)

    @property
    def supports_download(self):
        """Whether the method answers content for alt=media (the generated config's supports_download)."""
        return bool(getattr(self.config, 'supports_download', False))

    @property
    def request_type(self):
        return self.message_type(self.config.request_type_name)

    @property
    def response_type(self):
        return self.message_type(self.config.response_type_name)

    def matches(self, path, verb):
        return self.verb == verb and self.regex.fullmatch(path) is not None


class Api(object):
    """One api/version: every method of its generated client, with the client's base path."""

    def __init__(self, api, version):
        module = importlib.import_module('%s.%s.%s.%s_%s_client' % (GENERATED, api, version, api, version))
        client_class = next(value for value in vars(module).values()
                            if isinstance(value, type) and issubclass(value, base_api.BaseApiClient)
                            and value is not base_api.BaseApiClient)
        self.name = api
        self.version = version
        self.client = client_class(url='http://emulator/', get_credentials=False)
        self.base_path = urllib.parse.urlparse(client_class.BASE_URL).path.lstrip('/')
        self.methods = []
        for service in vars(self.client).values():
            if not isinstance(service, base_api.BaseApiService):
                continue
            uploads = getattr(service, '_upload_configs', {}) or {}
            for name in service.GetMethodsList():
                config = service.GetMethodConfig(name)
                template = shape_template(config)
                self.methods.append(Method(api, version, self.client, service, name, config, template))
                upload = uploads.get(name)
                for upload_path in (upload.simple_path, upload.resumable_path) if upload else ():
                    if upload_path:
                        self.methods.append(Method(api, version, self.client, service, name, config,
                                                   upload_path.lstrip('/'), upload=True))


class Catalog(object):
    """Finds the generated method an emulator request is for."""

    def __init__(self, sdk_lib):
        self.apis_root = os.path.join(sdk_lib, *GENERATED.split('.'))
        self.loaded = {}

    def api(self, api, version):
        key = (api, version)
        if key not in self.loaded:
            self.loaded[key] = Api(api, version)
        return self.loaded[key]

    def versions(self, api):
        directory = os.path.join(self.apis_root, api)
        return sorted(name for name in os.listdir(directory) if VERSION.match(name)) if os.path.isdir(directory) else []

    def resolve(self, path):
        """(api, rest, skip_reason) for an emulator path: rest is the path the generated client appended."""
        segments = path.lstrip('/').split('/')
        prefix, rest = segments[0], '/'.join(segments[1:])
        if prefix in SKIPPED_PREFIXES:
            return None, None, SKIPPED_PREFIXES[prefix]
        api_name = API_BY_PREFIX.get(prefix)
        if api_name is None:
            return None, None, None
        known = self.versions(api_name)
        version = next((segment for segment in rest.split('/') if segment in known), None)
        if version is None:
            return None, None, None
        api = self.api(api_name, version)
        if api.base_path and rest.startswith(api.base_path):
            rest = rest[len(api.base_path):]
        return api, rest, None


def json_name(message_type, python_name):
    return encoding.GetCustomJsonFieldMapping(message_type, python_name=python_name) or python_name


def field_for_json(message_type, name):
    """The field a JSON (or proto snake_case) name stands for, or None."""
    python_name = encoding.GetCustomJsonFieldMapping(message_type, json_name=name) or name
    for candidate in (python_name, snake_to_camel(python_name)):
        try:
            return message_type.field_by_name(candidate)
        except KeyError:
            continue
    return None


def snake_to_camel(name):
    return re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), name)


def is_map(message_type):
    """A proto map or free-form object: apitools' additionalProperties wrapper."""
    names = [field.name for field in message_type.all_fields()]
    return names == ['additionalProperties']


def is_free_form(message_type):
    return message_type.__module__.endswith('extra_types') or is_map(message_type)


def message_fields(message):
    for field in message.all_fields():
        if isinstance(field, messages.MessageField):
            yield field
