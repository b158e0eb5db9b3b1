"""The trakt lists as last read, with the ``/sync/last_activities`` stamps they were read at.

Only lists whose stamp moved are read again, so a sync in which nothing changed costs one trakt request. The cache
belongs to one trakt account (it lives in the account's folder, see traktsync.account).
"""
from traktsync.cache_files import CacheFiles

TRAKT_CACHE = 'trakt-cache.json'
CACHE_STAMPS = 'trakt-cache-stamps.json'   # TRAKT_CACHE's stamps alone (TraktListCache)
CACHE_SCHEMA = 1
# list name -> (section, stamp) of /sync/last_activities that moves when the list changes
TRAKT_LISTS = {
    'watched_movies': ('movies', 'watched_at'),
    'watched_shows': ('episodes', 'watched_at'),
    'collection_movies': ('movies', 'collected_at'),
    'collection_shows': ('episodes', 'collected_at'),
}
WATCHED_LISTS = ('watched_movies', 'watched_shows')


def stamp(activities, name):
    section, field = TRAKT_LISTS[name]
    return ((activities or {}).get(section) or {}).get(field)


def history_moved(before, now):
    """Whether trakt's watched lists changed between two ``last_activities`` answers."""
    return any(stamp(before, name) != stamp(now, name) for name in WATCHED_LISTS)


class TraktListCache(object):
    """The lists in ``TRAKT_CACHE``; their stamps also in the small ``CACHE_STAMPS``, so that a sync in which
    nothing changed decides so without loading the lists (18.9 MB of JSON, 86 MiB of Python objects, 0.3-0.7 s at
    the benchmark's XL, every timer sync). The small file is removed before the lists are written and written after
    them: when it is there, it describes the lists on disk; when not, the lists' own stamps are read."""

    def __init__(self, store, with_metadata):
        self.with_metadata = with_metadata
        self._files = CacheFiles(store, TRAKT_CACHE, CACHE_STAMPS)
        self._cache = None   # the whole file, loaded when a list is needed
        self._head = self._load_head()
        self._fetched = set()   # lists read from trakt by this object (not made from our writes)

    def _valid(self, data, lists_type):
        return (isinstance(data, dict) and data.get('schema') == CACHE_SCHEMA
                and data.get('metadata') == self.with_metadata and isinstance(data.get('stamps'), dict)
                and isinstance(data.get('lists'), lists_type))

    def _load_whole(self):
        cache = self._files.load_lists()
        if not self._valid(cache, dict):
            cache = {'stamps': {}, 'lists': {}}
        self._cache = cache
        return cache

    def _whole(self):
        return self._cache if self._cache is not None else self._load_whole()

    def _load_head(self):
        return self._files.load_stamps(lambda head: self._valid(head, list), lambda: self._head_of(self._whole()))

    @staticmethod
    def _head_of(cache):
        return {'schema': cache.get('schema'), 'metadata': cache.get('metadata'), 'stamps': dict(cache['stamps']),
                'lists': sorted(cache['lists']), 'patched': list(cache.get('patched') or ())}

    def is_current(self, activities, name):
        """Whether the cached copy of list ``name`` is what trakt has now (its stamp is the same)."""
        value = stamp(activities, name)
        return value is not None and self._head['stamps'].get(name) == value and name in self._head['lists']

    def all_current(self, activities):
        return all(self.is_current(activities, name) for name in TRAKT_LISTS)

    def read(self, activities, fetch, progress=None):
        """Every list: the cached copy where it is current, else ``fetch(name)``."""
        lists = {}
        for index, name in enumerate(TRAKT_LISTS):
            if self.is_current(activities, name):
                whole = self._whole()
                if whole['stamps'].get(name) == stamp(activities, name) and name in whole['lists']:
                    lists[name] = whole['lists'][name]
                    continue
            if progress:
                progress('trakt', index, len(TRAKT_LISTS))
            lists[name] = fetch(name)
            self._head['stamps'].pop(name, None)
            self._fetched.add(name)
        return lists

    @property
    def lists(self):
        """The lists as last read or saved (``{name: raw list}``); read from the file again after ``release``."""
        return self._whole()['lists']

    def keep(self, activities, lists):
        """Save the lists as ``read`` returned them, unless every one came from the file (it holds them already:
        saving would write the same bytes again, and the JSON text of every list costs memory)."""
        if self._fetched:
            self.save(activities, lists)

    def release(self):
        """Let go of the raw lists once they are saved and parsed: they are 5-6 times the size of their JSON
        text as Python objects, and a sync needs them again only after it wrote to trakt (``lists`` reads them
        back from the file then)."""
        self._cache = None

    def was_patched(self, name):
        """Whether the cached copy of ``name`` was made from our own writes rather than read from trakt."""
        return name in self._head['patched']

    def save(self, activities, lists, patched=None):
        """``patched``: the lists brought up to date from this sync's writes (cache_patch.py) instead of read;
        by default those that were so before and were not read since."""
        if patched is None:
            patched = [name for name in self._head['patched'] if name not in self._fetched]
        self._write({'schema': CACHE_SCHEMA, 'metadata': self.with_metadata,
                     'stamps': {name: stamp(activities, name) for name in TRAKT_LISTS}, 'lists': lists,
                     'patched': sorted(patched)})

    def forget(self, names):
        """Mark lists as stale (our own writes changed them, or their state is unknown)."""
        cache = self._files.load_lists()
        if isinstance(cache, dict) and isinstance(cache.get('stamps'), dict):
            for name in names:
                cache['stamps'].pop(name, None)
            self._write(cache)

    def _write(self, cache):
        head = self._head_of(cache)
        self._files.write(cache, head)
        self._cache = cache
        self._head = head
