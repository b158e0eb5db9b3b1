"""The emulator: a ThreadingHTTPServer on 127.0.0.1 answering like api.trakt.tv and auth.trakt.tv.

Request pipeline, in the order the real service layers act: latency, injected faults, the
Cloudflare WAF (User-Agent), 412 for non-JSON bodies, routing, api key / version / bearer
token, the 1-POST-per-second limit, then the endpoint itself. One lock guards all state.
"""
import copy
import json
import math
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from tools import catalog as catalog_module
from tools.trakt_emulator import playback, responses, state_file, sync_writes, timeutil
from tools.trakt_emulator.account import Account, empty_account
from tools.trakt_emulator.auth import TOKEN_LIFETIME, Auth
from tools.trakt_emulator.catalog_index import SEARCH_TYPES, CatalogIndex
from tools.trakt_emulator.faults import Faults
from tools.trakt_emulator.settings import default_limits, user_settings

_GENERIC_AGENTS = ('python-requests/', 'python-urllib/', 'python-httpx/', 'aiohttp/', 'go-http-client/', 'java/',
                   'okhttp/', 'libwww-perl/')

_ROUTES = [
    # (method, pattern, handler name, needs api headers + token)
    ('POST', r'/oauth/device/code', 'device_code', False),
    ('POST', r'/oauth/device/token', 'device_token', False),
    ('POST', r'/oauth/token', 'token', False),
    ('POST', r'/oauth/revoke', 'revoke', False),
    ('GET', r'/users/settings', 'settings', True),
    ('GET', r'/sync/last_activities', 'last_activities', True),
    ('GET', r'/sync/watched/(?P<type>movies|shows)', 'watched', True),
    ('GET', r'/sync/collection/(?P<type>movies|shows)', 'collection', True),
    ('GET', r'/sync/history(?:/(?P<type>movies|shows|episodes)(?:/(?P<id>\d+))?)?', 'history', True),
    ('POST', r'/sync/history', 'history_add', True),
    ('POST', r'/sync/history/remove', 'history_remove', True),
    ('POST', r'/sync/collection', 'collection_add', True),
    ('POST', r'/sync/collection/remove', 'collection_remove', True),
    ('POST', r'/scrobble/(?P<verb>start|pause|stop)', 'scrobble', True),
    ('GET', r'/sync/playback(?:/(?P<type>movies|episodes))?', 'playback', True),
    ('DELETE', r'/sync/playback/(?P<id>\d+)', 'playback_delete', True),
    ('GET', r'/sync/ratings(?:/(?P<type>movies|shows|episodes|all)(?:/(?P<rating>\d+))?)?', 'ratings', True),
    ('POST', r'/sync/ratings', 'ratings_add', True),
    ('POST', r'/sync/ratings/remove', 'ratings_remove', True),
    ('GET', r'/search/(?P<id_type>trakt|imdb|tmdb|tvdb)/(?P<id>[^/?]+)', 'search_id', True),
]
_COMPILED = [(method, re.compile(pattern + r'/?$'), name, authed) for method, pattern, name, authed in _ROUTES]


def _window_bound(query, name):
    """``(first moment, first moment after)`` that ``start_at``/``end_at`` name: a date is its whole UTC day, a
    date with a time that minute (trakt keeps minutes). None when absent; a 400 when unreadable."""
    value = query.get(name)
    if value in (None, ''):
        return None
    try:
        moment = timeutil.parse(value)
    except timeutil.BadTimestamp:
        raise sync_writes.BadRequest(400, '{} must be a date (YYYY-MM-DD) or an ISO-8601 time'.format(name)) \
            from None
    if 'T' in value or ' ' in value.strip():
        moment = moment.replace(second=0, microsecond=0)
        return moment, moment + timedelta(minutes=1)
    return moment, moment + timedelta(days=1)


def _advertised_interval(seconds):
    # trakt sends an integer; a test's sub-second interval is rounded up, so a client that honours
    # the advertised value is never told to slow down, while the emulator enforces the shorter one.
    return int(math.ceil(seconds))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    emulator = None  # set on a per-emulator subclass

    def do_GET(self):
        self.emulator._serve(self)

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, *args):
        pass


