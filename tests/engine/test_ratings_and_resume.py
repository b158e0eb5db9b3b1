"""Ratings and resume points both ways, with the real engine and client against the emulator (in process)."""
from datetime import datetime, timezone

from tests import openapi_contract as contract
from tests.engine.world import movies_with_lengths

LASTPLAYED = datetime(2024, 3, 5, 21, 0, tzinfo=timezone.utc)


def _world(tmp_path, **settings):
    return movies_with_lengths(tmp_path, **settings)


def _gets(world, prefix):
    return [r for r in world.emu.requests if r['method'] == 'GET' and r['path'].startswith(prefix)]


def test_a_rating_set_on_trakt_appears_in_kodi_and_one_set_in_kodi_appears_on_trakt(tmp_path):
    world, entries = _world(tmp_path)
    world.emu.rate('movie', entries[0]['ids']['trakt'], 9, '2024-03-01T10:00:00.000Z')
    world.library.movies[1].userrating = 6

    result = world.sync()

    assert result.status == 'ok'
    assert world.library.movies[0].userrating == 9
    assert [(r['trakt_id'], r['rating']) for r in world.emu.ratings('movie')] == [
        (entries[0]['ids']['trakt'], 9), (entries[1]['ids']['trakt'], 6)]
    assert result.applied == {'kodi_ratings_movies': 1, 'ratings_add_movies': 1}
    for request in world.posts('/sync/ratings'):
        contract.validate_request('POST', '/sync/ratings', request['body'])

    world.library.movies[0].userrating = 4       # changed in Kodi since the last sync
    world.emu.rate('movie', entries[1]['ids']['trakt'], 8)    # changed on trakt
    world.sync()
    assert {r['trakt_id']: r['rating'] for r in world.emu.ratings('movie')}[entries[0]['ids']['trakt']] == 4
    assert world.library.movies[1].userrating == 8

    world.emu.requests.clear()
    assert world.sync().applied == {}
    assert not world.posts('/sync/ratings')


def test_a_rating_removed_on_one_side_since_the_last_sync_is_removed_on_the_other_and_only_then(tmp_path):
    world, entries = _world(tmp_path)
    world.library.movies[0].userrating = 7
    world.library.movies[1].userrating = 5
    world.sync()

    world.library.movies[0].userrating = 0
    world.sync()
    assert [r['trakt_id'] for r in world.emu.ratings('movie')] == [entries[1]['ids']['trakt']]
    for request in world.posts('/sync/ratings/remove'):
        contract.validate_request('POST', '/sync/ratings/remove', request['body'])
    assert world.library.movies[1].userrating == 5    # untouched


def test_a_resume_point_saved_on_trakt_becomes_kodis_and_kodis_goes_to_trakt(tmp_path):
    world, entries = _world(tmp_path)
    assert world.emu.pause('movie', entries[0]['ids']['trakt'], 40.0) == 201     # paused on a phone
    world.library.movies[1].resume = (1500.0, 6000.0)      # stopped in Kodi at 25 %
    world.library.movies[1].lastplayed = LASTPLAYED

    result = world.sync()

    assert result.status == 'ok'
    assert world.library.movies[0].resume == (2400.0, 6000.0)
    assert [(p['trakt_id'], p['progress']) for p in world.emu.playback('movie')
            if p['trakt_id'] == entries[1]['ids']['trakt']] == [(entries[1]['ids']['trakt'], 25.0)]
    assert result.applied == {'kodi_resume_movies': 1, 'resume_add_movies': 1}
    [pause] = world.posts('/scrobble/pause')
    contract.validate_request('POST', '/scrobble/pause', pause['body'])

    world.emu.requests.clear()
    assert world.sync().applied == {}       # our own point on trakt is not taken back as a change


def test_a_point_removed_in_kodi_is_removed_on_trakt_and_a_finished_item_gets_no_point_again(tmp_path):
    world, entries = _world(tmp_path)
    world.library.movies[0].resume = (1500.0, 6000.0)
    world.library.movies[0].lastplayed = LASTPLAYED
    world.sync()
    assert len(world.emu.playback('movie')) == 1

    world.library.movies[0].resume = None           # watched to the end in Kodi: Kodi drops the point
    world.library.movies[0].playcount = 1
    world.library.movies[0].lastplayed = datetime.now(timezone.utc)
    result = world.sync()

    assert result.applied.get('resume_remove_movies') == 1
    assert world.emu.playback('movie') == []
    assert world.library.movies[0].resume is None


def test_with_both_streams_off_trakts_ratings_and_points_are_not_read(tmp_path):
    world, entries = _world(tmp_path, sync_ratings=False, sync_resume=False)
    world.emu.rate('movie', entries[0]['ids']['trakt'], 9)
    world.library.movies[1].userrating = 6
    world.sync()
    assert not _gets(world, '/sync/ratings') and not _gets(world, '/sync/playback')
    assert world.library.movies[0].userrating == 0 and len(world.emu.ratings('movie')) == 1


def test_a_sync_in_which_nothing_changed_reads_no_ratings_or_points(tmp_path):
    world, entries = _world(tmp_path)
    world.emu.rate('movie', entries[0]['ids']['trakt'], 9)
    world.library.movies[2].userrating = 5
    world.library.movies[2].resume = (600.0, 6000.0)
    world.library.movies[2].lastplayed = LASTPLAYED
    first = world.sync()         # writes a rating and a point to trakt, and reads those lists again at its end
    assert first.applied.get('ratings_add_movies') == 1 and first.applied.get('resume_add_movies') == 1
    world.emu.requests.clear()

    result = world.engine().sync(kodi_unchanged=True)

    assert result.status == 'ok' and result.trakt_requests == 1
    world.emu.rate('movie', entries[1]['ids']['trakt'], 3)      # rated on trakt: the next such sync reads
    world.engine().sync(kodi_unchanged=True)
    assert world.library.movies[1].userrating == 3
