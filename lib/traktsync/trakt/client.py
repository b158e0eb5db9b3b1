"""The trakt API v2 client: reads every page of the sync lists and writes in paced, adaptive batches."""
import random
import time
from urllib.parse import quote

from traktsync import logger
from traktsync.trakt import errors
from traktsync.trakt.auth import OAuth
from traktsync.trakt.backoff import AdaptiveBatchSize, Pacer, backoff_delay, parse_retry_after
from traktsync.trakt.batching import BatchResult, build_body, order_items, validate_items
from traktsync.trakt.splitter import is_refusal, isolate_refused
from traktsync.trakt.transport import Transport, check_url, error_for, item_count, page_count, page_limit, parse_json

DEFAULT_API_URL = 'https://api.trakt.tv'
# trakt's contract (2026-07-23 on) sends every OAuth request to auth.trakt.tv and forbids the API host for them;
# older clients still use api.trakt.tv/oauth, which is why it is a parameter (and a setting) rather than fixed.
DEFAULT_OAUTH_URL = 'https://auth.trakt.tv'

HISTORY_ADD = '/sync/history'
HISTORY_REMOVE = '/sync/history/remove'
COLLECTION_ADD = '/sync/collection'
COLLECTION_REMOVE = '/sync/collection/remove'
RATINGS_ADD = '/sync/ratings'
RATINGS_REMOVE = '/sync/ratings/remove'
# Only a history add creates something new each time it is sent (trakt keeps duplicate plays forever);
# collection add/remove and history remove by item end in the same state however often they arrive.
_NOT_IDEMPOTENT = frozenset([HISTORY_ADD])
_MAX_PAGES = 100000
# GET /search/{id_type}/{id}: the external ids trakt looks items up by, and the item types it can be asked for.
SEARCH_ID_TYPES = ('imdb', 'tmdb', 'tvdb', 'trakt')
SEARCH_KINDS = ('movie', 'show', 'episode')
# trakt's Retry-After is whole seconds; "0" (or no header) must still not make a tight loop.
MIN_RATE_LIMIT_WAIT = 1.0


