"""The engine's pieces, each on its own over a real profile folder: the trakt list cache, the not-found memory
and the clean backup."""
import pytest

from traktsync.clean_backup import CleanBackup
from traktsync.not_found import NOT_FOUND_RETRY_SECONDS, NotFoundMemory
from traktsync.store import JsonStore, StoreWriteError
from traktsync.stream_stages import STREAM_CACHE, STREAM_CACHE_STAMPS, STREAM_LISTS, StreamListCache
from traktsync.trakt_cache import CACHE_STAMPS, TRAKT_CACHE, TRAKT_LISTS, TraktListCache, history_moved


def _activities(watched='2026-11-01T10:00:00.000Z', collected='2026-11-01T10:00:00.000Z'):
    return {'movies': {'watched_at': watched, 'collected_at': collected},
            'episodes': {'watched_at': watched, 'collected_at': collected}}


def test_the_cache_reads_again_only_the_lists_whose_stamp_moved(tmp_path):
    store = JsonStore(str(tmp_path))
    fetched = []

    def fetch(name):
        fetched.append(name)
        return [{'list': name}]

    first = TraktListCache(store, with_metadata=False)
    lists = first.read(_activities(), fetch)
    first.save(_activities(), lists)
    assert len(fetched) == 4

    moved = _activities()
    moved['movies']['watched_at'] = '2026-11-02T10:00:00.000Z'   # a play was added on trakt.tv
    again = TraktListCache(store, with_metadata=False)
    assert not again.all_current(moved)
    assert again.read(moved, fetch) == lists
    assert fetched[4:] == ['watched_movies']


def test_the_cache_is_not_used_for_another_metadata_setting_or_after_forget(tmp_path):
    store = JsonStore(str(tmp_path))
    cache = TraktListCache(store, with_metadata=False)
    cache.save(_activities(), {name: [] for name in ('watched_movies', 'watched_shows', 'collection_movies',
                                                     'collection_shows')})
    assert TraktListCache(store, with_metadata=False).all_current(_activities())
    assert not TraktListCache(store, with_metadata=True).all_current(_activities())
    TraktListCache(store, with_metadata=False).forget(['collection_shows'])
    reread = TraktListCache(store, with_metadata=False)
    assert reread.is_current(_activities(), 'watched_movies')
    assert not reread.is_current(_activities(), 'collection_shows')


class CountingStore(JsonStore):
    """A real profile folder that counts what is read from it, and can be told to fail a write."""

    def __init__(self, folder):
        super(CountingStore, self).__init__(folder)
        self.loads = []
        self.fail_saving = None

    def load(self, name, default=None):
        self.loads.append(name)
        return super(CountingStore, self).load(name, default)

    def save(self, name, data, private=False):
        if name == self.fail_saving:
            raise StoreWriteError(name, 'the disk is full (or the quota is used up)')
        super(CountingStore, self).save(name, data, private)


def _lists(tag):
    return {name: [{'list': name, 'tag': tag}] for name in TRAKT_LISTS}


def test_a_sync_in_which_nothing_changed_decides_so_without_loading_the_lists(tmp_path):
    store = CountingStore(str(tmp_path))
    TraktListCache(store, with_metadata=False).save(_activities(), _lists('a'))
    store.loads[:] = []
    cache = TraktListCache(store, with_metadata=False)
    assert cache.all_current(_activities())
    assert not cache.all_current(_activities(watched='2026-11-02T10:00:00.000Z'))
    assert store.loads == [CACHE_STAMPS]
    assert cache.read(_activities(), lambda name: pytest.fail('read from trakt')) == _lists('a')
    assert store.loads == [CACHE_STAMPS, TRAKT_CACHE]


def test_lists_whose_saving_failed_are_judged_by_the_stamps_they_were_saved_with(tmp_path):
    """The stamps file goes before the lists are written: a failed write (a full disk, Kodi killed) leaves the
    lists of before, and their own stamps, so trakt's newer lists are read again, never taken from the old ones."""
    store = CountingStore(str(tmp_path))
    newer = _activities(watched='2026-11-02T10:00:00.000Z')
    TraktListCache(store, with_metadata=False).save(_activities(), _lists('a'))
    store.fail_saving = TRAKT_CACHE
    with pytest.raises(StoreWriteError):
        TraktListCache(store, with_metadata=False).save(newer, _lists('b'))
    store.fail_saving = None
    cache = TraktListCache(store, with_metadata=False)
    assert not cache.all_current(newer)
    assert cache.all_current(_activities())
    assert cache.read(_activities(), lambda name: pytest.fail('read from trakt')) == _lists('a')


def test_a_cache_without_its_stamps_file_gets_one_from_its_lists(tmp_path):
    """A profile from before the stamps file: the first sync reads the stamps from the lists, the next no more."""
    store = CountingStore(str(tmp_path))
    TraktListCache(store, with_metadata=False).save(_activities(), _lists('a'))
    store.delete(CACHE_STAMPS)
    assert TraktListCache(store, with_metadata=False).all_current(_activities())
    store.loads[:] = []
    assert TraktListCache(store, with_metadata=False).all_current(_activities())
    assert store.loads == [CACHE_STAMPS]
    assert not TraktListCache(store, with_metadata=True).all_current(_activities())


