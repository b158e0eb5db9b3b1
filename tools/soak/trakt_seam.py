"""The soak's seam to trakt: the project's emulator, one per trakt account, reached without a socket.

``TraktWorld`` keeps one ``tools.trakt_emulator.Emulator`` per account (never started: requests are handed to its
request pipeline in-process by a ``requests`` transport adapter), routes by host (``https://<account>.trakt``), and
adds the faults the emulator on main does not have yet, at the HTTP layer where they happen in the wild:

* ``timeout_after``: a history POST that trakt commits but whose answer is lost; the plays become visible
  ``visible_after`` virtual seconds later (trakt's queue), the client sees a read timeout at once;
* ``partial``: a history POST that trakt answers for, but with ``drop`` fewer plays taken than were sent;
* ``strip_pagination``: a proxy that drops the ``X-Pagination-*`` headers of every answer;
* ``page_count``: a proxy that says there are 10**9 pages.

The emulator's own faults (``status:5xx``, ``429``, ``timeout`` with ``apply``) are injected with ``inject``;
``timeout`` always with ``hold=0`` so nothing waits for real.

When ``tools.trakt_emulator.inprocess`` lands on main this module can hand its sessions out instead; the soak only
uses ``TraktWorld``'s methods.
"""
import io
import json
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from tools.trakt_emulator import Emulator, sync_writes

CLIENT_ID = 'soak-client-id'
CLIENT_SECRET = 'soak-client-secret-0123456789'


class _Handler(object):
    """Just enough of BaseHTTPRequestHandler for ``Emulator._serve``."""

    def __init__(self, method, path, headers, body):
        self.command = method
        self.path = path
        self.headers = headers
        self.rfile = io.BytesIO(body)
        self.wfile = io.BytesIO()
        self.status = None
        self.response_headers = CaseInsensitiveDict()
        self.close_connection = False

    def send_response(self, status, message=None):
        self.status = status

    def send_header(self, name, value):
        self.response_headers[name] = value

    def end_headers(self):
        pass


class _Adapter(BaseAdapter):
    def __init__(self, world):
        super(_Adapter, self).__init__()
        self.world = world

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        return self.world.handle(request)

    def close(self):
        pass


