"""A sync interrupted at the worst moments loses nothing and sends nothing twice.

Kodi killed half-way through a large apply, 5xx bursts, 429s and a timed-out history POST whose plays did
arrive: after the next sync both sides are as if one sync had run without trouble.
"""
import pytest

from tests.e2e.sync_world import SyncWorld, library_part, wait_for_request, world_catalog

pytestmark = pytest.mark.kodi
SMALL_BATCHES = {'batch_size_start': 25, 'batch_size_min': 25, 'batch_size_max': 25}


@pytest.fixture
def catalog():
    return world_catalog(movies=30, shows=4, seasons=2, episodes_per_season=10)


def watched_library(catalog):
    """Every movie watched once in Kodi, every episode of the first two shows twice; the last two shows watched
    on trakt only (plays the sync must bring into Kodi)."""
    library = library_part(catalog, movies=30, shows=4)
    for index, movie in enumerate(library['movies']):
        movie.update(playcount=1, lastplayed='2026-0{}-1{} 00:00:00'.format(1 + index % 9, index % 10))
    for show in library['shows'][:2]:
        for season in show['seasons']:
            for episode in season['episodes']:
                episode.update(playcount=2, lastplayed='2026-10-{:02d} 00:00:00'.format(episode['number']))
    return library


def seed_trakt_only_plays(emulator, catalog):
    for show in catalog['shows'][2:]:
        for season in show['seasons']:
            for episode in season['episodes']:
                emulator.add_play('episode', episode['ids']['trakt'], '2026-09-0{}T20:00:00.000Z'.format(
                    season['number']))


def assert_synced_once(world, emulator, catalog):
    """Each item watched in Kodi only is one play on trakt (Kodi's count of 2 is not made into two dated plays);
    each item watched on trakt only is watched in Kodi."""
    for movie in catalog['movies']:
        assert emulator.play_count('movie', movie['ids']['trakt']) == 1, movie['title']
    episodes = world.episodes()
    for index, show in enumerate(catalog['shows']):
        for season in show['seasons']:
            for episode in season['episodes']:
                assert emulator.play_count('episode', episode['ids']['trakt']) == 1, episode['title']
                assert episodes[episode['ids']['tvdb']]['playcount'] == (2 if index < 2 else 1), episode['title']
    assert len(emulator.plays()) == 30 + 2 * 20 + 2 * 20


def test_kodi_killed_half_way_through_a_large_apply(kodi_factory, tmp_path, catalog, emulator):
    seed_trakt_only_plays(emulator, catalog)
    world = SyncWorld(kodi_factory, tmp_path, emulator, watched_library(catalog), settings=SMALL_BATCHES)
    world.kodi.run_script('service.traktsync', ['action=sync'])
    wait_for_request(emulator, 'POST', '/sync/history', 201, count=2)   # 2 of 5 history batches confirmed

    world.kodi.kill()
    partial = len(emulator.plays())
    assert 40 + 25 <= partial < 40 + 30 + 40
    world.kodi.start()
    world.syncs = 0
    world.sync(timeout=120)

    assert_synced_once(world, emulator, catalog)


@pytest.mark.parametrize('fault', [
    dict(kind='status:502', count=3),
    dict(kind='status:500', count=1),
    dict(kind='429', count=3, retry_after=1),
    dict(kind='timeout', count=1, hold=2.0, apply=True),
    dict(kind='timeout', count=1, hold=2.0, apply=False),
], ids=['502-burst', '500', '429s', 'timeout-applied', 'timeout-lost'])
def test_faults_on_history_posts_lose_nothing_and_send_nothing_twice(kodi_factory, tmp_path, catalog, emulator,
                                                                     fault):
    seed_trakt_only_plays(emulator, catalog)
    world = SyncWorld(kodi_factory, tmp_path, emulator, watched_library(catalog), settings=SMALL_BATCHES)
    emulator.inject(method='POST', path_prefix='/sync/history', **fault)

    first = world.sync(timeout=120)
    if fault['kind'] == 'status:500' or fault.get('apply') is False:
        # trakt may have taken the batch: it is not sent again in this sync, and the user is told
        assert first['status'] == 'ok' and first['waiting_for_trakt'] == 25, first
    if first['status'] != 'ok' or first['waiting_for_trakt']:
        second = world.sync(timeout=120)    # the service runs this one by itself a few minutes later
        assert second['status'] == 'ok', second['error']
        assert second['waiting_for_trakt'] == 0

    assert_synced_once(world, emulator, catalog)


def test_an_unreadable_trakt_answer_stops_the_sync_with_a_message_and_changes_nothing(kodi_factory, tmp_path,
                                                                                      catalog, emulator):
    seed_trakt_only_plays(emulator, catalog)
    world = SyncWorld(kodi_factory, tmp_path, emulator, watched_library(catalog), settings=SMALL_BATCHES)
    emulator.inject('malformed', count=20, method='GET', path_prefix='/sync/watched/movies')
    seeded = len(emulator.plays())

    first = world.sync(timeout=120)

    assert first['status'] == 'error'
    assert 'trakt' in first['error']
    assert len(emulator.plays()) == seeded
    assert sum(e['playcount'] for e in world.episodes().values()) == 2 * 20 * 2     # Kodi's own plays only
    emulator.clear_faults()
    assert world.sync(timeout=120)['status'] == 'ok'
    assert_synced_once(world, emulator, catalog)
