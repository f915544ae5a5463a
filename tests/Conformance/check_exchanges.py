"""Checks recorded emulator exchanges against Google's generated API definitions.

usage: check_exchanges.py [--sdk-lib DIR] EXCHANGES.json

EXCHANGES.json is the emulator's GET /_emulator/exchanges answer (a JSON array, or an object with "exchanges"):
each item has method, path, query, requestBody, status, responseBody. For every exchange it finds the generated
method by HTTP verb and flat_path (custom verb included), then checks the request body (unknown fields, values
that do not fit the field's type or enum), the query parameters (declared on the method or standard), every
updateMask path, and the 2xx answer against the method's response message. Prints one finding per line on stdout:

    METHOD_ID VERB PATH?QUERY -- RULE: FIELD (detail)

(identical findings once, with the number of exchanges) and a summary on stderr: how many were checked, the
methods they matched, and what was skipped by path prefix. Exit code 1 when there is any finding, 2 on bad input.
Secret values never appear in findings (see redaction.py).
"""

import argparse
import json
import os
import sys
import urllib.parse

from apitools.base.py import encoding
from apitools.base.protorpclite import messages

import google_apis
import redaction


class Finding(object):
    def __init__(self, exchange, method, rule, field, detail=''):
        self.exchange = exchange
        self.method = method
        self.rule = rule
        self.field = field
        self.detail = detail

    def line(self):
        method_id = self.method.method_id if self.method else '(no method)'
        target = self.exchange['path'] + redaction.query(self.exchange.get('query') or '')
        text = '%s %s %s -- %s: %s' % (method_id, self.exchange['method'], target, self.rule, self.field)
        if self.detail:
            text += ' (%s)' % self.detail
        return text


