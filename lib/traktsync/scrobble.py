"""What the scrobbler tells trakt while a video plays (pure: no Kodi, no network).

trakt's rules (its API description, kept in tests/contract/): ``/scrobble/start`` on play and on resume,
``/scrobble/pause`` on pause, ``/scrobble/stop`` on stop or end with the progress reached. A stop at 80 % or more
records a play; 1-79 % saves a resume point; below 1 % trakt answers 422, so such a stop is not sent. A 409 means
the item was just scrobbled (another app did it): the viewing is on trakt once, which is what the user wants.

A play that the scrobble put on trakt and the playcount Kodi adds for the same viewing meet in the next library
sync as one change on each side, which the merge rules count as one play (docs/design.md).
"""
from dataclasses import dataclass, field
from typing import Optional

from traktsync.model import EPISODE, MOVIE

LAST_SCROBBLE = 'last-scrobble.json'   # the newest stop (or refused scrobble), for the Status screen
PLAY_PERCENT = 80.0
MIN_PERCENT = 1.0
STOP_RETRY_SECONDS = 60.0        # a stop trakt did not answer is sent again this often ...
STOP_GIVE_UP_SECONDS = 3600.0    # ... for at most this long, then left to the library sync

MOVIE_ID_TYPES = ('imdb', 'tmdb', 'trakt')
SHOW_ID_TYPES = ('tvdb', 'tmdb', 'imdb', 'trakt')
EPISODE_ID_TYPES = ('tvdb', 'tmdb', 'imdb', 'trakt')


def _ids(uniqueid, id_types):
    """The trakt ids among Kodi's uniqueids (``{'imdb': 'tt..', 'tmdb': '603'}``), numbers as numbers."""
    ids = {}
    for id_type in id_types:
        value = str((uniqueid or {}).get(id_type) or '').strip()
        if not value:
            continue
        if id_type == 'imdb':
            if value.startswith('tt'):
                ids[id_type] = value
        elif value.isdigit():
            ids[id_type] = int(value)
    return ids


@dataclass
class PlayingItem:
    """A library movie or episode being played: ``item`` is the movie/episode (+show) part of a scrobble body."""
    kind: str
    kodi_id: Optional[int]
    title: str
    item: dict
    playcount: int = 0


def movie_item(details):
    """A PlayingItem from ``VideoLibrary.GetMovieDetails`` (or ``Player.GetItem``) details, None without ids."""
    ids = _ids(details.get('uniqueid'), MOVIE_ID_TYPES)
    if not ids:
        return None
    movie = {'title': details.get('title') or '', 'ids': ids}
    if details.get('year'):
        movie['year'] = details['year']
    return PlayingItem(MOVIE, details.get('movieid') or details.get('id'), movie['title'], {'movie': movie},
                       details.get('playcount') or 0)


def episode_item(details, show_details):
    """A PlayingItem for an episode: its own ids when Kodi has them, and always its show with season and number,
    so trakt finds it even when the episode's ids are missing or from another source."""
    show_ids = _ids((show_details or {}).get('uniqueid'), SHOW_ID_TYPES)
    episode_ids = _ids(details.get('uniqueid'), EPISODE_ID_TYPES)
    season, number = details.get('season'), details.get('episode')
    if not episode_ids and not (show_ids and isinstance(season, int) and isinstance(number, int)):
        return None
    episode = {'season': season, 'number': number}
    if episode_ids:
        episode['ids'] = episode_ids
    item = {'episode': episode}
    show_title = (show_details or {}).get('title') or details.get('showtitle') or ''
    if show_ids:
        item['show'] = {'title': show_title, 'ids': show_ids}
        if (show_details or {}).get('year'):
            item['show']['year'] = show_details['year']
    title = '{} S{:02d}E{:02d}'.format(show_title, season or 0, number or 0)
    return PlayingItem(EPISODE, details.get('episodeid') or details.get('id'), title, item,
                       details.get('playcount') or 0)


@dataclass
class Scrobble:
    """One POST to ``/scrobble/{verb}``."""
    verb: str
    playing: PlayingItem
    progress: float

    def body(self):
        body = dict(self.playing.item)
        body['progress'] = round(max(0.0, min(100.0, self.progress)), 2)
        return body


@dataclass
class Playback:
    """What is playing and how far it got; each event returns the Scrobble to send, or None."""
    playing: PlayingItem
    progress: float = 0.0
    paused: bool = False
    stopped: bool = False

    def seen(self, percent):
        if percent is not None and not self.stopped:
            self.progress = max(0.0, min(100.0, float(percent)))

    def start(self, percent=None):
        self.seen(percent)
        self.paused = False
        return Scrobble('start', self.playing, self.progress)

    def pause(self, percent=None):
        self.seen(percent)
        if self.paused:
            return None
        self.paused = True
        return Scrobble('pause', self.playing, self.progress)

    def resume(self, percent=None):
        return self.start(percent) if self.paused else None

    def stop(self, ended=False):
        """Playback stopped (``ended``: it played to the end). Below 1 % trakt refuses a stop: nothing is sent."""
        if self.stopped:
            return None
        if ended:
            self.progress = 100.0
        self.stopped = True
        if self.progress < MIN_PERCENT:
            return None
        return Scrobble('stop', self.playing, self.progress)


# outcomes of a scrobble, for the log and the Status screen
SENT, DUPLICATE, REFUSED, FAILED = 'sent', 'already scrobbled', 'refused', 'failed'


def outcome_of(status):
    """What a trakt status means for a scrobble: 2xx sent, 409 already on trakt, 404/422 refused."""
    if 200 <= status < 300:
        return SENT
    if status == 409:
        return DUPLICATE
    if status in (404, 422):
        return REFUSED
    return FAILED


@dataclass
class PendingStop:
    """A stop that would put a play on trakt but got no answer: sent again until trakt answers or
    ``STOP_GIVE_UP_SECONDS`` pass. Dropped as soon as Kodi counted the viewing itself: then the library sync sends
    that play, and sending the stop too would make it two (trakt keeps every play it is sent)."""
    scrobble: Scrobble
    first_failed_at: float
    next_try_at: float = field(default=0.0)

    def due(self, now):
        return now >= self.next_try_at

    def expired(self, now):
        return now - self.first_failed_at >= STOP_GIVE_UP_SECONDS

    def failed_again(self, now, wait=STOP_RETRY_SECONDS):
        self.next_try_at = now + wait


def needs_retry(scrobble):
    """Only a stop that makes a play is worth sending again; a lost start or pause is overtaken by the next one."""
    return scrobble.verb == 'stop' and scrobble.progress >= PLAY_PERCENT
