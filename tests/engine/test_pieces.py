"""The engine's pieces, each on its own over a real profile folder: the trakt list cache, the not-found memory
and the clean backup."""
import pytest

from traktsync.clean_backup import CleanBackup
from traktsync.not_found import NOT_FOUND_RETRY_SECONDS, NotFoundMemory
from traktsync.store import JsonStore, StoreWriteError
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