class _Call(object):
    """An authorised request that passed every check, waiting for its endpoint to run."""

    def __init__(self, name, account, query, body, params):
        self.name = name
        self.account = account
        self.query = query
        self.body = body
        self.params = params


class RequestHeaders(object):
    """A request's headers: the names as sent (for the request log), looked up without regard to case."""

    def __init__(self, headers=None):
        if headers is None:
            headers = ()
        items = headers.items() if hasattr(headers, 'items') else headers
        self._items = [(str(name), str(value)) for name, value in items]
        self._by_name = {}
        for name, value in self._items:
            self._by_name.setdefault(name.lower(), value)

    def get(self, name, default=None):
        return self._by_name.get(name.lower(), default)

    def items(self):
        return list(self._items)


class Emulator(object):
    def __init__(self, catalog=None, account=None, state_path=None, port=0, latency=0.0, post_interval=1.0,
                 client_id='test-client-id', client_secret='test-client-secret', page_limit_cap=None,
                 device_interval=5, device_expires_in=600, progress_limit_cap=None, limits=None, clock=time.time):
        self.clock = clock  # epoch seconds; every "now" of the emulator comes from here
        self.state_path = state_path
        other_accounts = []
        if state_path is not None and catalog is None and account is None:
            try:
                state = state_file.load(state_path)
                catalog, account = state['catalog'], state.get('account')
                other_accounts = state.get('other_accounts') or []
            except FileNotFoundError:
                pass
        self.catalog = catalog if catalog is not None else catalog_module.make_catalog()
        self._index = CatalogIndex(self.catalog)
        account_data = empty_account(clock=clock)
        account_data.update(account or {})
        account_data['limits'] = limits if limits is not None else account_data.get('limits') or default_limits()
        self._account = Account(account_data, self._index, clock)
        self._accounts = {account_data['username']: self._account}  # username -> Account; the default one first
        for data in other_accounts:
            self._accounts[data['username']] = Account(data, self._index, clock)
        self._auth = Auth({name: each.data for name, each in self._accounts.items()}, account_data['username'],
                          client_id, client_secret, device_interval, device_expires_in, clock)
        self.client_id = client_id
        self.client_secret = client_secret
        self.port = port
        self.latency = latency
        self.post_interval = post_interval
        self.page_limit_cap = page_limit_cap
        self.progress_limit_cap = progress_limit_cap
        self.scrobble_window = playback.SCROBBLE_WINDOW_SECONDS   # how long trakt answers 409 to a second stop
        self.requests = []
        self._faults = Faults()
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._last_post = {}  # username -> when its last authed POST was let through
        self._deferred = []  # [(visible_at, call)]: writes committed after their timeout, not visible yet
        self._server = None
        self._thread = None
        self.url = None
        if state_path is not None:
            self._save()

    # -- life cycle --------------------------------------------------------------------------
    def start(self):
        handler = type('EmulatorHandler', (_Handler,), {'emulator': self})
        self._stopping.clear()
        self._server = ThreadingHTTPServer(('127.0.0.1', self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = 'http://127.0.0.1:{}'.format(self.port)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.05},
                                        name='trakt-emulator', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def wait_until_stopped(self, poll=0.5):
        """Block until :meth:`request_stop` (e.g. from a signal handler), then stop."""
        try:
            while not self._stopping.wait(poll):
                pass
        finally:
            self.stop()

    def request_stop(self):
        self._stopping.set()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # -- tokens and device flow --------------------------------------------------------------
    @property
    def auto_approve(self):
        return self._auth.auto_approve

    @auto_approve.setter
    def auto_approve(self, value):
        self._auth.auto_approve = bool(value)

    @property
    def device_user(self):
        """The account an auto-approved device code signs in as (default: the default account)."""
        return self._auth.device_user

    @device_user.setter
    def device_user(self, username):
        with self._lock:
            self._account_for(username)
            self._auth.device_user = username

    def issue_token(self, expires_in=TOKEN_LIFETIME, created_at=None, username=None):
        """A token pair of ``username``'s account (None: the default account)."""
        with self._lock:
            token = self._auth.issue_token(expires_in, created_at, self._account_for(username).data['username'])
            self._save()
            return token

    def approve(self, user_code, username=None):
        """The user signs in to ``username``'s account (None: the default account) and approves the code."""
        with self._lock:
            self._auth.by_user_code(user_code).approve(self._account_for(username).data['username'])

    def deny(self, user_code):
        with self._lock:
            self._auth.by_user_code(user_code).state = 'denied'

    def expire_device_code(self, user_code):
        with self._lock:
            self._auth.by_user_code(user_code).expires_at = self.clock() - 1

    def revoke_all_tokens(self):
        with self._lock:
            self._auth.revoke_all()
            self._save()

    def device_codes(self):
        """``[(device_code, user_code, state)]`` of the codes handed out so far."""
        with self._lock:
            return [(code.device_code, code.user_code, code.state) for code in self._auth.codes.values()]

    # -- faults and the request log ------------------------------------------------------------
    def inject(self, kind, count=1, method=None, path_prefix=None, retry_after=1, hold=5.0, apply=False, **options):
        """The next ``count`` requests matching ``method``/``path_prefix`` meet fault ``kind``.

        Options: ``retry_after`` (429), ``hold`` (timeout, over HTTP), ``commit`` (timeout: 'never', 'before' or
        'after'; ``apply=True`` is 'before'), ``visible_after`` (commit='after', seconds, default 5), ``drop``
        (partial, default 1), ``value`` (page_count). See the package docstring for every kind.
        """
        with self._lock:
            self._faults.add(kind, count, method, path_prefix, retry_after=retry_after, hold=hold, apply=apply,
                             **options)

    def clear_faults(self):
        with self._lock:
            self._faults.clear()

    def pending_commits(self):
        """How many writes answered by a ``timeout`` fault with ``commit='after'`` are not visible yet."""
        with self._lock:
            self._settle()
            return len(self._deferred)

    def clear_requests(self):
        with self._lock:
            del self.requests[:]

    # -- accounts, for seeding and checking ---------------------------------------------------
    # ``username=None`` always means the default account (the one a state file or ``account=`` gives).
    @property
    def username(self):
        """The default account's username."""
        return self._account.data['username']

    def usernames(self):
        with self._lock:
            return list(self._accounts)

    def add_account(self, username, limits=None):
        """Another empty account, signed in to through ``issue_token(username=...)`` or the device flow."""
        with self._lock:
            if username in self._accounts:
                raise ValueError('there is already an account {!r}'.format(username))
            data = empty_account(username, clock=self.clock)
            data['limits'] = limits if limits is not None else default_limits()
            data['user_id'] = max(each.data.get('user_id', 1) for each in self._accounts.values()) + 1
            self._accounts[username] = Account(data, self._index, self.clock)
            self._auth.accounts[username] = data
            self._save()
            return username

    @property
    def limits(self):
        """The default account's limits (what ``/users/settings`` answers and the writes enforce)."""
        return self._account.data['limits']

    @limits.setter
    def limits(self, value):
        self.set_limits(value)

    def account_limits(self, username=None):
        with self._lock:
            return self._account_for(username).data['limits']

    def set_limits(self, limits, username=None):
        with self._lock:
            self._account_for(username).data['limits'] = limits
            self._save()

    def add_play(self, kind, trakt_id, watched_at, username=None):
        with self._lock:
            play_id = self._account_for(username).add_play(kind, trakt_id, watched_at)
            self._save()
            return play_id

    def remove_history(self, kind, trakt_id, username=None):
        """The user removes every play of an item on trakt.tv ("remove from history")."""
        body = {'movies' if kind == 'movie' else 'episodes': [{'ids': {'trakt': trakt_id}}]}
        with self._lock:
            sync_writes.history_remove(self._account_for(username), body)
            self._save()

    def plays(self, kind=None, username=None):
        with self._lock:
            return self._account_for(username).plays(kind)

    def play_count(self, kind, trakt_id, username=None):
        with self._lock:
            return self._account_for(username).play_count(kind, trakt_id)

    def collect(self, kind, trakt_id, collected_at, metadata=None, username=None):
        with self._lock:
            outcome = self._account_for(username).collect(kind, trakt_id, collected_at, metadata)
            self._save()
            return outcome

    def collection(self, kind=None, username=None):
        with self._lock:
            return self._account_for(username).collection(kind)

    def set_reset_at(self, show_trakt_id, when, username=None):
        with self._lock:
            self._account_for(username).set_reset_at(show_trakt_id, when)
            self._save()

    def rate(self, kind, trakt_id, rating, rated_at=None, username=None):
        """The user rates an item on trakt (``rating`` 1-10; ``rated_at`` a trakt timestamp, default now)."""
        with self._lock:
            account = self._account_for(username)
            section = {'movie': 'movies', 'show': 'shows', 'episode': 'episodes'}[kind]
            item = {'ids': {'trakt': trakt_id}, 'rating': rating}
            if rated_at:
                item['rated_at'] = rated_at
            playback.add_ratings(account, {section: [item]})
            self._save()

    def ratings(self, kind=None, username=None):
        """``[{'type', 'trakt_id', 'rating', 'rated_at'}]`` of the account's ratings."""
        with self._lock:
            ratings = self._account_for(username).data.get('ratings', {})
            return [dict(entry) for entry in ratings.values() if kind in (None, entry['type'])]

    def pause(self, kind, trakt_id, progress, username=None):
        """Another app saves a resume point on trakt (a phone, another Kodi): ``/scrobble/pause``'s rule."""
        with self._lock:
            account = self._account_for(username)
            body = {'progress': progress}
            if kind == 'movie':
                body['movie'] = {'ids': {'trakt': trakt_id}}
            else:
                body['episode'] = {'ids': {'trakt': trakt_id}}
            status, _answer = playback.scrobble(account, 'pause', body)
            self._save()
            return status

    def playback(self, kind=None, username=None):
        """``[{'id', 'type', 'trakt_id', 'progress', 'paused_at'}]``: the account's saved resume points."""
        with self._lock:
            entries = self._account_for(username).data.get('playback', [])
            return [dict(entry) for entry in entries if kind in (None, entry['type'])]

    def last_activities(self, username=None):
        with self._lock:
            return self._account_for(username).last_activities()

    @property
    def account(self):
        """A deep copy of the default account's dict (what the state file holds)."""
        return self.account_data()

    def account_data(self, username=None):
        """A deep copy of one account's dict."""
        with self._lock:
            return copy.deepcopy(self._account_for(username).data)

    def _account_for(self, username):
        self._settle()
        if username is None:
            return self._account
        try:
            return self._accounts[username]
        except KeyError:
            raise KeyError('no account {!r} (add_account makes one)'.format(username)) from None

    def _save(self):
        if self.state_path is not None:
            others = [each.data for each in self._accounts.values() if each is not self._account]
            state_file.save(self.state_path, self.catalog, self._account.data, others)

    # -- the request pipeline, shared by HTTP and in-process use ----------------------------------
    def handle(self, method, path_and_query, headers=None, body_bytes=b''):
        """One request through the whole pipeline; the :class:`responses.Response` trakt would give.

        ``headers`` is a mapping (or ``(name, value)`` pairs) looked up without regard to case; ``body_bytes``
        the raw body. An injected timeout answers ``Response.no_answer`` true (its ``hold`` says how long the HTTP
        server keeps the connection silent); nothing is sent back for it.
        """
        started = self.clock()
        method = method.upper()
        parts = urlsplit(path_and_query)
        path = parts.path.rstrip('/') or '/'
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers = RequestHeaders(headers)
        raw_body = body_bytes.encode('utf-8') if isinstance(body_bytes, str) else bytes(body_bytes or b'')
        if self.latency:
            self._stopping.wait(self.latency)
        with self._lock:
            self._settle()
            fault = self._faults.take(method, path)
        response = self._answer(fault, method, path, query, headers, raw_body, started)
        self._log(method, path, query, headers, raw_body, response, started, fault)
        return response

    def _answer(self, fault, method, path, query, headers, raw_body, started):
        if fault is None:
            return self._dispatch(method, path, query, headers, raw_body)
        if fault.kind == 'timeout':
            if method == 'POST' and fault.commit != 'never':
                call = self._prepare(method, path, query, headers, raw_body)
                if isinstance(call, _Call):
                    if fault.commit == 'before':
                        self._run(call)
                    else:
                        with self._lock:
                            self._deferred.append((started + fault.visible_after, call))
            return responses.no_answer(fault.hold)
        if fault.kind == 'partial':
            return self._dispatch(method, path, query, headers, raw_body, drop=fault.drop)
        if fault.kind == 'refuse':
            if fault.value in raw_body.decode('utf-8', 'replace'):
                return responses.error(422, fault.reason)
            return self._dispatch(method, path, query, headers, raw_body)
        if fault.kind in ('strip_pagination', 'page_count'):
            return fault.alter(self._dispatch(method, path, query, headers, raw_body))
        return fault.response()

    def _settle(self):
        """Apply the deferred writes whose time has come (the lock is held)."""
        if not self._deferred:
            return
        now = self.clock()
        due = [call for visible_at, call in self._deferred if visible_at <= now]
        self._deferred = [(visible_at, call) for visible_at, call in self._deferred if visible_at > now]
        for call in due:
            self._run(call)

    def _serve(self, handler):
        length = int(handler.headers.get('Content-Length') or 0)
        raw_body = handler.rfile.read(length) if length else b''
        response = self.handle(handler.command, handler.path, handler.headers, raw_body)
        if response.no_answer:
            self._stopping.wait(response.hold)
            handler.close_connection = True
            return
        try:
            handler.send_response(response.status)
            for name, value in response.headers.items():
                handler.send_header(name, value)
            handler.send_header('Content-Length', str(len(response.body)))
            handler.end_headers()
            handler.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

    def _log(self, method, path, query, headers, raw_body, response, started, fault=None):
        logged_headers = dict(headers.items())
        for name in list(logged_headers):
            if name.lower() == 'authorization':
                logged_headers[name] = True
        body = None
        if raw_body:
            try:
                body = json.loads(raw_body.decode('utf-8'))
            except ValueError:
                body = None
        answered = not response.no_answer
        record = {'method': method, 'path': path, 'query': query, 'headers': logged_headers, 'body': body,
                  'status': response.status if answered else None,
                  'response': response.data if answered else None,
                  'response_headers': dict(response.headers) if answered else {},
                  'time': started, 'fault': fault.kind if fault is not None else None}
        with self._lock:
            self.requests.append(record)

    def _dispatch(self, method, path, query, headers, raw_body, **options):
        call = self._prepare(method, path, query, headers, raw_body)
        return self._run(call, **options) if isinstance(call, _Call) else call

    def _prepare(self, method, path, query, headers, raw_body):
        """Everything before the endpoint itself: a :class:`_Call` to run, or the Response that ends the request."""
        agent = (headers.get('User-Agent') or '').strip()
        if not agent or agent.lower().startswith(_GENERIC_AGENTS):
            return responses.html(403, responses.CLOUDFLARE_BLOCKED)
        if raw_body and (headers.get('Content-Type') or '').split(';')[0].strip().lower() != 'application/json':
            return responses.error(412, 'send Content-Type: application/json')
        route, params, allowed = None, {}, False
        for route_method, pattern, name, authed in _COMPILED:
            match = pattern.match(path)
            if match:
                allowed = True
                if route_method == method:
                    route, params = (name, authed), {k: v for k, v in match.groupdict().items() if v is not None}
                    break
        if route is None:
            return responses.error(405 if allowed else 404, 'no such method' if allowed else 'not found')
        name, authed = route
        if authed:
            if headers.get('trakt-api-key') != self.client_id:
                return responses.empty(403)
            if headers.get('trakt-api-version') != '2':
                return responses.error(400, 'send the header trakt-api-version: 2')
            authorization = headers.get('Authorization') or ''
            with self._lock:
                username = None
                if authorization.startswith('Bearer '):
                    username = self._auth.user_of(authorization[len('Bearer '):].strip())
                account = self._accounts.get(username)
            if account is None:
                return responses.empty(401, {'WWW-Authenticate': 'Bearer realm="trakt", error="invalid_token"'})
            if method == 'POST':
                limited = self._post_rate_limit(username)
                if limited is not None:
                    return limited
        else:
            account = None
        body = None
        if raw_body:
            try:
                body = json.loads(raw_body.decode('utf-8'))
            except ValueError as error:
                return responses.error(400, 'the body is not JSON: {}'.format(error))
        return _Call(name, account, query, body, params)

    def _run(self, call, **options):
        with self._lock:
            try:
                return getattr(self, '_api_' + call.name)(call.account, call.query, call.body, call.params, **options)
            except sync_writes.BadRequest as error:
                return responses.error(error.status, error.message)
            except sync_writes.AccountLimit:
                return responses.empty(420)
            except responses.BadQuery as error:
                return responses.error(400, str(error))

    def _post_rate_limit(self, username):
        with self._lock:
            now = self.clock()
            last = self._last_post.get(username)
            if last is not None and now - last < self.post_interval:
                wait = self.post_interval - (now - last)
                retry_after = max(1, int(wait + 0.999))
                until = timeutil.from_epoch(now + retry_after)
                rate = {'name': 'AUTHED_API_POST_LIMIT', 'period': 1, 'limit': 1, 'remaining': 0, 'until': until}
                return responses.json_response(
                    429, {'error': 'rate limit exceeded, retry after {} s'.format(retry_after)},
                    {'Retry-After': str(retry_after), 'X-Ratelimit': json.dumps(rate)})
            self._last_post[username] = now
            return None

    # -- endpoints (called with the lock held) ---------------------------------------------------
    def _api_device_code(self, account, query, body, params):
        if not isinstance(body, dict) or body.get('client_id') != self.client_id:
            return responses.error(401, 'invalid client_id')
        code = self._auth.new_device_code()
        return responses.json_response(200, {
            'device_code': code.device_code, 'user_code': code.user_code,
            'verification_url': 'https://trakt.tv/activate', 'expires_in': int(self._auth.device_expires_in),
            'interval': _advertised_interval(self._auth.device_interval)})

    def _api_device_token(self, account, query, body, params):
        if not isinstance(body, dict) or not body.get('code'):
            return responses.error(400, 'send code, client_id and client_secret')
        if not self._auth.client_matches(body):
            return responses.json_response(401, {'error': 'invalid_client',
                                                 'error_description': 'unknown client or wrong secret'})
        status, data = self._auth.poll(body['code'])
        if status == 200:
            self._save()
        return responses.json_response(status, data)

    def _api_token(self, account, query, body, params):
        if not isinstance(body, dict):
            return responses.error(400, 'the body must be a JSON object')
        if not self._auth.client_matches(body):
            return responses.json_response(401, {'error': 'invalid_client',
                                                 'error_description': 'unknown client or wrong secret'})
        if body.get('grant_type') != 'refresh_token':
            return responses.json_response(400, {'error': 'unsupported_grant_type',
                                                 'error_description': 'only refresh_token is emulated'})
        token = self._auth.refresh(body.get('refresh_token'))
        if token is None:
            return responses.json_response(400, {'error': 'invalid_grant', 'error_description':
                                                 'The provided authorization grant is invalid, expired, revoked, '
                                                 'or was issued to another client.'})
        self._save()
        return responses.json_response(200, token)

    def _api_revoke(self, account, query, body, params):
        if not isinstance(body, dict) or not self._auth.client_matches(body):
            return responses.json_response(401, {'error': 'invalid_client',
                                                 'error_description': 'unknown client or wrong secret'})
        if self._auth.revoke(body.get('token')):
            self._save()
        return responses.json_response(200, {})

    def _api_settings(self, account, query, body, params):
        data = account.data
        return responses.json_response(200, user_settings(data['username'], data['created_at'], data['limits'],
                                                          data.get('user_id', 1)))

    def _api_last_activities(self, account, query, body, params):
        return responses.json_response(200, account.last_activities())

    def _extended(self, query):
        return set(part.strip() for part in query.get('extended', '').split(',') if part.strip())

    def _cap(self, normal):
        return normal if self.page_limit_cap is None else min(normal, self.page_limit_cap)

    def _api_watched(self, account, query, body, params):
        progress = 'progress' in self._extended(query)
        if params['type'] == 'movies':
            items = account.watched_movies()
        else:
            items = account.watched_shows(progress)
        cap = self._cap(250)
        if progress:
            cap = min(cap, 100 if self.progress_limit_cap is None else self.progress_limit_cap)
        page, headers = responses.paginate(items, query, min(100, cap), cap)
        return responses.json_response(200, page, headers)

    def _api_collection(self, account, query, body, params):
        metadata = 'metadata' in self._extended(query)
        if params['type'] == 'movies':
            items = account.collection_movies(metadata)
        else:
            items = account.collection_shows(metadata)
        cap = self._cap(250)
        page, headers = responses.paginate(items, query, min(100, cap), cap)
        return responses.json_response(200, page, headers)

    def _api_history(self, account, query, body, params):
        trakt_id = int(params['id']) if 'id' in params else None
        items = account.history(params.get('type'), trakt_id)
        window = [_window_bound(query, name) for name in ('start_at', 'end_at')]
        if window != [None, None]:
            start, end = window
            items = [item for item in items
                     if (start is None or timeutil.parse(item['watched_at']) >= start[0])
                     and (end is None or timeutil.parse(item['watched_at']) < end[1])]
        cap = self._cap(100)
        page, headers = responses.paginate(items, query, min(10, cap), cap)
        return responses.json_response(200, page, headers)

    def _write(self, account, operation, status, *args):
        result = operation(account, *args)
        self._save()
        return responses.json_response(status, result)

    def _require_body(self, body):
        if not isinstance(body, dict):
            raise sync_writes.BadRequest(400, 'the body must be a JSON object')
        return body

    def _api_history_add(self, account, query, body, params, drop=0):
        return self._write(account, sync_writes.history_add, 201, self._require_body(body), account.data['limits'],
                           drop)

    def _api_history_remove(self, account, query, body, params):
        return self._write(account, sync_writes.history_remove, 200, self._require_body(body))

    def _api_collection_add(self, account, query, body, params, drop=0):
        return self._write(account, sync_writes.collection_add, 201, self._require_body(body),
                           account.data['limits'], drop)

    def _api_collection_remove(self, account, query, body, params):
        return self._write(account, sync_writes.collection_remove, 200, self._require_body(body))

    # -- scrobbles, resume points, ratings (tools/trakt_emulator/playback.py) --------------------------------------
    def _api_scrobble(self, account, query, body, params):
        status, answer = playback.scrobble(account, params['verb'], body, self.scrobble_window)
        self._save()
        return responses.json_response(status, answer)

    def _api_playback(self, account, query, body, params):
        return self._optionally_paged(playback.playback(account, params.get('type')), query)

    def _api_playback_delete(self, account, query, body, params):
        if not playback.delete_playback(account, int(params['id'])):
            return responses.error(404, 'no such playback progress')
        self._save()
        return responses.empty(204)

    def _api_ratings(self, account, query, body, params):
        rating = int(params['rating']) if 'rating' in params else None
        return self._optionally_paged(playback.ratings(account, params.get('type'), rating), query)

    @staticmethod
    def _optionally_paged(items, query):
        # "Pagination Optional" in trakt's terms: the whole list unless the client asks for a page
        if 'page' not in query and 'limit' not in query:
            return responses.json_response(200, items)
        page, headers = responses.paginate(items, query, 10, 1000)
        return responses.json_response(200, page, headers)

    def _api_search_id(self, account, query, body, params):
        types = [part.strip() for part in query.get('type', '').split(',') if part.strip()] or list(SEARCH_TYPES)
        unknown = [name for name in types if name not in SEARCH_TYPES]
        if unknown:
            return responses.error(400, 'type must be movie, show or episode, not {}'.format(', '.join(unknown)))
        found = self._index.search_id(params['id_type'], unquote(params['id']), types)
        page, headers = responses.paginate(found, query, 10, 100)
        return responses.json_response(200, page, headers)

    def _api_ratings_add(self, account, query, body, params):
        return self._write(account, playback.add_ratings, 201, body)

    def _api_ratings_remove(self, account, query, body, params):
        return self._write(account, playback.remove_ratings, 200, body)
