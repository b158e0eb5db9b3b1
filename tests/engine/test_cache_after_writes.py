"""Issue 12: after writes trakt confirmed in full, the cached trakt lists take what was sent instead of being read
again (a request per page), and hold exactly what trakt holds; a list in doubt (another app writing) is read
again, so another app's play is never lost to the cache. Plays sent in several POSTs
are checked by trakt's play count: it must have grown by exactly what our POSTs added."""
import os
from datetime import datetime, timezone

from tests.engine import soak_world
from tests.engine.world import COLLECTED_AT, EngineWorld, kodi_movie
from traktsync.account import ACCOUNTS_FOLDER
from traktsync.model import TraktSnapshot
from traktsync.store import JsonStore, TokenStore
from traktsync.trakt import TraktClient
from traktsync.trakt_cache import TRAKT_CACHE, TRAKT_LISTS
from traktsync.version import VERSION

LIST_PATHS = ('/sync/watched/movies', '/sync/watched/shows', '/sync/collection/movies', '/sync/collection/shows')


def cached_lists(folder):
    """The trakt lists in the account's cache file (the only account of the profile at ``folder``)."""
    accounts = os.path.join(folder, ACCOUNTS_FOLDER)
    return JsonStore(os.path.join(accounts, os.listdir(accounts)[0])).load(TRAKT_CACHE)['lists']


def state(lists):
    """What a list set says, by item: ``{(kind, id...): (plays, collected)}`` (ids trakt and Kodi both know)."""
    snapshot = TraktSnapshot.from_lists(*(lists[name] for name in TRAKT_LISTS))
    found = {('movie', m.ids.imdb): (m.plays, m.collected) for m in snapshot.movies if m.plays or m.collected}
    found.update({('episode', e.show.ids.tvdb, e.season, e.number): (e.plays, e.collected)
                  for e in snapshot.episodes if e.plays or e.collected})
    return found


def trakt_lists(client):
    """trakt's lists as they are now, read through the add-on's own client."""
    try:
        return {'watched_movies': client.watched_movies(), 'watched_shows': client.watched_shows(),
                'collection_movies': client.collection_movies(), 'collection_shows': client.collection_shows()}
    finally:
        client.close()


def soak_client(world):
    url = world.trakt.url(soak_world.ACCOUNT)
    return TraktClient(VERSION, TokenStore(world.store), soak_world.CLIENT_ID, soak_world.CLIENT_SECRET, api_url=url,
                       oauth_url=url, post_interval=0, session=world.trakt.session())


def reads_after_first_post(requests):
    """The list GETs that came after the sync's first POST (its re-reads)."""
    first = next(i for i, r in enumerate(requests) if r['method'] == 'POST')
    return [r['path'] for r in requests[first:] if r['method'] == 'GET' and r['path'] in LIST_PATHS]


def movies_world(tmp_path, trakt_only=True, **settings):
    """Films 0-4 watched in Kodi only, film 5 watched on trakt only (a Kodi write); films 0 and 1 collected."""
    world = EngineWorld(tmp_path, movies=8, **settings)
    catalog = world.catalog['movies']
    world.library.movies = [kodi_movie(catalog[i], i + 1, playcount=1 if i < 5 else 0) for i in range(6)]
    if trakt_only:
        world.emu.add_play('movie', catalog[5]['ids']['trakt'], '2024-05-01T20:00:00.000Z')
    world.collect_on_trakt([0, 1])
    return world


def test_confirmed_writes_update_the_cache_without_reading_the_lists_again(tmp_path):
    world = movies_world(tmp_path)

    result = world.sync()

    assert result.status == 'ok', result.error
    assert result.applied == {'kodi_movies': 1, 'history_add_movies': 5, 'collection_add_movies': 4}
    assert reads_after_first_post(world.emu.requests) == []
    assert state(cached_lists(world.store.folder)) == state(trakt_lists(world.client()))
    world.emu.clear_requests()
    nothing = world.engine().sync(kodi_unchanged=True)
    assert nothing.status == 'ok' and nothing.trakt_requests == 1


SEVERAL_POSTS = {'batch_start': 2, 'batch_min': 2, 'batch_max': 2}


def play_count_reads(requests):
    return [r for r in requests if r['method'] == 'GET' and r['path'] == '/sync/history']


def test_plays_sent_in_several_posts_update_the_cache_when_trakts_play_count_shows_no_other_app(tmp_path):
    world = movies_world(tmp_path)

    result = world.engine(client_options=SEVERAL_POSTS).sync()

    assert result.status == 'ok', result.error
    assert [r['path'] for r in world.emu.requests if r['method'] == 'POST'].count('/sync/history') == 3
    assert reads_after_first_post(world.emu.requests) == []
    assert len(play_count_reads(world.emu.requests)) == 2     # right before the plays, and after the writes
    assert state(cached_lists(world.store.folder)) == state(trakt_lists(world.client()))


