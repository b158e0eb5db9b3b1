"""Test doubles for the trakt client tests: an in-memory token store, virtual time, a log capture."""
import threading
import time

from traktsync import logger


class MemoryTokenStore(object):
    """The token-store interface the client expects (``load``/``save``), kept in memory."""

    def __init__(self, token=None):
        self.token = dict(token) if token else None
        self.saves = []

    def load(self):
        return dict(self.token) if self.token else None

    def save(self, token):
        self.token = dict(token) if token else None
        self.saves.append(self.token)


class VirtualTime(object):
    """Clocks that jump forward on ``sleep`` while the real wait is capped, so waits cost little real time.

    The cap still lets short waits really pass, so the emulator (which runs on real time) sees the pacing.
    """

    def __init__(self, real_cap=0.1):
        self.offset = 0.0
        self.real_cap = real_cap
        self.sleeps = []
        self._lock = threading.Lock()

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        with self._lock:
            self.offset += seconds
        time.sleep(min(seconds, self.real_cap))

    def monotonic(self):
        return time.monotonic() + self.offset

    def wall(self):
        return time.time() + self.offset


class LogCapture(object):
    def __init__(self):
        self.lines = []

    def __call__(self, level, message):
        self.lines.append(message)

    @property
    def text(self):
        return '\n'.join(self.lines)

    def install(self):
        logger.set_sink(self, logger.DEBUG)
        return self


def episode_items(catalog, field='watched_at', when='2024-05-01T20:00:00.000Z', shows=None):
    """One client item per catalog episode (optionally of the first ``shows`` shows)."""
    items = []
    for show in catalog['shows'][:shows]:
        for season in show['seasons']:
            for episode in season['episodes']:
                items.append({'type': 'episode', 'show_ids': dict(show['ids']), 'season': season['number'],
                              'number': episode['number'], field: when})
    return items


def movie_items(catalog, field='watched_at', when='2024-05-01T20:00:00.000Z', count=None):
    return [{'type': 'movie', 'ids': dict(movie['ids']), field: when} for movie in catalog['movies'][:count]]


def posted_items(record):
    """How many items (movies + episode entries) one logged POST body carried."""
    body = record['body'] or {}
    count = len(body.get('movies', [])) + len(body.get('episodes', []))
    for show in body.get('shows', []):
        for season in show.get('seasons', []):
            count += len(season.get('episodes', []))
    return count
