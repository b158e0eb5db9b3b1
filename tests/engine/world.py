"""The real SyncEngine between a small in-memory Kodi library and the trakt emulator reached in-process.

For the cases that are about the engine and trakt (how a sync reacts to trakt's answers, what it keeps on disk);
cases about Kodi itself or the service run in real Kodi (tests/e2e, tests/service).
"""
from datetime import datetime, timezone

from tools import catalog as catalogs
from tools.trakt_emulator.inprocess import InProcessEmulator
from traktsync.engine import CleanRequest, SyncEngine
from traktsync.model import Ids, KodiMovie, KodiSnapshot
from traktsync.settings import Settings
from traktsync.store import LAST_RESULT, JsonStore, TokenStore
from traktsync.trakt import TraktClient

COLLECTED_AT = '2024-02-03T04:05:00.000Z'


class ListLibrary(object):
    """Kodi movies as a list; ``apply_watched`` takes every change; ``reads`` says how each read was asked for."""

    def __init__(self, movies=()):
        self.movies = list(movies)
        self.calls_made = 0
        self.reads = []

    def read_snapshot(self, with_metadata=False, probe_sources=True):
        self.calls_made += 1
        self.reads.append({'with_metadata': with_metadata, 'probe_sources': probe_sources})
        return KodiSnapshot(movies=list(self.movies))

    def apply_watched(self, changes):
        self.calls_made += 1
        return []

    def _row(self, kodi_id):
        return next(movie for movie in self.movies if movie.kodi_id == kodi_id)

    def apply_ratings(self, changes):
        """Ratings are kept, so the next sync reads what this one wrote."""
        self.calls_made += 1
        for change in changes:
            for kodi_id in change.kodi_ids:
                self._row(kodi_id).userrating = change.rating
        return []

    def apply_resume(self, changes):
        self.calls_made += 1
        for change in changes:
            for kodi_id, position, total in change.positions:
                self._row(kodi_id).resume = (float(position), float(total)) if position else None
        return []


class SteppedClock(object):
    """The engine's clock; the test moves it (``now``, seconds)."""

    def __init__(self):
        self.now = 1.8e9

    def __call__(self):
        return self.now


def kodi_movie(entry, kodi_id, playcount=0, lastplayed=None, ids=None):
    """A Kodi row for a catalog movie (``ids``: the uniqueids Kodi has, by default imdb + tmdb)."""
    if ids is None:
        ids = {'imdb': entry['ids']['imdb'], 'tmdb': str(entry['ids']['tmdb'])}
    return KodiMovie(kodi_id=kodi_id, ids=Ids.from_kodi_uniqueid(ids), title=entry['title'], year=entry['year'],
                     playcount=playcount, lastplayed=lastplayed,
                     dateadded=datetime(2024, 1, 1, tzinfo=timezone.utc), file='/media/movies/{}.mkv'.format(kodi_id))


class EngineWorld(object):
    def __init__(self, tmp_path, movies=6, library=None, catalog=None, **settings):
        self.catalog = catalog if catalog is not None else catalogs.make_catalog(movies=movies, shows=0)
        self.emu = InProcessEmulator(catalog=self.catalog, post_interval=0)
        self.store = JsonStore(str(tmp_path / 'profile'))
        TokenStore(self.store).save(self.emu.issue_token())
        self.library = library if library is not None else ListLibrary()
        values = dict(client_id=self.emu.client_id, client_secret=self.emu.client_secret, api_url=self.emu.url,
                      oauth_url=self.emu.url)
        values.update(settings)
        self.settings = Settings(**values)
        self.sleeps = []

    def client(self, **options):
        values = dict(api_url=self.emu.url, oauth_url=self.emu.url, post_interval=0, backoff_base=0.001,
                      sleep=self.sleeps.append, session=self.emu.session())
        values.update(options)
        return TraktClient('1.0.0', TokenStore(self.store), self.emu.client_id, self.emu.client_secret, **values)

    def engine(self, client_options=None, **options):
        return SyncEngine(self.library, self.client(**(client_options or {})), self.store, self.settings,
                          sleep=self.sleeps.append, **options)

    def sync(self, clean=False, **options):
        request = CleanRequest(confirmed=True, approve_over_threshold=True) if clean else None
        return self.engine(**options).sync(clean=request)

    def last_result(self):
        return self.store.load(LAST_RESULT)

    def collect_on_trakt(self, indexes):
        for index in indexes:
            self.emu.collect('movie', self.catalog['movies'][index]['ids']['trakt'], COLLECTED_AT)

    def collected(self):
        return sorted(c['trakt_id'] for c in self.emu.collection('movie'))

    def posts(self, path):
        return [r for r in self.emu.requests if r['method'] == 'POST' and r['path'] == path]


def movies_with_lengths(tmp_path, library=None, **settings):
    """An EngineWorld whose Kodi library holds the catalog's three movies, each 100 minutes long (a resume point
    needs a length), with the collection left alone; returns it and the catalog's movies."""
    world = EngineWorld(tmp_path, movies=3, library=library, collection_add=False, **settings)
    entries = world.catalog['movies']
    world.library.movies = [kodi_movie(entry, index + 1) for index, entry in enumerate(entries)]
    for movie in world.library.movies:
        movie.runtime = 6000
    return world, entries
