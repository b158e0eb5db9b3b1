"""Check request and response bodies against trakt's OpenAPI description (tests/contract/openapi.json).

The description is part of the repository (see tests/contract/README.md for its source and date), so the
checks always run: a missing file is a failure (AssertionError with MISSING_REASON), not a skip.

    from tests import openapi_contract as contract
    contract.validate_request('POST', '/sync/history', body)
    contract.validate_response('GET', '/sync/watched/shows', 200, body)

Both raise AssertionError naming the operation, the place in the body and what is wrong.
Concrete paths map onto templates (``/sync/watched/shows`` -> ``/sync/watched/{type}``);
a literal path in the file wins over a template.

The file is generated from Zod, whose unions take the first matching branch: its ``oneOf``
therefore means ``anyOf`` (an ``ids`` object with trakt *and* imdb matches two branches and is
valid for trakt), so the schemas are checked with ``oneOf`` read as ``anyOf``. POST
``/sync/history`` is declared with 200 while older docs say 201: a 200/201 answer is checked
against whichever of the two the file declares.
"""
import json
import re
from pathlib import Path

SPEC_PATH = Path(__file__).resolve().parent / 'contract' / 'openapi.json'
MISSING_REASON = 'trakt OpenAPI description missing: tests/contract/openapi.json is part of the repository'
SKIP_REASON = MISSING_REASON   # the older name, still used by modules that have not moved on

_cache = {}


def spec_available():
    return SPEC_PATH.is_file()


def _spec():
    if 'spec' not in _cache:
        if not spec_available():
            raise AssertionError(MISSING_REASON)
        with SPEC_PATH.open('r', encoding='utf-8') as handle:
            _cache['spec'] = json.load(handle)
    return _cache['spec']


def _templates():
    if 'templates' not in _cache:
        templates = []
        for template in _spec()['paths']:
            pattern = '^' + re.sub(r'\\\{[^}]+\\\}', '[^/]+', re.escape(template)) + '/?$'
            templates.append((template.count('{'), template, re.compile(pattern)))
        _cache['templates'] = sorted(templates)
    return _cache['templates']


def find_operation(method, path):
    """``(template, operation)`` for a concrete path such as ``/sync/watched/shows?extended=progress``."""
    path = path.split('?', 1)[0]
    method = method.lower()
    candidates = [template for _, template, pattern in _templates() if pattern.match(path)]
    for template in candidates:
        operation = _spec()['paths'][template].get(method)
        if operation is not None:
            return template, operation
    if candidates:
        raise AssertionError('{} {}: the OpenAPI file has no {} on {}'.format(
            method.upper(), path, method.upper(), ' or '.join(candidates)))
    raise AssertionError('{} {}: no path of the OpenAPI file matches'.format(method.upper(), path))


def _as_any_of(schema):
    if isinstance(schema, dict):
        return {('anyOf' if key == 'oneOf' else key): _as_any_of(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_as_any_of(value) for value in schema]
    return schema


def _json_schema(content, where):
    if not content:
        return None
    media = content.get('application/json')
    if media is None:
        raise AssertionError('{}: no application/json content declared'.format(where))
    return media.get('schema')


def _check(schema, body, where):
    from openapi_schema_validator import OAS30Validator

    if schema is None:
        return
    validator = OAS30Validator(_as_any_of(schema))
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
    if errors:
        lines = []
        for error in errors[:5]:
            place = 'body' + ''.join('[{!r}]'.format(part) for part in error.absolute_path)
            lines.append('  {}: {}'.format(place, _short(error)))
        more = '' if len(errors) <= 5 else '\n  … and {} more'.format(len(errors) - 5)
        raise AssertionError('{} does not match the OpenAPI schema:\n{}{}'.format(where, '\n'.join(lines), more))


def _short(error):
    if error.context:
        # For anyOf failures, the branch that got furthest explains the problem best.
        best = max(error.context, key=lambda sub: len(sub.absolute_path))
        return '{} (closest branch: {})'.format(error.message[:200], best.message[:200])
    return error.message[:300]


def validate_request(method, path, body):
    template, operation = find_operation(method, path)
    where = '{} {} ({}) request'.format(method.upper(), path, template)
    request_body = operation.get('requestBody')
    if request_body is None:
        if body is not None:
            raise AssertionError('{}: the OpenAPI file declares no request body'.format(where))
        return
    _check(_json_schema(request_body.get('content'), where), body, where)


def validate_response(method, path, status, body):
    template, operation = find_operation(method, path)
    where = '{} {} ({}) response {}'.format(method.upper(), path, template, status)
    declared = operation.get('responses', {})
    response = declared.get(str(status))
    if response is None and int(status) in (200, 201):
        response = declared.get('201' if int(status) == 200 else '200')
    if response is None:
        raise AssertionError('{}: status not declared (declared: {})'.format(where, ', '.join(sorted(declared))))
    _check(_json_schema(response.get('content'), where), body, where)
