"""Ids that do not overlap (issue 11, item 11): a Kodi film known by its tmdb id only, and trakt's entry of the same
film with imdb + trakt ids and tmdb null. Nothing is shared, so without asking trakt the two are two items: the play
is sent again, the film collected again, and trakt's entry is a clean candidate although the film is in Kodi."""
from datetime import datetime, timezone

from tests.engine.world import EngineWorld, kodi_movie
from tools import catalog as catalogs

WATCHED_IN_KODI = datetime(2024, 3, 1, 20, 0, tzinfo=timezone.utc)
PLAYED_ON_TRAKT = '2024-03-01T20:00:00.000Z'


def _world(tmp_path):
    catalog = catalogs.make_catalog(movies=3, shows=0)
    film = catalog['movies'][0]
    tmdb = catalogs.hide_id(film, 'tmdb')       # trakt knows the tmdb id but lists it as null
    world = EngineWorld(tmp_path, catalog=catalog, clean_collection=True)
    world.film = film
    world.emu.add_play('movie', film['ids']['trakt'], PLAYED_ON_TRAKT)
    world.collect_on_trakt([0, 1])
    # Kodi: the film by its tmdb id only, watched once; a second film with both ids (collected on trakt too).
    world.library.movies = [kodi_movie(film, 1, playcount=1, lastplayed=WATCHED_IN_KODI, ids={'tmdb': str(tmdb)}),
                            kodi_movie(catalog['movies'][1], 2)]
    return world


def _searches(world):
    return [r for r in world.emu.requests if r['path'].startswith('/search/')]


def test_the_film_is_matched_through_trakts_id_look_up_not_played_collected_or_cleaned_again(tmp_path):
    world = _world(tmp_path)

    result = world.sync(clean=True)

    assert result.status == 'ok', result.error
    trakt_id = world.film['ids']['trakt']
    assert world.emu.play_count('movie', trakt_id) == 1            # no second play
    assert world.posts('/sync/history') == [] and world.posts('/sync/collection') == []   # not collected again
    assert result.plan.clean_candidates == [] and trakt_id in world.collected()           # not a clean candidate
    assert [(r['path'], r['query']) for r in _searches(world)] == [
        ('/search/tmdb/{}'.format(world.film['search_ids']['tmdb']), {'type': 'movie'})]


def test_a_later_sync_does_not_search_again_and_a_no_op_sync_is_one_request(tmp_path):
    world = _world(tmp_path)
    assert world.sync(clean=True).status == 'ok'
    world.emu.clear_requests()

    again = world.sync(clean=True)

    assert again.status == 'ok' and again.trakt_requests == 1, world.emu.requests
    assert _searches(world) == [] and again.plan.is_empty() and again.plan.clean_candidates == []
    assert world.emu.play_count('movie', world.film['ids']['trakt']) == 1
    quiet = world.engine().sync(kodi_unchanged=True)
    assert quiet.status == 'ok' and quiet.trakt_requests == 1


def test_a_failed_look_up_leaves_the_film_unresolved_never_cleaned_nor_played_again(tmp_path):
    world = _world(tmp_path)
    world.emu.inject('status:503', count=20, path_prefix='/search/')

    result = world.sync(clean=True)

    assert result.status == 'ok', result.error
    trakt_id = world.film['ids']['trakt']
    assert trakt_id in world.collected() and result.plan.clean_candidates == []
    assert world.emu.play_count('movie', trakt_id) == 1 and world.posts('/sync/history') == []
    assert [p.title for p in result.plan.pending] == [world.film['title'] + ' ({})'.format(world.film['year'])]

    world.emu.clear_faults()
    later = world.sync(clean=True)         # trakt answers now: the film is matched, still nothing sent or removed
    assert later.status == 'ok' and later.plan.is_empty() and later.plan.clean_candidates == []
    assert world.emu.play_count('movie', trakt_id) == 1 and trakt_id in world.collected()