def _stream_activities(rated='2026-11-01T10:00:00.000Z', paused='2026-11-01T10:00:00.000Z'):
    return {'movies': {'rated_at': rated, 'paused_at': paused}, 'episodes': {'rated_at': rated, 'paused_at': paused}}


def _stream_lists(tag):
    return {name: [{'list': name, 'tag': tag}] for name in STREAM_LISTS}


KODI_STATE = [['movie', 7, 8, None]]   # what Kodi had rated and in progress when the lists were saved


def test_a_timer_sync_decides_on_the_ratings_and_resume_points_without_loading_their_lists(tmp_path):
    store = CountingStore(str(tmp_path))
    saved = StreamListCache(store)
    saved.save(_stream_activities(), _stream_lists('a'))
    saved.save_kodi_state(KODI_STATE)
    store.loads[:] = []
    cache = StreamListCache(store)
    assert cache.all_current(_stream_activities(), list(STREAM_LISTS))
    assert not cache.all_current(_stream_activities(rated='2026-11-02T10:00:00.000Z'), list(STREAM_LISTS))
    assert cache.kodi_state == KODI_STATE
    assert store.loads == [STREAM_CACHE_STAMPS]
    assert cache.read(_stream_activities(), list(STREAM_LISTS), lambda name: pytest.fail('read')) == _stream_lists('a')
    assert store.loads == [STREAM_CACHE_STAMPS, STREAM_CACHE]


def test_ratings_lists_whose_saving_failed_are_read_again_and_kodi_is_read_again(tmp_path):
    """A failed write of the lists leaves those of before with their own stamps, and no Kodi state: the next sync
    reads trakt's newer lists and Kodi's ratings, never takes the old ones for current."""
    store = CountingStore(str(tmp_path))
    newer = _stream_activities(rated='2026-11-02T10:00:00.000Z')
    first = StreamListCache(store)
    first.save(_stream_activities(), _stream_lists('a'))
    first.save_kodi_state(KODI_STATE)
    store.fail_saving = STREAM_CACHE
    with pytest.raises(StoreWriteError):
        StreamListCache(store).save(newer, _stream_lists('b'))
    store.fail_saving = None
    cache = StreamListCache(store)
    assert not cache.all_current(newer, list(STREAM_LISTS))
    assert cache.all_current(_stream_activities(), list(STREAM_LISTS))
    assert cache.kodi_state is None
    assert cache.read(_stream_activities(), list(STREAM_LISTS), lambda name: pytest.fail('read')) == _stream_lists('a')


def test_a_ratings_cache_from_before_the_stamps_file_keeps_kodis_state_and_gets_the_file(tmp_path):
    store = CountingStore(str(tmp_path))
    lists = _stream_lists('a')
    store.save(STREAM_CACHE, {'schema': 1, 'lists': lists, 'kodi_state': KODI_STATE,
                              'stamps': {name: ['2026-11-01T10:00:00.000Z'] for name in lists}})
    assert StreamListCache(store).kodi_state == KODI_STATE
    store.loads[:] = []
    cache = StreamListCache(store)
    assert cache.all_current(_stream_activities(), list(STREAM_LISTS)) and cache.kodi_state == KODI_STATE
    assert store.loads == [STREAM_CACHE_STAMPS]


def test_history_moved_looks_at_the_watched_stamps_only():
    before = _activities()
    assert not history_moved(before, _activities(collected='2026-11-05T00:00:00.000Z'))
    assert history_moved(before, _activities(watched='2026-11-05T00:00:00.000Z'))


def test_items_trakt_did_not_know_are_kept_back_for_a_week_then_sent_again(tmp_path):
    store = JsonStore(str(tmp_path))
    now = [1000000.0]
    memory = NotFoundMemory(store, clock=lambda: now[0])
    memory.remember('trakt-history', 'movie:tmdb:1', 'A Film Trakt Lacks')
    memory.save()
    assert NotFoundMemory(store, clock=lambda: now[0]).knows('trakt-history', 'movie:tmdb:1')
    assert not NotFoundMemory(store, clock=lambda: now[0]).knows('trakt-collection', 'movie:tmdb:1')
    now[0] += NOT_FOUND_RETRY_SECONDS
    assert not NotFoundMemory(store, clock=lambda: now[0]).knows('trakt-history', 'movie:tmdb:1')


def test_a_clean_backup_offers_the_newest_clean_until_it_is_restored(tmp_path):
    backup = CleanBackup(JsonStore(str(tmp_path)))
    assert backup.last() is None
    backup.add([{'type': 'movie', 'ids': {'trakt': 1}}])
    backup.add([{'type': 'movie', 'ids': {'trakt': 2}}])
    newest = backup.last()
    assert newest['items'] == [{'type': 'movie', 'ids': {'trakt': 2}}]
    backup.mark_restored(newest)
    assert CleanBackup(JsonStore(str(tmp_path))).last()['items'] == [{'type': 'movie', 'ids': {'trakt': 1}}]
