"""The engine's pieces, each on its own over a real profile folder: the trakt list cache, the not-found memory
and the clean backup."""
from traktsync.clean_backup import CleanBackup
from traktsync.not_found import NOT_FOUND_RETRY_SECONDS, NotFoundMemory
from traktsync.store import JsonStore
from traktsync.trakt_cache import TraktListCache, history_moved


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
