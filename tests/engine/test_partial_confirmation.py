"""Issue 10 case 5: trakt confirms fewer plays than were sent. What is recorded is exactly what trakt confirmed;
one item's answer never settles another, so the next sync sends what is missing and nothing twice."""
from tests.engine.world import EngineWorld

FILMS = ('m0', 'm1', 'm2')


def _watch(world, items):
    for item in items:
        world.library.watch(world.library.rows_of(item)[0])
    world.clock.advance(60)


def test_plays_trakt_dropped_from_a_first_sync_batch_arrive_with_the_next_sync(tmp_path):
    world = EngineWorld(tmp_path)
    for item in FILMS:
        world.scan(item)
    _watch(world, FILMS)
    world.trakt.inject('alice', 'partial', drop=1)      # trakt takes two of the three plays

    first = world.sync()

    assert first.status == 'ok'
    assert sorted(world.plays(i) for i in range(3)) == [0, 1, 1]
    second = world.sync()
    assert second.status == 'ok'
    assert [world.plays(i) for i in range(3)] == [1, 1, 1]


def test_a_dropped_rewatch_is_sent_again_and_the_confirmed_ones_are_not(tmp_path):
    world = EngineWorld(tmp_path)
    for item in FILMS:
        world.scan(item)
    _watch(world, FILMS)
    world.sync()
    assert [world.plays(i) for i in range(3)] == [1, 1, 1]
    _watch(world, FILMS)                                 # each film watched again
    world.trakt.inject('alice', 'partial', drop=1)

    world.sync()
    assert sorted(world.plays(i) for i in range(3)) == [1, 2, 2]
    world.sync()
    assert [world.plays(i) for i in range(3)] == [2, 2, 2]