def test_a_play_another_app_sends_between_our_posts_has_the_watched_lists_read_again(tmp_path):
    world = movies_world(tmp_path, trakt_only=False)   # no Kodi writes: the trakt stages report their own progress
    world.library.movies.append(kodi_movie(world.catalog['movies'][6], 7))
    other = world.catalog['movies'][7]['ids']['trakt']

    sent = []

    def progress(stage, done, total):
        if stage == 'trakt-history' and 0 < done < total and not sent:
            sent.append(world.emu.add_play('movie', other, '2024-06-01T20:00:00.000Z'))   # between our POSTs

    result = world.engine(client_options=SEVERAL_POSTS, progress=progress).sync()

    assert result.status == 'ok', result.error
    assert reads_after_first_post(world.emu.requests) == ['/sync/watched/movies']
    assert state(cached_lists(world.store.folder)) == state(trakt_lists(world.client()))


def test_without_trakts_play_count_plays_sent_in_several_posts_are_read_again(tmp_path):
    world = movies_world(tmp_path)
    world.emu.inject('strip_pagination', count=10, path_prefix='/sync/history')   # a proxy drops the headers

    result = world.engine(client_options=SEVERAL_POSTS).sync()

    assert result.status == 'ok', result.error
    assert reads_after_first_post(world.emu.requests) == ['/sync/watched/movies']
    assert state(cached_lists(world.store.folder)) == state(trakt_lists(world.client()))


def test_a_play_another_app_sends_while_the_sync_writes_is_not_lost_to_the_cache(tmp_path):
    world = movies_world(tmp_path, trakt_only=False)   # no Kodi writes: the trakt stages report their own progress
    world.library.movies.append(kodi_movie(world.catalog['movies'][6], 7))
    other = world.catalog['movies'][6]['ids']['trakt']

    def progress(stage, done, total):
        if stage == 'trakt-collection' and done:   # a scrobbler's play, after our plays were confirmed
            world.emu.add_play('movie', other, '2024-06-01T20:00:00.000Z')

    world.engine(progress=progress).sync()

    assert state(cached_lists(world.store.folder)) != state(trakt_lists(world.client()))   # the cache is behind ...
    second = world.engine().sync(kodi_unchanged=True)
    assert second.applied == {'kodi_movies': 1}                                     # ... and knows it
    assert state(cached_lists(world.store.folder)) == state(trakt_lists(world.client()))


def test_a_clean_updates_the_cached_collection(tmp_path):
    world = movies_world(tmp_path, clean_collection=True)
    world.collect_on_trakt([6, 7])                 # collected on trakt, not in the Kodi library

    result = world.sync(clean=True)

    assert result.status == 'ok', result.error
    assert result.clean['removed'] == 2
    assert reads_after_first_post(world.emu.requests) == []
    assert state(cached_lists(world.store.folder)) == state(trakt_lists(world.client()))


def test_episodes_and_their_shows_are_cached_as_trakt_lists_them(tmp_path):
    world = soak_world.EngineWorld(tmp_path / 'profile', movies=2, shows=2, episodes=3)
    for item in ('m0', 'e0.1.1', 'e0.1.2', 'e1.1.1', 'e1.1.3'):
        world.scan(item)
    for item in ('e0.1.1', 'e1.1.3', 'm0'):
        world.library.watch(world.library.rows_of(item)[0])
    world.emulator.add_play('episode', world.catalog['shows'][0]['seasons'][0]['episodes'][1]['ids']['trakt'],
                            datetime(2026, 5, 1, tzinfo=timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z'))
    world.emulator.collect('episode', world.catalog['shows'][1]['seasons'][0]['episodes'][0]['ids']['trakt'],
                           COLLECTED_AT)
    world.clock.advance(60)

    result = world.sync()

    assert result.status == 'ok', result.error
    assert result.applied == {'kodi_episodes': 1, 'history_add_movies': 1, 'history_add_episodes': 2,
                              'collection_add_movies': 1, 'collection_add_episodes': 3}
    assert reads_after_first_post(world.emulator.requests) == []
    assert state(cached_lists(str(tmp_path / 'profile'))) == state(trakt_lists(soak_client(world)))


def test_a_list_made_from_our_writes_is_read_from_trakt_the_next_time_we_write_to_it(tmp_path):
    world = movies_world(tmp_path)
    world.sync()
    world.library.movies.append(kodi_movie(world.catalog['movies'][6], 7))   # a new film: one more to collect
    world.emu.clear_requests()

    result = world.sync()

    assert result.applied == {'collection_add_movies': 1}
    # whatever another app did to the collection while the first sync wrote is seen now
    assert reads_after_first_post(world.emu.requests) == ['/sync/collection/movies']
    assert state(cached_lists(world.store.folder)) == state(trakt_lists(world.client()))


def test_a_list_made_from_our_writes_stays_marked_through_syncs_that_do_not_write_to_it(tmp_path):
    world = movies_world(tmp_path)
    world.sync()
    world.library.movies[5] = kodi_movie(world.catalog['movies'][5], 6, playcount=2,
                                         lastplayed=datetime(2024, 7, 1, tzinfo=timezone.utc))
    world.sync()                                   # plays only: the collection is not written
    world.library.movies.append(kodi_movie(world.catalog['movies'][6], 7))
    world.emu.clear_requests()

    world.sync()

    assert '/sync/collection/movies' in reads_after_first_post(world.emu.requests)