class TraktWorld(object):
    def __init__(self, catalog, clock, accounts=('alice', 'bob')):
        self.catalog = catalog
        self.clock = clock
        self.emulators = {}
        for name in accounts:
            account = {'username': name}
            self.emulators[name] = Emulator(catalog=catalog, account=account, post_interval=0,
                                            client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        self.seam_faults = []
        self.deferred = []         # (due, account, method, path, query, headers, body)
        self.strip_pagination = False
        self.absurd_page_count = False
        self.requests = 0

    def url(self, account):
        return 'https://{}.trakt'.format(account)

    def session(self):
        session = requests.Session()
        adapter = _Adapter(self)
        session.mount('https://', adapter)
        session.mount('https://', adapter)
        return session

    # -- faults --------------------------------------------------------------------------------------------------
    def inject(self, account, kind, **options):
        if kind in ('timeout_after', 'partial'):
            self.seam_faults.append(dict(options, kind=kind, account=account))
            return
        if kind == 'timeout':
            options['hold'] = 0.0
        self.emulators[account].inject(kind, **options)

    def clear_faults(self):
        self.seam_faults = []
        self.strip_pagination = False
        self.absurd_page_count = False
        for emu in self.emulators.values():
            emu.clear_faults()

    def pending_commits(self):
        return len(self.deferred)

    def flush_due(self):
        """Commit the deferred writes whose time has come."""
        now = self.clock.wall()
        due = [d for d in self.deferred if d[0] <= now]
        self.deferred = [d for d in self.deferred if d[0] > now]
        for _due, account, method, path, query, headers, body in due:
            self.emulators[account]._dispatch(method, path, query, headers, body)

    # -- the request path ----------------------------------------------------------------------------------------
    def handle(self, request):
        self.flush_due()
        self.requests += 1
        parts = urlsplit(request.url)
        account = parts.hostname.split('.')[0]
        emu = self.emulators[account]
        body = request.body or b''
        if isinstance(body, str):
            body = body.encode('utf-8')
        path = parts.path.rstrip('/') or '/'
        headers = CaseInsensitiveDict(request.headers)
        fault = self._seam_fault(account, request.method, path)
        if fault is not None and fault['kind'] == 'timeout_after':
            from urllib.parse import parse_qsl
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            due = self.clock.wall() + float(fault.get('visible_after', 5))
            self.deferred.append((due, account, request.method, path, query, headers, body))
            raise requests.exceptions.ReadTimeout('soak: trakt took the write, the answer was lost')
        if fault is not None and fault['kind'] == 'partial':
            body = _drop_plays(body, int(fault.get('drop', 1)))
            headers['Content-Length'] = str(len(body))
        target = parts.path + ('?' + parts.query if parts.query else '')
        handler = _Handler(request.method, target, headers, body)
        emu._serve(handler)
        if handler.status is None:   # the emulator's timeout fault: the connection closed without an answer
            raise requests.exceptions.ReadTimeout('soak: no answer from trakt')
        response = requests.Response()
        response.status_code = handler.status
        response.headers = handler.response_headers
        if self.strip_pagination or self.absurd_page_count:
            for name in list(response.headers):
                if name.lower().startswith('x-pagination-'):
                    del response.headers[name]
            if self.absurd_page_count and request.method == 'GET' and 'page=' in (parts.query or ''):
                response.headers['X-Pagination-Page-Count'] = str(10 ** 9)
        response._content = handler.wfile.getvalue()
        if path == '/users/settings' and handler.status == 200:
            response._content = _own_uuid(response._content, account)
        response.url = request.url
        response.request = request
        response.encoding = 'utf-8'
        response.reason = ''
        return response

    def _seam_fault(self, account, method, path):
        for fault in self.seam_faults:
            if fault['account'] == account and method == 'POST' and path == '/sync/history':
                fault['count'] = fault.get('count', 1) - 1
                if fault['count'] <= 0:
                    self.seam_faults.remove(fault)
                return fault
        return None

    # -- what the user does on trakt.tv ----------------------------------------------------------------------------
    def add_play(self, account, kind, trakt_id, when):
        return self.emulators[account].add_play(kind, trakt_id, when)

    def remove_plays(self, account, kind, trakt_id):
        """The user removes every play of an item on trakt.tv (history, "remove from history")."""
        emu = self.emulators[account]
        body = {'movies' if kind == 'movie' else 'episodes': [{'ids': {'trakt': trakt_id}}]}
        with emu._lock:
            sync_writes.history_remove(emu._account, body)

    def issue_token(self, account):
        return self.emulators[account].issue_token()

    def play_counts(self, account):
        """``{(kind, trakt_id): plays}``."""
        counts = {}
        for play in self.emulators[account].plays():
            key = (play['type'], play['trakt_id'])
            counts[key] = counts.get(key, 0) + 1
        return counts

    def collected(self, account):
        return set((c['type'], c['trakt_id']) for c in self.emulators[account].collection())


def _own_uuid(raw, account):
    """The emulator on main gives every account the same uuid; real accounts have their own."""
    body = json.loads(raw.decode('utf-8'))
    ids = body['user']['ids']
    ids['uuid'] = 'soak-uuid-' + account
    ids['slug'] = account
    return json.dumps(body).encode('utf-8')


def _drop_plays(raw, drop):
    """The body with its last ``drop`` plays taken out (trakt answering for fewer than it was sent)."""
    try:
        body = json.loads(raw.decode('utf-8'))
    except ValueError:
        return raw
    for _ in range(drop):
        if body.get('movies'):
            body['movies'].pop()
            continue
        for show in reversed(body.get('shows') or []):
            seasons = show.get('seasons') or []
            while seasons and not seasons[-1].get('episodes'):
                seasons.pop()
            if seasons:
                seasons[-1]['episodes'].pop()
                break
    return json.dumps(body).encode('utf-8')
