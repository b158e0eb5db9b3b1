"""The service syncs by itself: after start-up (after the delay), on the timer, after a library scan, and soon
after a watched change in Kodi. Real Kodi, the trakt emulator as the account."""
import time

import pytest

from tests.e2e.sync_world import library_part, world_catalog
from tests.service.service_world import ServiceWorld
from tools import media_tree

pytestmark = pytest.mark.kodi
EMULATOR_OPTIONS = {'post_interval': 0.2}   # for the shared ``emulator`` fixture

SERVICE_STARTED = r'\[service\.traktsync\] service \S+ started'
STARTUP_DELAY = 3
INTERVAL_SECONDS = 8     # sync_interval_hours=1 with a test "hour" of 8 s


@pytest.fixture
def catalog():
    return world_catalog(movies=4, shows=1, seasons=1, episodes_per_season=3)


def _sync_lines(kodi, reason):
    return [line for line in kodi.log_text().splitlines()
            if 'automatic sync (' in line and reason in line.split('automatic sync (')[1]]


def _wait_sync_for(kodi, reason, count=1, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = _sync_lines(kodi, reason)
        if len(lines) >= count:
            return lines[count - 1]
        time.sleep(0.1)
    raise AssertionError('no automatic sync for {} within {} s'.format(reason, timeout))


@pytest.mark.every_major
def test_start_up_timer_scan_and_watched_change_each_lead_to_a_sync(kodi_factory, tmp_path, catalog, emulator):
    library = library_part(catalog, movies=3, shows=1)
    last_episode = library['shows'][0]['seasons'][0]['episodes'].pop()
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library, settings={
        'sync_at_startup': True, 'startup_delay': STARTUP_DELAY, 'sync_interval_hours': 1,
        'interval_unit_seconds': INTERVAL_SECONDS, 'sync_after_scan': True, 'instant_push': True})
    kodi = world.kodi

    # start-up: not before the delay, then the library reaches trakt
    started = kodi.log_time(kodi.wait_log(SERVICE_STARTED, timeout=20))
    first = kodi.log_time(_wait_sync_for(kodi, 'startup', timeout=20))
    assert first - started >= STARTUP_DELAY - 0.3
    world.wait_syncs(1)

    # the timer: the next sync comes one interval after the last one, by itself
    timer = kodi.log_time(_wait_sync_for(kodi, 'interval', timeout=INTERVAL_SECONDS * 3))
    assert timer - first >= INTERVAL_SECONDS - 1

    # a scan that finds a new episode: the sync after it adds it to the trakt collection
    show = library['shows'][0]
    media_tree.write_episode(world.media, show, 1, last_episode)
    kodi.scan()
    _wait_sync_for(kodi, 'scan', timeout=20)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        collected = {c['trakt_id'] for c in emulator.collection('episode')}
        if last_episode['ids']['trakt'] in collected:
            break
        time.sleep(0.2)
    assert last_episode['ids']['trakt'] in collected
    assert len(collected) == 3

    # marking a movie watched in Kodi reaches trakt within 10 s, as exactly one play
    movie = catalog['movies'][1]
    marked = time.monotonic()
    world.set_movie_watched(movie['ids']['imdb'])
    while time.monotonic() - marked < 10 and not emulator.plays('movie'):
        time.sleep(0.1)
    assert time.monotonic() - marked < 10, 'the watched change did not reach trakt within 10 s'
    time.sleep(3)   # a second push would come within the debounce: there must be none
    assert [p['trakt_id'] for p in emulator.plays('movie')] == [movie['ids']['trakt']]
    assert kodi.python_errors() == []


def test_a_timer_sync_reads_the_library_only_after_kodi_reported_a_change(kodi_factory, tmp_path, catalog,
                                                                          emulator):
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=3, shows=1), settings={
        'sync_at_startup': True, 'startup_delay': 1, 'sync_interval_hours': 1,
        'interval_unit_seconds': INTERVAL_SECONDS})          # no instant push, no sync after a scan
    kodi = world.kodi
    _wait_sync_for(kodi, 'startup', timeout=20)
    # Once nothing changes on either side, a timer sync asks trakt one question and leaves the library alone (one
    # Kodi call asks for the rated and in-progress items: Kodi announces no change of those).
    kodi.wait_log(r'\[service\.traktsync\] sync ok in .*nothing changed \(trakt requests: 1, Kodi calls: 1\)',
                  timeout=INTERVAL_SECONDS * 4)

    # A movie marked watched in Kodi: Kodi reports it, so the next timer sync reads the library and sends the play.
    movie = catalog['movies'][0]
    world.set_movie_watched(movie['ids']['imdb'])
    deadline = time.monotonic() + INTERVAL_SECONDS * 3
    while not emulator.plays('movie'):
        assert time.monotonic() < deadline, 'the watched change did not reach trakt with the timer sync'
        time.sleep(0.2)
    assert [p['trakt_id'] for p in emulator.plays('movie')] == [movie['ids']['trakt']]
    assert kodi.python_errors() == []


@pytest.mark.parametrize('commit', ['never', 'after'])
def test_plays_trakt_did_not_confirm_are_settled_by_a_sync_soon_after_by_itself(kodi_factory, tmp_path, catalog,
                                                                                 emulator, commit):
    """The history POST times out: trakt dropped it, or took it and shows it a moment later. The sync does not
    send those plays again; the service syncs again a few minutes later by itself (a test "hour" of 36 s makes
    that 3 s) and the plays are on trakt once each."""
    library = library_part(catalog, movies=2, shows=0)
    for movie in library['movies']:
        movie.update(playcount=1, lastplayed='2026-11-20 21:00:00')
    emulator.inject('timeout', method='POST', path_prefix='/sync/history', hold=2.0, commit=commit,
                    visible_after=1.0)
    world = ServiceWorld(kodi_factory, tmp_path, emulator, library, settings={
        'sync_at_startup': True, 'startup_delay': 1, 'interval_unit_seconds': 36})   # the timer stays off
    kodi = world.kodi
    _wait_sync_for(kodi, 'startup', timeout=20)
    kodi.wait_log(r'\[service\.traktsync\] 2 items wait for trakt to confirm their plays', timeout=60)
    _wait_sync_for(kodi, 'retry', timeout=30)
    world.wait_syncs(2, timeout=60)
    assert sorted(p['trakt_id'] for p in emulator.plays('movie')) == sorted(
        movie['ids']['trakt'] for movie in catalog['movies'][:2])
    assert world.profile_file('last-result.json')['waiting_for_trakt'] == 0
    assert kodi.python_errors() == []
