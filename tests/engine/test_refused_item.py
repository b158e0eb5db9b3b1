"""One item trakt refuses (400/422) no longer fails every sync (issue 11, item 8): the batch is split until the item
stands alone, it is listed as unmatched with trakt's reason, and everything else is sent."""
from tests.engine.world import EngineWorld, kodi_movie
from traktsync.status import status_text


def localize(string_id, *args, **kwargs):
    return '#{} {} {}'.format(string_id, args, kwargs)


def test_a_refused_item_is_listed_with_trakts_reason_and_the_rest_goes_on(tmp_path):
    world = EngineWorld(tmp_path, movies=6)
    movies = world.catalog['movies']
    world.library.movies = [kodi_movie(movies[i], i + 1, playcount=1) for i in range(6)]
    bad = movies[2]
    world.emu.inject('refuse', count=1000, value='"imdb": "{}"'.format(bad['ids']['imdb']))

    result = world.sync()

    assert result.status == 'ok', result.error
    played = sorted(p['trakt_id'] for p in world.emu.plays('movie'))
    assert played == sorted(m['ids']['trakt'] for m in movies if m is not bad)
    assert world.collected() == played
    title = '{} ({})'.format(bad['title'], bad['year'])
    assert result.not_found == [{'kind': 'movie', 'title': title,
                                 'reason': 'trakt refused it: watched_at: the date is not valid'}]
    screen = status_text(world.store, localize)
    assert '- {}: trakt refused it: watched_at: the date is not valid'.format(title) in screen

    again = world.sync()   # the next sync tries it again (trakt may take it by then) and still goes on
    assert again.status == 'ok', again.error
    assert sorted(p['trakt_id'] for p in world.emu.plays('movie')) == played
