"""The service's scrobbler: follows what Kodi plays and tells trakt, from a thread of its own.

It hears Kodi's ``Player.On*`` notifications (the service forwards them), identifies the library movie or episode
through JSON-RPC, keeps the progress by asking Kodi every second while a video plays (a stop notification comes
after the player is gone), and sends ``/scrobble/*`` with the rules of traktsync.scrobble. Nothing is shown while
a video plays: what happened goes to the log and the Status screen.

trakt is asked from this thread, never from Kodi's callback thread, so a slow trakt cannot hold Kodi up. The
client shares the sync's POST pacing and token refresh (traktsync.trakt.backoff.shared_pacer, the refresh lock).
"""
import queue
import threading
import time

from traktsync import logger
from traktsync.kodi.jsonrpc import JsonRpcError
from traktsync.model import EPISODE, MOVIE
from traktsync.scrobble import (
    FAILED,
    LAST_SCROBBLE,
    PLAY_PERCENT,
    REFUSED,
    SENT,
    STOP_RETRY_SECONDS,
    PendingStop,
    Playback,
    episode_item,
    movie_item,
    needs_retry,
    outcome_of,
)
from traktsync.store import TokenStore
from traktsync.trakt import errors as trakt_errors

PLAYER_EVENTS = ('Player.OnAVStart', 'Player.OnPause', 'Player.OnResume', 'Player.OnSeek', 'Player.OnStop')
POLL_SECONDS = 1.0
_STOP = object()
MOVIE_PROPERTIES = ['title', 'year', 'uniqueid', 'playcount']
EPISODE_PROPERTIES = ['title', 'season', 'episode', 'showtitle', 'tvshowid', 'uniqueid', 'playcount']