class Checker(object):
    def __init__(self, catalog):
        self.catalog = catalog
        self.findings = []
        self.checked = 0
        self.skipped = {}
        self.methods = {}

    def check(self, exchange):
        path = exchange['path']
        api, rest, skip = self.catalog.resolve(path)
        if skip is not None:
            prefix = '/' + path.lstrip('/').split('/')[0] + ('/' if path.strip('/') else '')
            self.skipped.setdefault((prefix, skip), 0)
            self.skipped[(prefix, skip)] += 1
            return
        self.checked += 1
        if api is None:
            self.add(exchange, None, 'no-generated-client', path.lstrip('/').split('/')[0] or '/',
                     'no generated Google client is mapped to this path prefix and version')
            return
        method = self.find_method(exchange, api, rest)
        if method is None:
            return
        self.methods[method.method_id] = self.methods.get(method.method_id, 0) + 1
        secrets = redaction.secret_values(exchange.get('requestBody'), exchange.get('responseBody'))
        self.check_query(exchange, method)
        body_type = self.check_request_body(exchange, method, secrets)
        self.check_update_mask(exchange, method, body_type)
        self.check_response(exchange, method, secrets)

    def add(self, exchange, method, rule, field, detail=''):
        self.findings.append(Finding(exchange, method, rule, field, detail))

    # -- routing --------------------------------------------------------------------------------------------

    def find_method(self, exchange, api, rest):
        path, verb = google_apis.split_verb(rest)
        http_method = exchange['method'].upper()
        matches = [m for m in api.methods if m.matches(path, verb)]
        for_verb = [m for m in matches if m.config.http_method == http_method]
        if for_verb:
            return max(for_verb, key=lambda m: m.literal_length)
        label = '%s %s' % (api.name, api.version)
        if matches:
            self.add(exchange, None, 'wrong-http-method', http_method,
                     '%s takes %s, not %s' % (matches[0].method_id, matches[0].config.http_method, http_method))
        elif verb is not None and not any(m.verb == verb for m in api.methods):
            self.add(exchange, None, 'unknown-custom-verb', ':' + verb, 'no %s method has this custom verb' % label)
        elif verb is not None and any(m.regex.fullmatch(path) for m in api.methods):
            shapes = sorted(set('%s%s' % (m.template, ':' + m.verb if m.verb else '') for m in api.methods
                                if m.regex.fullmatch(path)))
            self.add(exchange, None, 'unknown-custom-verb', ':' + verb,
                     'this URL shape has no method with that verb; it has %s' % ', '.join(shapes))
        else:
            self.add(exchange, None, 'no-method', rest, 'no %s method has this flat_path' % label)
        return None

    # -- query ----------------------------------------------------------------------------------------------

    def query_fields(self, method):
        """JSON name -> (message type, field) for the method's query params and the standard parameters."""
        fields = {}
        standard = getattr(method.messages, 'StandardQueryParameters', None)
        for message_type, names in ((standard, None), (method.request_type, method.config.query_params)):
            if message_type is None:
                continue
            for field in message_type.all_fields():
                if names is None or field.name in names:
                    fields[google_apis.json_name(message_type, field.name)] = (message_type, field)
        return fields

    def check_query(self, exchange, method):
        allowed = self.query_fields(method)
        if method.upload:
            allowed.setdefault('uploadType', (None, None))
            allowed.setdefault('name', (None, None))
        for name, value in urllib.parse.parse_qsl((exchange.get('query') or '').lstrip('?'), keep_blank_values=True):
            if name not in allowed:
                self.add(exchange, method, 'unknown-query-parameter', name,
                         'not among %s query params or the standard ones' % method.method_id)
                continue
            field = allowed[name][1]
            problem = query_value_problem(field, value) if field is not None else None
            if problem:
                shown = redaction.REDACTED if redaction.is_secret(name) else repr(value)
                self.add(exchange, method, 'invalid-query-value', name, '%s: %s' % (shown, problem))

    # -- request body ---------------------------------------------------------------------------------------

    def body_type(self, method):
        field_name = method.config.request_field
        if not field_name:
            return None
        if field_name == '<request>':
            return method.request_type
        return method.request_type.field_by_name(field_name).type

    def check_request_body(self, exchange, method, secrets):
        body = exchange.get('requestBody')
        body_type = self.body_type(method)
        if method.upload:
            return body_type
        if body_type is None:
            if body is not None and body.strip():
                own = [google_apis.json_name(method.request_type, name) for name in method.config.query_params]
                self.add(exchange, method, 'unexpected-request-body', '(body)',
                         '%s takes no request body; its query parameters are: %s'
                         % (method.method_id, ', '.join(sorted(own)) or 'none'))
            return None
        if body is None or not body.strip():
            return body_type
        self.check_message(exchange, method, body_type, body, 'request', secrets)
        return body_type

    def check_message(self, exchange, method, message_type, text, side, secrets):
        try:
            message = encoding.JsonToMessage(message_type, text)
        except (messages.Error, ValueError, TypeError, AttributeError) as error:
            self.add(exchange, method, side + '-invalid-value', message_type.__name__,
                     redaction.scrub(str(error), secrets))
            return
        for path, rule, detail in unrecognized(message, ''):
            self.add(exchange, method, side + '-' + rule, path, redaction.scrub(detail, secrets))

    # -- update masks ---------------------------------------------------------------------------------------

    def check_update_mask(self, exchange, method, body_type):
        query = urllib.parse.parse_qsl((exchange.get('query') or '').lstrip('?'), keep_blank_values=True)
        masks = [value for name, value in query if name in ('updateMask', 'update_mask')]
        resource = body_type or method.response_type
        for mask in masks:
            for path in [p.strip() for p in mask.split(',') if p.strip()]:
                problem = mask_path_problem(resource, path)
                if problem:
                    self.add(exchange, method, 'invalid-update-mask', path, problem)

    # -- response -------------------------------------------------------------------------------------------

    def check_response(self, exchange, method, secrets):
        status = exchange.get('status') or 0
        body = exchange.get('responseBody')
        if not 200 <= status < 300 or body is None or not body.strip():
            return
        if method.supports_download and ('alt', 'media') in urllib.parse.parse_qsl((exchange.get('query') or '').lstrip('?')):
            return  # alt=media answers the object's own content, not a message (storage_v1_client: supports_download)
        self.check_message(exchange, method, method.response_type, body, 'response', secrets)


