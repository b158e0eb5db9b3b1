"""The floor of a sync, measured in the same run against the same Kodi and the same emulator.

The floor is what no sync can go below for the same work (issue 12):
``library read + trakt fetch + max(Kodi's own write cost, POST pacing)``, where
- the library read is one paged read of the whole library (the add-on's own reader, over TCP);
- the trakt fetch is ``last_activities`` plus every page of the lists that changed, at the largest page size the
  emulator allows (that also gives the protocol's minimum number of GETs);
- Kodi's write cost is the same number of ``Set*Details`` calls in the best batch, each writing an item's current
  state again (Kodi does the same database write and sends the same notification as for a change);
- the POST pacing is ``(posts - 1) x interval + one round trip`` for the minimum number of POSTs.
Kodi reads and writes and trakt's pacing are independent, so the writes overlap with the pacing in the floor.
"""
import math
import time

from tools.kodi_harness import QuietTransport
from traktsync.kodi.jsonrpc import JsonRpc
from traktsync.kodi.library import KodiLibrary
from traktsync.model import EPISODE, MOVIE
from traktsync.settings import Settings
from traktsync.trakt import TraktClient

# The emulator's largest pages (tools/trakt_emulator/emulator.py): 250 for the lists, 100 with extended=progress.
PAGE_CAPS = {'watched_movies': 250, 'watched_shows': 100, 'collection_movies': 250, 'collection_shows': 250,
             'ratings_movies': 250, 'ratings_episodes': 250, 'playback_movies': 250, 'playback_episodes': 250}
POST_BATCH_MAX = Settings().batch_size_max
FLOOR_WRITE_BATCH = 500   # the best Set*Details batch measured by tools.bench.library_io (500 and 1,000 tie)
FLOOR_WRITE_SAMPLE = 8000   # changes written for the floor at most (L writes ~7,500: all of them)


class _Token(object):
    def __init__(self, token):
        self._token = token

    def load(self):
        return self._token

    def save(self, token):
        self._token = token


def trakt_client(emulator, token):
    return TraktClient('bench', _Token(token), emulator.client_id, emulator.client_secret, api_url=emulator.url,
                       oauth_url=emulator.url, watched_page_limit=PAGE_CAPS['watched_movies'],
                       collection_page_limit=PAGE_CAPS['collection_movies'])


def fetch_trakt(emulator, token, names, metadata=True):
    """``(seconds, {list: items}, requests)``: last_activities and every page of the lists ``names``."""
    client = trakt_client(emulator, token)
    fetchers = {'watched_movies': client.watched_movies, 'watched_shows': client.watched_shows,
                'collection_movies': lambda: client.collection_movies(metadata=metadata),
                'collection_shows': lambda: client.collection_shows(metadata=metadata),
                'ratings_movies': lambda: client.ratings('movies'),
                'ratings_episodes': lambda: client.ratings('episodes'),
                'playback_movies': lambda: client.playback('movies'),
                'playback_episodes': lambda: client.playback('episodes')}
    started = time.perf_counter()
    client.last_activities()
    lists = {name: fetchers[name]() for name in fetchers if name in names}
    seconds = time.perf_counter() - started
    return seconds, lists, client.requests_made


def pages(lists):
    return sum(max(1, int(math.ceil(len(items) / float(PAGE_CAPS[name])))) for name, items in lists.items())


def minimum_posts(items_by_endpoint):
    return sum(int(math.ceil(items / float(POST_BATCH_MAX))) for items in items_by_endpoint.values() if items)


def post_pacing(posts, interval, latency):
    return (max(0, posts - 1) * interval + latency) if posts else 0.0


def read_library(port, with_metadata=True):
    """``(seconds, calls, snapshot)`` of one paged read of the whole library."""
    library = KodiLibrary(JsonRpc(QuietTransport(port=port, timeout=600)), Settings())
    started = time.perf_counter()
    snapshot = library.read_snapshot(with_metadata=with_metadata)
    return time.perf_counter() - started, library.calls_made, snapshot


class _Write(object):
    """One item's watched state to write (what apply_watched takes)."""

    def __init__(self, kind, kodi_id, playcount, lastplayed):
        self.kind = kind
        self.kodi_ids = (kodi_id,)
        self.playcount = playcount
        self.lastplayed = lastplayed
        self.title = '{} {}'.format(kind, kodi_id)


def state_key(kind, item):
    return (kind, item.ids.imdb or item.ids.tmdb) if kind == MOVIE else (kind, item.ids.tvdb or item.ids.tmdb)


def watched_state(snapshot):
    """``{(kind, id): (kodi_id, playcount, lastplayed)}`` of a snapshot."""
    state = {}
    for kind, items in ((MOVIE, snapshot.movies), (EPISODE, snapshot.episodes)):
        for item in items:
            state[state_key(kind, item)] = (item.kodi_id, item.playcount, item.lastplayed)
    return state


def _day(when):
    return when.strftime('%Y-%m-%d') if when is not None else None


def kodi_writes(port, before, after, batch=FLOOR_WRITE_BATCH, sample=FLOOR_WRITE_SAMPLE):
    """``(seconds, count, sampled)``: Kodi's cost of the sync's own writes, as real changes. The items whose state
    differs between ``before`` (``{key: (playcount, lastplayed)}``, the library before the sync) and ``after``
    (watched_state after it) are put back to their state before (not timed), then to their state after (timed),
    in batches of ``batch``. A write of an unchanged state costs Kodi about half of a real change, so the floor
    writes real changes only. Above ``sample`` changes an evenly spread ``sample`` of them is written and the time
    scaled to all (Kodi's cost per item does not depend on how many are written: the bench's XL would otherwise
    spend two Kodi write passes of ~36,000 items on its floor alone)."""
    changed = [(key, state) for key, state in after.items() if key in before and
               (before[key][0] != state[1] or _day(before[key][1]) != _day(state[2]))]
    if not changed:
        return 0.0, 0, 0
    count = len(changed)
    changed = changed[::int(math.ceil(count / float(sample)))]
    library = KodiLibrary(JsonRpc(QuietTransport(port=port, timeout=600)), Settings(), write_batch=batch)
    back = [_Write(key[0], state[0], before[key][0], before[key][1]) for key, state in changed]
    again = [_Write(key[0], state[0], state[1], state[2]) for key, state in changed]
    failures = library.apply_watched(back)
    started = time.perf_counter()
    failures += library.apply_watched(again)
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError('Kodi refused {} of the floor\'s writes: {}'.format(len(failures), failures[0].message))
    return seconds * count / len(changed), count, len(changed)
