"""trakt's permanent answers (issue 11, item 7): a 420 skips only the stage that hit the account limit and says
what to do with trakt's numbers; 423, 426 and a refused sign-in end the sync as an error the service does not
retry on its own."""
import pytest

from tests.engine.world import EngineWorld, kodi_movie
from tools.trakt_emulator.settings import default_limits


def watched_world(tmp_path, limits):
    world = EngineWorld(tmp_path, movies=6)
    world.emu.set_limits(dict(default_limits(), **limits))
    world.library.movies = [kodi_movie(world.catalog['movies'][i], i + 1, playcount=1) for i in range(6)]
    return world


def test_a_collection_over_the_free_limit_skips_only_the_collection(tmp_path):
    world = watched_world(tmp_path, {'collection': {'item_count': 3}})

    result = world.sync()

    assert result.status == 'ok', result.error
    assert len(world.emu.plays('movie')) == 6                     # the history went on
    assert world.collected() == []
    assert result.warnings == ['your trakt account is at its free limit of 3 collection items; trakt VIP lifts it']
    assert world.last_result()['warnings'] == result.warnings


def test_a_history_over_its_limit_still_lets_the_collection_through(tmp_path):
    world = watched_world(tmp_path, {'history': {'item_count': 2}})

    result = world.sync()

    assert result.status == 'ok', result.error
    assert world.emu.plays('movie') == []
    assert len(world.collected()) == 6                            # the stage after the one that hit the limit
    assert result.warnings == ['your trakt account is at its free limit of 2 history items; trakt VIP lifts it']


@pytest.mark.parametrize('status, words', [(423, 'contact trakt support'), (426, 'trakt.tv/vip')])
def test_a_locked_account_or_a_vip_only_answer_is_an_error_that_needs_the_user(tmp_path, status, words):
    world = watched_world(tmp_path, {})
    world.emu.inject('status:{}'.format(status), count=1, method='POST', path_prefix='/sync/history')

    result = world.sync()

    assert result.status == 'error'
    assert result.permanent
    assert words in result.error


def test_a_refused_refresh_is_an_error_that_needs_the_user(tmp_path):
    world = watched_world(tmp_path, {})
    world.emu.revoke_all_tokens()

    result = world.sync()

    assert result.status == 'error'
    assert result.permanent
    assert 'authorize the add-on again' in result.error


def test_a_server_error_is_retried_by_the_service(tmp_path):
    world = watched_world(tmp_path, {})
    world.emu.inject('status:500', count=20, method='GET', path_prefix='/sync/last_activities')

    result = world.sync()

    assert result.status == 'error'
    assert not result.permanent