def unrecognized(message, prefix):
    """(path, rule, detail) for every field the message did not know, nested messages included."""
    message_type = type(message)
    for name in message.all_unrecognized_fields():
        field = google_apis.field_for_json(message_type, name)
        value, _ = message.get_unrecognized_field_info(name)
        shown = redaction.REDACTED if redaction.is_secret(name) else json.dumps(value)[:80]
        if field is None:
            yield prefix + name, 'unknown-field', 'no such field in %s' % message_type.__name__
        elif isinstance(field, messages.EnumField):
            yield (prefix + name, 'invalid-enum-value',
                   '%s is not one of %s' % (shown, ', '.join(sorted(field.type.names()))))
        else:
            yield prefix + name, 'invalid-value', '%s does not fit %s' % (shown, type(field).__name__)
    if google_apis.is_free_form(message_type):
        return
    for field in google_apis.message_fields(message):
        value = message.get_assigned_value(field.name)
        if value is None:
            continue
        name = prefix + google_apis.json_name(message_type, field.name)
        items = enumerate(value) if field.repeated else [(None, value)]
        for index, item in items:
            if isinstance(item, messages.Message):
                label = name if index is None else '%s[%d]' % (name, index)
                for finding in unrecognized(item, label + '.'):
                    yield finding


def query_value_problem(field, value):
    if isinstance(field, messages.EnumField):
        return None if value in field.type.names() else 'not one of %s' % ', '.join(sorted(field.type.names()))
    if isinstance(field, messages.BooleanField):
        # apitools (so gcloud) sends Python's 'True'/'False'; Google reads booleans case-insensitively.
        return None if value.lower() in ('true', 'false') else 'not a boolean'
    if isinstance(field, messages.IntegerField):
        try:
            int(value)
        except ValueError:
            return 'not an integer'
    return None


def mask_path_problem(resource, path):
    """None when every dotted segment of the mask path names a field (camelCase or snake_case)."""
    current = resource
    segments = path.split('.')
    for index, segment in enumerate(segments):
        if current is None:
            return 'names a field inside a scalar'
        field = google_apis.field_for_json(current, segment)
        if field is None:
            return 'no field %r in %s' % (segment, current.__name__)
        if isinstance(field, messages.MessageField):
            if google_apis.is_free_form(field.type):
                return None  # a map key or free-form JSON below here
            current = field.type
        else:
            current = None
            if index < len(segments) - 1:
                return 'names a field inside the scalar %r' % segment
    return None


def load(path):
    with open(path) as handle:
        data = json.load(handle)
    return data['exchanges'] if isinstance(data, dict) else data


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('exchanges')
    parser.add_argument('--sdk-lib', default=os.environ.get('CLOUDSDK_LIB', '/usr/lib/google-cloud-sdk/lib'))
    args = parser.parse_args(argv)
    try:
        exchanges = load(args.exchanges)
    except (IOError, ValueError, KeyError) as error:
        sys.stderr.write('cannot read %s: %s\n' % (args.exchanges, error))
        return 2
    checker = Checker(google_apis.Catalog(args.sdk_lib))
    for exchange in exchanges:
        checker.check(exchange)
    counts = {}
    for finding in checker.findings:
        counts[finding.line()] = counts.get(finding.line(), 0) + 1
    for line, count in counts.items():
        sys.stdout.write(line + (' [%d exchanges]' % count if count > 1 else '') + '\n')
    sys.stderr.write('checked %d exchanges, %d findings\n' % (checker.checked, len(checker.findings)))
    sys.stderr.write('methods: %s\n' % ', '.join('%s (%d)' % item for item in sorted(checker.methods.items())))
    for (prefix, reason), count in sorted(checker.skipped.items()):
        sys.stderr.write('skipped %d exchanges under %s (%s: not a Google API with generated definitions)\n'
                         % (count, prefix, reason))
    return 1 if checker.findings else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