class Scrobbler(object):
    """``rpc``: the JSON-RPC client; ``make_client()``: a new trakt client for the current settings; ``store``: the
    profile's JsonStore (the token, and the last scrobble for the Status screen)."""

    def __init__(self, rpc, make_client, store, clock=time.time, poll_seconds=POLL_SECONDS,
                 retry_seconds=STOP_RETRY_SECONDS, on_watched=None):
        self._rpc = rpc
        self._make_client = make_client
        self._store = store
        self._clock = clock
        self._poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self._events = queue.Queue()
        self._thread = None
        self._playback = None
        self._player_id = None
        self._pending = []
        self._client = None
        self._told_not_signed_in = False
        self._on_watched = on_watched   # called with the PlayingItem of a film or episode watched to its end

    # -- the service's side ------------------------------------------------------------------------------------
    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name='traktsync-scrobbler')
            self._thread.daemon = True
            self._thread.start()

    def stop(self, timeout=0.5):
        """Kodi is quitting or scrobbling was turned off: a request in flight ends at once."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._events.put(_STOP)
        client = self._client
        if client is not None:
            client.abort()
        thread.join(timeout)

    @property
    def running(self):
        return self._thread is not None

    def on_notification(self, method, data):
        if self._thread is not None and method in PLAYER_EVENTS:
            self._events.put((method, data if isinstance(data, dict) else {}))

    # -- the scrobbler's thread --------------------------------------------------------------------------------
    def _run(self):
        while True:
            # Idle (nothing playing, nothing to send again), the thread sleeps until Kodi reports something.
            busy = self._playback is not None or self._pending
            try:
                event = self._events.get(timeout=self._poll_seconds) if busy else self._events.get()
            except queue.Empty:
                event = None
            if event is _STOP:
                return
            try:
                if event is not None:
                    self._handle(*event)
                self._poll_progress()
                self._retry_pending()
            except Exception:   # noqa: BLE001 - a bug here must not end scrobbling for the session
                logger.exception('the scrobbler hit an unexpected error; it goes on with the next event')

    def _handle(self, method, data):
        if method == 'Player.OnAVStart':
            self._player_id = (data.get('player') or {}).get('playerid')
            playing = self._identify(data.get('item') or {})
            self._playback = Playback(playing) if playing is not None else None
            if self._playback is not None:
                self._poll_progress()
                self._send(self._playback.start())
            return
        if self._playback is None:
            return
        if method == 'Player.OnPause':
            self._poll_progress()
            self._send(self._playback.pause())
        elif method == 'Player.OnResume':
            self._poll_progress()
            self._send(self._playback.resume())
        elif method == 'Player.OnSeek':
            self._poll_progress()   # a skip to the credits and a stop within the second must not read as 0 %
        elif method == 'Player.OnStop':
            playback, self._playback = self._playback, None
            stop = playback.stop(ended=bool(data.get('end')))
            self._send(stop)
            if stop is not None and stop.progress >= PLAY_PERCENT and self._on_watched is not None:
                self._on_watched(playback.playing)

    def _identify(self, item):
        """The PlayingItem of a notification's ``item`` (a library movie or episode), or None."""
        kind, kodi_id = item.get('type'), item.get('id')
        try:
            if kind == MOVIE and isinstance(kodi_id, int) and kodi_id > 0:
                details = self._rpc.call('VideoLibrary.GetMovieDetails',
                                         {'movieid': kodi_id, 'properties': MOVIE_PROPERTIES})['moviedetails']
                playing = movie_item(details)
            elif kind == EPISODE and isinstance(kodi_id, int) and kodi_id > 0:
                details = self._rpc.call('VideoLibrary.GetEpisodeDetails',
                                         {'episodeid': kodi_id, 'properties': EPISODE_PROPERTIES})['episodedetails']
                show = self._rpc.call('VideoLibrary.GetTVShowDetails', {
                    'tvshowid': details['tvshowid'], 'properties': ['title', 'year', 'uniqueid']})['tvshowdetails']
                playing = episode_item(details, show)
            else:
                return None   # not a library movie or episode: nothing trakt could be told about reliably
        except (JsonRpcError, KeyError, TypeError) as exc:
            logger.warning('could not read the playing item from Kodi ({}); it is not scrobbled', exc)
            return None
        if playing is None:
            logger.info('the playing {} has no id trakt knows; it is not scrobbled', kind)
        return playing

    def _poll_progress(self):
        if self._playback is None or self._player_id is None:
            return
        try:
            answer = self._rpc.call('Player.GetProperties', {'playerid': self._player_id,
                                                             'properties': ['percentage', 'totaltime']})
        except JsonRpcError:
            return   # the player just went away; the last reading stands
        if not isinstance(answer, dict) or not isinstance(answer.get('percentage'), (int, float)):
            return
        # A player that just stopped answers 0 % (and no total time) before its stop notification arrives: that is
        # not where the viewer got to, so the last real reading stands.
        if any((answer.get('totaltime') or {}).get(unit) for unit in ('hours', 'minutes', 'seconds', 'milliseconds')):
            self._playback.seen(answer['percentage'])

    # -- talking to trakt --------------------------------------------------------------------------------------
    def _send(self, scrobble):
        if scrobble is None:
            return
        outcome, message = self._post(scrobble)
        if outcome == FAILED and needs_retry(scrobble):
            pending = PendingStop(scrobble, self._clock())
            pending.failed_again(self._clock(), self.retry_seconds)
            self._pending.append(pending)
            logger.warning('trakt did not take the scrobble of {} ({}); it is sent again within the hour, or the '
                           'library sync sends the play', scrobble.playing.title, message)

    def _post(self, scrobble):
        if not TokenStore(self._store).signed_in():
            if not self._told_not_signed_in:
                logger.info('not signed in to trakt: nothing is scrobbled')
                self._told_not_signed_in = True
            return REFUSED, 'not signed in'
        self._told_not_signed_in = False
        try:
            self._client = self._make_client()
            status, answer = self._client.scrobble(scrobble.verb, scrobble.body())
            outcome = outcome_of(status)
            message = _answer_text(status, answer)
        except trakt_errors.TraktError as exc:
            outcome, message = FAILED, exc.message
        finally:
            client, self._client = self._client, None
            if client is not None:
                client.close()
        logger.info('scrobble {} of {} at {:.0f} %: {} ({})', scrobble.verb, scrobble.playing.title,
                    scrobble.progress, outcome, message)
        if scrobble.verb == 'stop' or outcome != SENT:
            self._store.save(LAST_SCROBBLE, {'at': self._clock(), 'title': scrobble.playing.title,
                                             'verb': scrobble.verb, 'progress': round(scrobble.progress, 1),
                                             'outcome': outcome, 'message': message})
        return outcome, message

    def _retry_pending(self):
        now = self._clock()
        for pending in list(self._pending):
            if self._kodi_counted(pending.scrobble.playing):
                self._pending.remove(pending)
                logger.info('Kodi counted the viewing of {}: the library sync sends its play, the scrobble is not '
                            'sent again', pending.scrobble.playing.title)
                continue
            if pending.expired(now):
                self._pending.remove(pending)
                logger.warning('trakt did not take the scrobble of {} within the hour; it is not sent again',
                               pending.scrobble.playing.title)
                continue
            if not pending.due(now):
                continue
            outcome, _message = self._post(pending.scrobble)
            if outcome == FAILED:
                pending.failed_again(self._clock(), self.retry_seconds)
            else:
                self._pending.remove(pending)

    def _kodi_counted(self, playing):
        """Whether Kodi's playcount of the item went up since it started: then the viewing is Kodi's to report."""
        method, id_name, key = (('VideoLibrary.GetMovieDetails', 'movieid', 'moviedetails') if playing.kind == MOVIE
                                else ('VideoLibrary.GetEpisodeDetails', 'episodeid', 'episodedetails'))
        try:
            details = self._rpc.call(method, {id_name: playing.kodi_id, 'properties': ['playcount']})[key]
        except (JsonRpcError, KeyError, TypeError):
            return False
        return (details.get('playcount') or 0) > playing.playcount


def _answer_text(status, answer):
    if status == 409 and isinstance(answer, dict):
        return 'another app scrobbled it at {}'.format(answer.get('watched_at'))
    if isinstance(answer, dict) and answer.get('action'):
        return '{} {}'.format(status, answer['action'])
    return str(status)

