"""HTTP answers of the emulator: JSON, empty, Cloudflare-style HTML, and pagination."""
import json
import math

CLOUDFLARE_BLOCKED = (
    '<!DOCTYPE html>\n<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>\n'
    '<body><div id="cf-wrapper"><h1 data-translate="block_headline">Sorry, you have been blocked</h1>\n'
    '<h2 class="cf-subheadline">You are unable to access api.trakt.tv</h2>\n'
    '<p>This website is using a security service to protect itself from online attacks.</p>\n'
    '<span class="cf-footer-item">Cloudflare Ray ID: 8f00000000000000</span></div></body></html>\n')

CLOUDFLARE_ERROR = (
    '<!DOCTYPE html>\n<html><head><title>api.trakt.tv | {status}: Web server is returning an unknown error</title>'
    '</head>\n<body><h1>Web server is returning an unknown error <span class="code-label">Error code {status}</span>'
    '</h1><p>Cloudflare</p></body></html>\n')


class Response(object):
    def __init__(self, status, body=b'', headers=None, data=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.data = data  # the parsed JSON, for the request log
        self.no_answer = False  # True: the client gets no answer at all (an injected timeout)
        self.hold = 0.0  # with no_answer: how long the HTTP server keeps the connection silent


def no_answer(hold):
    """No answer at all: the HTTP server holds the connection ``hold`` seconds and closes it."""
    response = Response(None)
    response.no_answer = True
    response.hold = hold
    return response


def json_response(status, data, headers=None):
    all_headers = {'Content-Type': 'application/json; charset=utf-8'}
    all_headers.update(headers or {})
    return Response(status, json.dumps(data).encode('utf-8'), all_headers, data)


def empty(status, headers=None):
    return Response(status, b'', headers)


def html(status, text):
    return Response(status, text.encode('utf-8'), {'Content-Type': 'text/html; charset=UTF-8', 'Server': 'cloudflare'})


def error(status, message):
    return json_response(status, {'error': message})


class BadQuery(ValueError):
    pass


def _int_param(query, name, default):
    raw = query.get(name)
    if raw in (None, ''):
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadQuery('query parameter {} must be an integer, not {!r}'.format(name, raw)) from None


def paginate(items, query, default_limit, cap):
    """One page of ``items`` and its ``X-Pagination-*`` headers; a too large limit is clamped, not rejected."""
    limit = min(max(_int_param(query, 'limit', default_limit), 1), cap)
    page = max(_int_param(query, 'page', 1), 1)
    page_count = max(int(math.ceil(len(items) / float(limit))), 1)
    headers = {'X-Pagination-Page': str(page), 'X-Pagination-Limit': str(limit),
               'X-Pagination-Page-Count': str(page_count), 'X-Pagination-Item-Count': str(len(items))}
    return items[(page - 1) * limit:page * limit], headers
