"""What only the user can fix is not retried by the service (issue 11, item 7), and is told once in words that say
what to do: a locked account (423); an account at its free limit (420) skips only the stage that hit it."""
import pytest

from tests.e2e.sync_world import library_part, world_catalog
from tests.service.service_world import ServiceWorld
from tools.trakt_emulator.settings import default_limits

pytestmark = pytest.mark.kodi
EMULATOR_OPTIONS = {'post_interval': 0.2}

TOLD = r'\[service\.traktsync\] told the user: '
NO_RETRY = r'\[service\.traktsync\] the sync stopped on something only the user can fix; no automatic retry'
RETRY = r'\[service\.traktsync\] the sync failed; it is tried again in'


@pytest.fixture
def catalog():
    return world_catalog(movies=4, shows=0)


def make_world(kodi_factory, tmp_path, catalog, emulator):
    return ServiceWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=4, shows=0), settings={
        'sync_after_scan': True, 'instant_push': True, 'notifications': True, 'collection_metadata': False})


def test_a_locked_account_is_told_once_and_not_retried(kodi_factory, tmp_path, catalog, emulator):
    emulator.inject('status:423', count=1000, path_prefix='/sync/')
    world = make_world(kodi_factory, tmp_path, catalog, emulator)
    kodi = world.kodi

    kodi.wait_log(NO_RETRY, timeout=30)

    assert kodi.count_log(r'\[service\.traktsync\] sync error in') == 1
    assert kodi.count_log(TOLD + r'the trakt account is locked or deactivated: contact trakt support') == 1
    assert kodi.count_log(RETRY) == 0
    assert 'contact trakt support' in world.profile_file('last-error.json')['message']
    assert kodi.python_errors() == []


def test_a_server_error_is_retried(kodi_factory, tmp_path, catalog, emulator):
    emulator.inject('status:500', count=1000, path_prefix='/sync/')
    world = make_world(kodi_factory, tmp_path, catalog, emulator)

    world.kodi.wait_log(RETRY, timeout=60)

    assert world.kodi.count_log(NO_RETRY) == 0


def test_the_collection_limit_skips_the_collection_only_and_is_told_once(kodi_factory, tmp_path, catalog, emulator):
    emulator.set_limits(dict(default_limits(), collection={'item_count': 2}))
    world = make_world(kodi_factory, tmp_path, catalog, emulator)
    kodi = world.kodi
    told = TOLD + r'your trakt account is at its free limit of 2 collection items; trakt VIP lifts it'
    kodi.wait_log(told, timeout=30)   # the user is told after the sync has ended and logged its result
    world.wait_syncs(1)
    assert world.profile_file('last-result.json')['status'] == 'ok'

    world.set_movie_watched(catalog['movies'][0]['ids']['imdb'])   # instant push: a second sync
    world.wait_syncs(2)
    # The second sync's own notification comes after its warnings would have been told.
    kodi.wait_log(TOLD + r'Sync finished: 1 changes sent to trakt', timeout=30)

    assert emulator.play_count('movie', catalog['movies'][0]['ids']['trakt']) == 1   # the history went on
    assert emulator.collection('movie') == []
    assert kodi.count_log(told) == 1                                                 # once, not on every sync
    assert kodi.count_log(RETRY) == 0 and kodi.count_log(NO_RETRY) == 0
    assert world.profile_file('last-result.json')['warnings']
    assert kodi.python_errors() == []
