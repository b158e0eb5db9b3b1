"""Issue 10 case 6: a history write whose outcome is unknown is not sent again in the same sync; the next sync
decides from what trakt then holds, so a play trakt committed late is not doubled and a lost one still arrives."""
from tests.engine.world import SERVICE_RETRY_SECONDS, EngineWorld


def _watched_film(world):
    row = world.scan('m0')
    world.library.watch(row)
    world.clock.advance(60)


def test_a_write_trakt_commits_after_the_client_gave_up_is_not_sent_again(tmp_path):
    world = EngineWorld(tmp_path)
    _watched_film(world)
    # trakt takes the POST but the answer is lost; the play shows 60 s later, long after the sync's own re-read
    world.trakt.inject('alice', 'timeout_after', visible_after=60)

    first = world.sync()

    assert first.status == 'ok' and first.waiting_for_trakt == 1
    assert len(world.history_posts()) == 0     # the lost POST never reached the emulator's log: nothing re-sent
    world.clock.advance(SERVICE_RETRY_SECONDS)
    second = world.sync()
    assert second.status == 'ok' and second.waiting_for_trakt == 0
    assert world.plays(0) == 1
    assert len(world.history_posts()) == 0


def test_a_write_trakt_never_took_is_sent_by_the_next_sync(tmp_path):
    world = EngineWorld(tmp_path)
    _watched_film(world)
    world.trakt.inject('alice', 'timeout', method='POST', path_prefix='/sync/history', commit='never')

    first = world.sync()

    assert first.waiting_for_trakt == 1 and world.plays(0) == 0
    world.clock.advance(SERVICE_RETRY_SECONDS)
    second = world.sync()
    assert second.status == 'ok' and second.waiting_for_trakt == 0
    assert world.plays(0) == 1