class TraktClient(object):
    """Everything the sync engine asks of trakt.

    ``token_store``: ``load()``/``save(token_dict)`` (see traktsync.trakt.auth). ``sleep``, ``clock`` (monotonic)
    and ``wall_clock`` are injectable so tests need not wait; ``post_interval`` is trakt's 1 POST/s rule.
    """

    def __init__(self, version, token_store, client_id, client_secret='', api_url=DEFAULT_API_URL,
                 oauth_url=DEFAULT_OAUTH_URL, timeout=(10.0, 60.0), post_interval=1.0,
                 batch_start=250, batch_min=25, batch_max=1000, quick_seconds=5.0,
                 max_retries=3, max_write_retries=4, backoff_base=1.0, max_rate_limit_wait=300.0,
                 max_rate_limit_retries=10,
                 watched_page_limit=250, collection_page_limit=250, history_page_limit=100, progress_page_limit=100,
                 sleep=time.sleep, clock=time.monotonic, wall_clock=time.time, rand=random.random, session=None,
                 pacer=None):
        if not client_id:
            raise errors.MissingClientId()
        # The user's token goes to these addresses: https only (plain http to this machine for test servers).
        self.api_url = check_url(api_url, 'API address').rstrip('/')
        self.oauth_url = check_url(oauth_url, 'sign-in address').rstrip('/')
        self.transport = Transport(client_id, version, timeout=timeout, session=session, clock=clock)
        self.session = self.transport.session
        self.pacer = pacer or Pacer(post_interval, clock=clock, sleep=sleep)   # shared_pacer() across threads
        self.batch_size = AdaptiveBatchSize(batch_start, batch_min, batch_max, quick_seconds)
        self.max_retries = max_retries
        self.max_write_retries = max_write_retries
        self.backoff_base = backoff_base
        self.max_rate_limit_wait = max_rate_limit_wait
        self.max_rate_limit_retries = max_rate_limit_retries
        # trakt's largest pages (docs/performance.md): 250 items, but 100 for the shows with extended=progress.
        # Asking for more is safe: trakt clamps the limit and says so in X-Pagination-Limit (get_all_pages).
        self.watched_page_limit = watched_page_limit
        self.progress_page_limit = progress_page_limit
        self.collection_page_limit = collection_page_limit
        self.history_page_limit = history_page_limit
        self._sleep = sleep
        self._rand = rand
        self.oauth = OAuth(self._call, client_id, client_secret, token_store, wall_clock=wall_clock, sleep=sleep)

    @property
    def requests_made(self):
        """How many HTTP requests this client sent (for the sync summary and the one-request no-op check)."""
        return self.transport.requests_made

    # -- authorization (delegated, so the UI needs only the client) --------------------------------------------
    def start_device_auth(self):
        return self.oauth.start_device_auth()

    def poll_device_token(self, code, should_cancel=None, sleep=None):
        return self.oauth.poll_device_token(code, should_cancel=should_cancel, sleep=sleep)

    def authorize_device(self, show_code, should_cancel=None, sleep=None):
        return self.oauth.authorize_device(show_code, should_cancel=should_cancel, sleep=sleep)

    def is_authorized(self):
        return self.oauth.is_authorized()

    def sign_out(self):
        return self.oauth.revoke()

    # -- reads ---------------------------------------------------------------------------------------------------
    def last_activities(self):
        return self._get_object('/sync/last_activities')

    def user_settings(self):
        return self._get_object('/users/settings')

    def account_limits(self):
        limits = self.user_settings().get('limits')
        return limits if isinstance(limits, dict) else {}

    def watched_movies(self):
        return self.get_all_pages('/sync/watched/movies', limit=self.watched_page_limit)

    def watched_shows(self):
        # Since mid-2026 seasons come only with extended=progress.
        return self.get_all_pages('/sync/watched/shows', {'extended': 'progress'},
                                  limit=min(self.watched_page_limit, self.progress_page_limit))

    def collection_movies(self, metadata=False):
        params = {'extended': 'metadata'} if metadata else {}
        return self.get_all_pages('/sync/collection/movies', params, limit=self.collection_page_limit)

    def collection_shows(self, metadata=False):
        params = {'extended': 'metadata'} if metadata else {}
        return self.get_all_pages('/sync/collection/shows', params, limit=self.collection_page_limit)

    def get_all_pages(self, path, params=None, limit=100):
        """Every item of a list endpoint.

        Follows X-Pagination-Page-Count, but never blindly: an empty page ends the list, and so does the page that
        X-Pagination-Item-Count puts past the end (⌈items/page size⌉ + 1). Without a page count (a proxy may strip
        it) a full page is followed by the next one until a short or empty page; a page that repeats the previous
        one (an endpoint that ignores ``page``) ends the list and is not counted twice.
        """
        items = []
        page = 1
        previous = None
        largest = 0
        while True:
            query = dict(params or {})
            query.update(page=page, limit=limit)
            answer, response, _ = self._call('GET', path, params=query)
            if not isinstance(answer, list):
                raise errors.MalformedResponse('trakt sent something other than a list for {}'.format(path))
            pages = page_count(response)
            if pages is None and page > 1 and answer == previous:
                logger.warning('{}: page {} repeats page {}; the list ends there', path, page, page - 1)
                break
            items.extend(answer)
            if not answer or page >= _MAX_PAGES:
                break
            largest = max(largest, len(answer))
            # trakt may clamp the limit asked for; X-Pagination-Limit says to what.
            applied = page_limit(response)
            if pages is None:
                if len(answer) < (applied or limit):
                    break
            elif page >= pages:
                break
            total = item_count(response)
            if total is not None and page >= -(-total // (applied or min(limit, largest))) + 1:
                logger.warning('{}: {} pages announced for {} items, stopping after page {}', path, pages, total,
                               page)
                break
            previous = answer
            page += 1
        logger.debug('{}: {} items in {} page(s)', path, len(items), page)
        return items

    def ratings(self, kind):
        """``GET /sync/ratings/{movies|episodes}``: the user's ratings, each ``{rated_at, rating, type, movie |
        episode + show}``."""
        return self.get_all_pages('/sync/ratings/' + kind, limit=self.collection_page_limit)

    def playback(self, kind):
        """``GET /sync/playback/{movies|episodes}``: the saved resume points, each ``{id, progress, paused_at,
        type, movie | episode + show}``."""
        return self.get_all_pages('/sync/playback/' + kind, limit=self.collection_page_limit)

    def history(self, kind, start_at=None, end_at=None):
        """``GET /sync/history/{movies|episodes}``: the plays, newest first, each ``{id, watched_at, action, type,
        movie | episode + show}``; ``start_at``/``end_at`` (``YYYY-MM-DD``, UTC days) narrow it to those days."""
        params = {name: value for name, value in (('start_at', start_at), ('end_at', end_at)) if value}
        return self.get_all_pages('/sync/history/' + kind, params, limit=self.history_page_limit)

    def play_count(self):
        """How many plays the account's history holds (movies and episodes), from ``X-Pagination-Item-Count`` of a
        one-item page of ``GET /sync/history``; None when the answer does not say (a proxy may strip the header)."""
        _answer, response, _ = self._call('GET', '/sync/history', params={'page': 1, 'limit': 1})
        return item_count(response)

    def search_id(self, id_type, value, kind=None):
        """``GET /search/{id_type}/{id}[?type=kind]``: the items trakt knows by this id, best first, as trakt
        answers them (``[{type, score, movie|show|episode(+show)}]``). One page: an id names a handful of items
        at most. Retried like every GET."""
        if id_type not in SEARCH_ID_TYPES:
            raise ValueError('trakt looks items up by {}, not by {!r}'.format(', '.join(SEARCH_ID_TYPES), id_type))
        if kind is not None and kind not in SEARCH_KINDS:
            raise ValueError('not an item type trakt looks up: {!r}'.format(kind))
        path = '/search/{}/{}'.format(id_type, quote(str(value), safe=''))
        answer, _, _ = self._call('GET', path, params={'type': kind} if kind else None)
        if not isinstance(answer, list):
            raise errors.MalformedResponse('trakt sent something other than a list for {}'.format(path))
        return [entry for entry in answer if isinstance(entry, dict)]

    def _get_object(self, path):
        answer, _, _ = self._call('GET', path)
        if not isinstance(answer, dict):
            raise errors.MalformedResponse('trakt sent something other than an object for {}'.format(path))
        return answer

    # -- writes --------------------------------------------------------------------------------------------------
    def add_history(self, items, before_resend=None):
        """``before_resend()`` runs after a rate-limit wait, before a batch is sent again (it may raise)."""
        return self.post_in_batches(HISTORY_ADD, items, before_resend)

    def remove_history(self, items):
        return self.post_in_batches(HISTORY_REMOVE, items)

    def remove_history_ids(self, history_ids):
        """Remove single plays by their history ids; returns trakt's answer (``deleted``, ``not_found.ids``).
        Sending it again removes nothing more, so it is retried like a read."""
        answer, _, _ = self._call('POST', HISTORY_REMOVE, body={'ids': list(history_ids)}, retry_transient=True)
        return answer if isinstance(answer, dict) else {}

    def add_collection(self, items):
        return self.post_in_batches(COLLECTION_ADD, items)

    def remove_collection(self, items):
        return self.post_in_batches(COLLECTION_REMOVE, items)

    def add_ratings(self, items):
        """Items carry ``rating`` (1-10) and ``rated_at``; sending a rating again sets it again."""
        return self.post_in_batches(RATINGS_ADD, items)

    def remove_ratings(self, items):
        return self.post_in_batches(RATINGS_REMOVE, items)

    def remove_playback(self, playback_id):
        """``DELETE /sync/playback/{id}``: True when trakt removed it, False when it was gone already (404)."""
        _answer, response, _ = self._call('DELETE', '/sync/playback/{}'.format(int(playback_id)),
                                          retry_transient=True, passthrough=(404,))
        return response.status_code != 404

    def scrobble(self, verb, body):
        """``POST /scrobble/{verb}`` (start, pause, stop): ``(status, answer)``. 409 (just scrobbled by another app),
        404 and 422 (trakt will not take it) are answers, not errors; a scrobble is never re-sent blindly here,
        since a stop that arrived twice would be two plays (the scrobbler decides, see traktsync.scrobble)."""
        if verb not in ('start', 'pause', 'stop'):
            raise ValueError('no such scrobble: {!r}'.format(verb))
        answer, response, _ = self._call('POST', '/scrobble/' + verb, body=body, retry_transient=False,
                                         passthrough=(404, 409, 422))
        return response.status_code, answer

    def post_in_batches(self, endpoint, items, before_resend=None):
        """Yield ``(batch_items, BatchResult)`` after each batch trakt confirmed.

        Items are checked before anything is sent (InvalidItem). A history add that times out or fails with a
        5xx raises OutcomeUnknown carrying the batch and the items not yet sent: re-read trakt, do not re-send.
        Idempotent endpoints are retried with a halved batch instead. A batch trakt refuses (400/422) is split to
        find the refused items, which come back in ``BatchResult.refused`` with trakt's reason (trakt.splitter).
        """
        ordered = order_items(validate_items(items))
        idempotent = endpoint not in _NOT_IDEMPOTENT
        position = 0
        failures = 0
        while position < len(ordered):
            batch = ordered[position:position + self.batch_size.size]
            try:
                answer, response, seconds = self._call('POST', endpoint, body=build_body(batch),
                                                       retry_transient=False, before_retry=before_resend)
            except errors.RequestRejected as exc:
                if not is_refusal(exc):
                    raise
                logger.info('{}: trakt refused a batch of {} items ({}); looking for the refused ones', endpoint,
                            len(batch), exc.reason or exc.message)
                for result in isolate_refused(self._part_sender(endpoint, ordered, position), batch, exc):
                    yield result
                position += len(batch)
                continue
            except (errors.RequestTimeout, errors.ServerError, errors.MalformedResponse) as exc:
                self.batch_size.failed()
                if not idempotent:
                    logger.warning('{} of {} items: outcome unknown ({})', endpoint, len(batch), exc.message)
                    raise errors.OutcomeUnknown(status=exc.status, items=batch,
                                                remaining=ordered[position + len(batch):], cause=exc) from exc
                failures += 1
                if failures > self.max_write_retries:
                    raise
                logger.info('{} failed ({}), retrying with batches of {}', endpoint, exc.message,
                            self.batch_size.size)
                self._sleep(backoff_delay(failures - 1, self.backoff_base, rand=self._rand))
                continue
            failures = 0
            self.batch_size.answered(seconds)
            position += len(batch)
            yield batch, BatchResult(batch, answer, response.status_code, seconds)

    def _part_sender(self, endpoint, ordered, position):
        """``send(items)`` for the splitter: one POST of a part of the batch at ``position``. A lost answer on a
        history add is OutcomeUnknown, as for any batch."""
        idempotent = endpoint not in _NOT_IDEMPOTENT

        def send(items):
            try:
                answer, response, seconds = self._call('POST', endpoint, body=build_body(items),
                                                       retry_transient=idempotent)
            except (errors.RequestTimeout, errors.ServerError, errors.MalformedResponse) as exc:
                if idempotent:
                    raise
                raise errors.OutcomeUnknown(status=exc.status, items=items, remaining=ordered[position:],
                                            cause=exc) from exc
            return answer, response.status_code, seconds
        return send

    # -- the one request path ------------------------------------------------------------------------------------
    def _call(self, method, path, params=None, body=None, auth=True, oauth=False, retry_transient=None,
              passthrough=(), before_retry=None):
        """``(decoded_json, response, seconds)`` or a typed error.

        401 → one refresh, then AuthorizationExpired. 429 → wait Retry-After (or backoff; at least
        MIN_RATE_LIMIT_WAIT) and send again, at most ``max_rate_limit_retries`` times and
        ``max_rate_limit_wait`` seconds in total, then RateLimited. Timeouts/5xx/offline → retried with backoff when
        ``retry_transient`` (default: for GETs). Statuses in ``passthrough`` are returned for the caller to judge.
        ``before_retry()`` runs after a 429 wait, before the request goes again (the world may have moved).
        """
        if retry_transient is None:
            retry_transient = method == 'GET'
        url = (self.oauth_url if oauth else self.api_url) + path
        refreshed = False
        attempt = 0
        rate_limited = 0
        waited = 0.0
        paced = method in ('POST', 'PUT', 'DELETE') and not oauth   # trakt's 1 write a second
        while True:
            token = self.oauth.access_token() if auth else None
            paced_done = False
            if paced:
                self.pacer.wait(self._sleep)
            try:
                response, seconds = self.transport.send(method, url, params=params, body=body, token=token)
            except errors.CertificateError:
                raise  # retrying cannot make a certificate trustworthy
            except errors.Redirected:
                raise  # never re-sent: not to the new address, and not again to the old one
            except (errors.RequestTimeout, errors.Unreachable, errors.MalformedResponse):
                if paced:
                    self.pacer.done()   # before the backoff, so the other thread's POST is not held up by it
                    paced_done = True
                if retry_transient and attempt < self.max_retries:
                    self._sleep(backoff_delay(attempt, self.backoff_base, rand=self._rand))
                    attempt += 1
                    continue
                raise
            finally:
                if paced and not paced_done:
                    self.pacer.done()
            status = response.status_code
            if status in passthrough:
                return self._decode_loosely(response), response, seconds
            error = error_for(response)
            if error is None:
                return parse_json(response), response, seconds
            if status == 401 and oauth:
                # On the OAuth host a 401 is about the app's credentials, not the user's token.
                raise errors.InvalidClient(status=status)
            if status == 401 and auth and not refreshed:
                logger.info('trakt answered 401, refreshing the token once')
                self.oauth.refresh(stale=token)
                refreshed = True
                continue
            if status == 429:
                delay = parse_retry_after(response.headers.get('Retry-After'))
                if delay is None:
                    delay = backoff_delay(rate_limited, self.backoff_base * 2, rand=self._rand)
                delay = max(MIN_RATE_LIMIT_WAIT, delay)
                if rate_limited >= self.max_rate_limit_retries or waited + delay > self.max_rate_limit_wait:
                    logger.warning('trakt still rate-limits {} {} after {} retries and {:.0f} s', method, path,
                                   rate_limited, waited)
                    raise errors.RateLimited(status=status)
                logger.info('trakt rate limit on {} {}, waiting {:.1f} s', method, path, delay)
                self._sleep(delay)
                waited += delay
                rate_limited += 1
                if before_retry is not None:
                    before_retry()
                continue
            if isinstance(error, errors.ServerError) and retry_transient and attempt < self.max_retries:
                self._sleep(backoff_delay(attempt, self.backoff_base, rand=self._rand))
                attempt += 1
                continue
            if status == 420:
                raise errors.AccountLimit(limits=self._limits_or_none())
            raise error

    def _limits_or_none(self):
        try:
            return self.account_limits()
        except errors.TraktError as exc:
            logger.debug('could not read the account limits: {}', exc.message)
            return None

    @staticmethod
    def _decode_loosely(response):
        try:
            return parse_json(response)
        except errors.MalformedResponse:
            return None

    def abort(self):
        """End the request in flight, from another thread; this and every later request raise Aborted."""
        self.transport.abort()

    def close(self):
        self.transport.close()
