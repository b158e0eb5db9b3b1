"""The trakt lists as last read, with the ``/sync/last_activities`` stamps they were read at.

Only lists whose stamp moved are read again, so a sync in which nothing changed costs one trakt request. The cache
belongs to one trakt account (it lives in the account's folder, see traktsync.account).
"""
TRAKT_CACHE = 'trakt-cache.json'
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

    def __init__(self, store, with_metadata):
        self.store = store
        self.with_metadata = with_metadata
        self._cache = self._load()
        self._fetched = set()   # lists read from trakt by this object (not made from our writes)

    def _load(self):
        cache = self.store.load(TRAKT_CACHE)
        if (not isinstance(cache, dict) or cache.get('schema') != CACHE_SCHEMA
                or cache.get('metadata') != self.with_metadata or not isinstance(cache.get('stamps'), dict)
                or not isinstance(cache.get('lists'), dict)):
            cache = {'stamps': {}, 'lists': {}}
        return cache

    def is_current(self, activities, name):
        """Whether the cached copy of list ``name`` is what trakt has now (its stamp is the same)."""
        value = stamp(activities, name)
        return value is not None and self._cache['stamps'].get(name) == value and name in self.lists

    def all_current(self, activities):
        return all(self.is_current(activities, name) for name in TRAKT_LISTS)

    def read(self, activities, fetch, progress=None):
        """Every list: the cached copy where it is current, else ``fetch(name)``."""
        lists = {}
        for index, name in enumerate(TRAKT_LISTS):
            if self.is_current(activities, name):
                lists[name] = self._cache['lists'][name]
                continue
            if progress:
                progress('trakt', index, len(TRAKT_LISTS))
            lists[name] = fetch(name)
            self._cache['stamps'].pop(name, None)
            self._fetched.add(name)
        return lists

    @property
    def lists(self):
        """The lists as last read or saved (``{name: raw list}``); read from the file again after ``release``."""
        if self._cache['lists'] is None:
            self._cache['lists'] = self._load()['lists']
        return self._cache['lists']

    def keep(self, activities, lists):
        """Save the lists as ``read`` returned them, unless every one came from the file (it holds them already:
        saving would write the same bytes again, and the JSON text of every list costs memory)."""
        if self._fetched:
            self.save(activities, lists)

    def release(self):
        """Let go of the raw lists once they are saved and parsed: they are 5-6 times the size of their JSON
        text as Python objects, and a sync needs them again only after it wrote to trakt (``lists`` reads them
        back from the file then)."""
        self._cache['lists'] = None

    def was_patched(self, name):
        """Whether the cached copy of ``name`` was made from our own writes rather than read from trakt."""
        return name in (self._cache.get('patched') or ())

    def save(self, activities, lists, patched=None):
        """``patched``: the lists brought up to date from this sync's writes (cache_patch.py) instead of read;
        by default those that were so before and were not read since."""
        if patched is None:
            patched = [name for name in self._cache.get('patched') or () if name not in self._fetched]
        self._cache = {'schema': CACHE_SCHEMA, 'metadata': self.with_metadata,
                       'stamps': {name: stamp(activities, name) for name in TRAKT_LISTS}, 'lists': lists,
                       'patched': sorted(patched)}
        self.store.save(TRAKT_CACHE, self._cache)

    def forget(self, names):
        """Mark lists as stale (our own writes changed them, or their state is unknown)."""
        cache = self.store.load(TRAKT_CACHE)
        if isinstance(cache, dict) and isinstance(cache.get('stamps'), dict):
            for name in names:
                cache['stamps'].pop(name, None)
            self.store.save(TRAKT_CACHE, cache)
            self._cache = cache
