"""Injected faults: the failures a client meets in the wild (doc §5), one request at a time."""
import json

from tools.trakt_emulator import responses

_SPECIAL_HEADERS = {
    423: {'X-Account-Locked': 'true', 'X-Account-Deactivated': 'false'},
    426: {'X-Upgrade-URL': 'https://trakt.tv/vip'},
}


KINDS = ('429', '420', 'timeout', 'html403', 'malformed', 'partial', 'strip_pagination', 'page_count')
COMMITS = ('never', 'before', 'after')
# The writes a ``partial`` fault can shorten, and the paged reads ``strip_pagination``/``page_count`` change:
# such a fault waits for a request it applies to instead of being spent on another one.
PARTIAL_PATHS = ('/sync/history', '/sync/collection')
PAGED_PREFIXES = ('/sync/watched/', '/sync/collection/', '/sync/history')


class Fault(object):
    def __init__(self, kind, count, method, path_prefix, retry_after=1, hold=5.0, apply=False, commit=None,
                 visible_after=5.0, drop=1, value=None):
        if kind not in KINDS and not kind.startswith('status:'):
            raise ValueError('unknown fault kind {!r}'.format(kind))
        if kind.startswith('status:'):
            int(kind[len('status:'):])  # a clear ValueError now rather than at request time
        if commit is None:
            commit = 'before' if apply else 'never'
        if commit not in COMMITS:
            raise ValueError('commit must be one of {}, not {!r}'.format(COMMITS, commit))
        if kind == 'page_count' and not isinstance(value, int):
            raise ValueError('a page_count fault needs value=<the page count to announce>')
        self.kind = kind
        self.count = count
        self.method = method.upper() if method else None
        self.path_prefix = path_prefix
        self.retry_after = retry_after
        self.hold = hold
        self.commit = commit
        self.visible_after = visible_after
        self.drop = drop
        self.value = value

    @property
    def apply(self):
        """The old name of ``commit == 'before'``."""
        return self.commit == 'before'

    def matches(self, method, path):
        if self.kind == 'partial' and (method != 'POST' or path not in PARTIAL_PATHS):
            return False
        if self.kind in ('strip_pagination', 'page_count') and (method != 'GET' or not path.startswith(PAGED_PREFIXES)):
            return False
        return ((self.method is None or self.method == method)
                and (self.path_prefix is None or path.startswith(self.path_prefix)))

    def alter(self, response):
        """The normal answer as a ``strip_pagination`` or ``page_count`` fault passes it on."""
        if response.status != 200:
            return response
        if self.kind == 'strip_pagination':
            for name in [name for name in response.headers if name.lower().startswith('x-pagination-')]:
                del response.headers[name]
        elif self.kind == 'page_count' and 'X-Pagination-Page-Count' in response.headers:
            response.headers['X-Pagination-Page-Count'] = str(self.value)
        return response

    def response(self):
        if self.kind == '429':
            headers = {}
            if self.retry_after is not None:
                headers['Retry-After'] = str(self.retry_after)
                headers['X-Ratelimit'] = json.dumps({'name': 'AUTHED_API_GET_LIMIT', 'period': 300, 'limit': 500,
                                                     'remaining': 0, 'until': None})
            return responses.json_response(429, {'error': 'rate limit exceeded'}, headers)
        if self.kind == '420':
            return responses.empty(420)
        if self.kind == 'html403':
            return responses.html(403, responses.CLOUDFLARE_BLOCKED)
        if self.kind == 'malformed':
            return responses.Response(200, b'[{"plays": 3, "movie": {"title": "Trunc',
                                      {'Content-Type': 'application/json; charset=utf-8'})
        status = int(self.kind[len('status:'):])
        if 520 <= status <= 530:
            return responses.html(status, responses.CLOUDFLARE_ERROR.format(status=status))
        return responses.json_response(status, {'error': 'injected status {}'.format(status)},
                                       _SPECIAL_HEADERS.get(status))


class Faults(object):
    def __init__(self):
        self.pending = []

    def add(self, kind, count=1, method=None, path_prefix=None, **options):
        self.pending.append(Fault(kind, count, method, path_prefix, **options))

    def clear(self):
        del self.pending[:]

    def take(self, method, path):
        for fault in self.pending:
            if fault.count > 0 and fault.matches(method, path):
                fault.count -= 1
                if fault.count == 0:
                    self.pending.remove(fault)
                return fault
        return None
