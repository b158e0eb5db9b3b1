"""Kodi finishes a JSON-RPC batch it has started, so "Cancel", or Kodi quitting, waits for the batch in flight, and
Kodi ends a script that has not stopped 5 s after quitting began. A batch of 500 watched writes took 3.2-3.4 s in a
SQLite library and 7.3 s in a MariaDB one on the same machine (measured in real Kodi 20.1); a slower box or a
server across the network takes longer. So the sync sizes its Kodi batches by time (traktsync/kodi_batch.py).

Kodi here is a list whose writes move a clock of the test's by a set cost per item."""
from tests.engine.world import EngineWorld, ListLibrary, SteppedClock, kodi_movie

FILMS = 1200
KODI_PATIENCE = 5.0   # seconds Kodi gives a script to stop once it is quitting
PLAYED = '2024-05-01T20:00:00.000Z'


class TimedLibrary(ListLibrary):
    """Kodi whose watched writes take ``seconds_per_write`` each on ``clock``; ``before_batch(number)`` runs as
    each batch begins, and each batch's size and duration are kept."""

    def __init__(self, movies, clock, seconds_per_write, before_batch=lambda number: None):
        ListLibrary.__init__(self, movies)
        self.clock = clock
        self.seconds_per_write = seconds_per_write
        self.before_batch = before_batch
        self.batches = []
        self.rating_batches = []

    def apply_watched(self, changes):
        self.calls_made += 1
        self.before_batch(len(self.batches) + 1)
        seconds = len(changes) * self.seconds_per_write
        self.clock.now += seconds
        self.batches.append((len(changes), seconds))
        for change in changes:
            row = self._row(change.kodi_ids[0])
            row.playcount, row.lastplayed = change.playcount, change.lastplayed
        return []

    def apply_ratings(self, changes):
        seconds = len(changes) * self.seconds_per_write
        self.clock.now += seconds
        self.rating_batches.append((len(changes), seconds))
        return ListLibrary.apply_ratings(self, changes)


def world_where_trakt_watched_everything(tmp_path, seconds_per_write, before_batch=lambda number: None):
    world = EngineWorld(tmp_path, movies=FILMS)
    catalog = world.catalog['movies']
    for entry in catalog:
        world.emu.add_play('movie', entry['ids']['trakt'], PLAYED)
    clock = SteppedClock()
    world.library = TimedLibrary([kodi_movie(entry, i + 1) for i, entry in enumerate(catalog)], clock,
                                 seconds_per_write, before_batch)
    return world, clock


def test_a_slow_kodi_gets_batches_of_a_few_seconds_and_every_film_is_written(tmp_path):
    world, clock = world_where_trakt_watched_everything(tmp_path, seconds_per_write=0.04)   # a slow box

    result = world.engine(clock=clock).sync()

    assert result.status == 'ok', result.error
    assert result.applied['kodi_movies'] == FILMS
    assert sum(size for size, _seconds in world.library.batches) == FILMS
    assert max(seconds for _size, seconds in world.library.batches) <= KODI_PATIENCE, world.library.batches
    assert all(movie.playcount == 1 for movie in world.library.movies)


def test_a_fast_kodi_still_gets_batches_of_500(tmp_path):
    world, clock = world_where_trakt_watched_everything(tmp_path, seconds_per_write=0.004)

    result = world.engine(clock=clock).sync()

    assert result.status == 'ok', result.error
    assert [size for size, _seconds in world.library.batches] == [100, 500, 500, 100]


def test_cancel_on_a_slow_kodi_waits_for_one_short_batch_and_the_next_sync_writes_the_rest(tmp_path):
    pressed = []

    def press_cancel(number):   # "Cancel" pressed as the third batch begins: the sync stops once Kodi is done
        if number == 3:
            pressed.append(clock.now)

    world, clock = world_where_trakt_watched_everything(tmp_path, seconds_per_write=0.04, before_batch=press_cancel)

    result = world.engine(clock=clock, is_cancelled=lambda: bool(pressed)).sync()

    assert result.status == 'cancelled'
    assert clock.now - pressed[0] <= KODI_PATIENCE, world.library.batches   # what the user waited for after "Cancel"
    written = sum(size for size, _seconds in world.library.batches)
    assert 0 < written < FILMS and result.applied['kodi_movies'] == written
    plays = len(world.emu.plays('movie'))

    world.library.before_batch = lambda number: None
    again = world.engine(clock=clock).sync()
    assert again.status == 'ok', again.error
    assert again.applied['kodi_movies'] == FILMS - written
    assert all(movie.playcount == 1 for movie in world.library.movies)
    assert len(world.emu.plays('movie')) == plays == FILMS   # trakt's plays were never sent back


def test_ratings_from_trakt_go_to_a_slow_kodi_in_batches_of_a_few_seconds_too(tmp_path):
    world, clock = world_where_trakt_watched_everything(tmp_path, seconds_per_write=0.04)
    for entry in world.catalog['movies'][:600]:
        world.emu.rate('movie', entry['ids']['trakt'], 8, '2024-03-01T10:00:00.000Z')

    result = world.engine(clock=clock).sync()

    assert result.status == 'ok', result.error
    assert result.applied['kodi_ratings_movies'] == 600
    assert sum(size for size, _seconds in world.library.rating_batches) == 600
    batches = world.library.rating_batches
    assert max(seconds for _size, seconds in batches) <= KODI_PATIENCE, batches
    assert sum(1 for movie in world.library.movies if movie.userrating == 8) == 600
