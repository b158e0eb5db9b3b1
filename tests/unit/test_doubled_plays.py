"""doubled_plays: which plays of a viewing two writers sent at once are removed, and the history window read."""
from traktsync.doubled_plays import doubled, window
from traktsync.kodi.advancedsettings import read_video_database_is_shared, video_database_is_shared

MOVIE = {'type': 'movie', 'ids': {'imdb': 'tt0000001', 'tmdb': 11}, 'watched_at': '2026-11-24T21:15:42.000Z'}
EPISODE = {'type': 'episode', 'show_ids': {'tvdb': 500}, 'season': 1, 'number': 2,
           'watched_at': '2026-11-24T22:00:00.000Z'}


def movie_play(history_id, watched_at='2026-11-24T21:15:00.000Z', trakt=1, imdb='tt0000001'):
    return {'id': history_id, 'watched_at': watched_at, 'action': 'watch', 'type': 'movie',
            'movie': {'title': 'A', 'ids': {'trakt': trakt, 'imdb': imdb, 'tmdb': 11 if trakt == 1 else 99}}}


def episode_play(history_id, season=1, number=2, show_tvdb=500, watched_at='2026-11-24T22:00:00.000Z'):
    return {'id': history_id, 'watched_at': watched_at, 'action': 'watch', 'type': 'episode',
            'episode': {'season': season, 'number': number, 'ids': {'trakt': 70 + number}},
            'show': {'title': 'S', 'ids': {'trakt': 7, 'tvdb': show_tvdb}}}


def test_two_plays_of_a_sent_item_in_its_minute_keep_the_lowest_id():
    # trakt keeps minutes: Kodi's 21:15:42 is trakt's 21:15.
    assert doubled([MOVIE], [movie_play(9), movie_play(4), movie_play(12)]) == [9, 12]
    assert doubled([EPISODE], [episode_play(3), episode_play(2)]) == [3]


def test_one_play_is_not_doubled():
    assert doubled([MOVIE, EPISODE], [movie_play(4), episode_play(5)]) == []


def test_other_minutes_items_and_episodes_are_never_touched():
    history = [movie_play(1, '2026-11-24T21:14:00.000Z'), movie_play(2),                 # an earlier viewing
               movie_play(3, trakt=2, imdb='tt0000002'), movie_play(4, trakt=2, imdb='tt0000002'),  # not sent
               episode_play(5, number=3), episode_play(6, number=3),                      # another episode
               episode_play(7, show_tvdb=501), episode_play(8, show_tvdb=501),            # another show
               episode_play(9)]
    assert doubled([MOVIE, EPISODE], history) == []


def test_plays_without_a_usable_time_or_id_are_left_alone():
    unknown = dict(MOVIE, watched_at='unknown')
    epoch = '1970-01-01T00:00:00.000Z'
    assert doubled([unknown], [movie_play(1, epoch), movie_play(2, epoch)]) == []
    assert doubled([MOVIE], [movie_play(1), dict(movie_play(2), id='2'), dict(movie_play(3), watched_at=None)]) == []


def test_an_episode_sent_by_its_own_ids_matches_by_them():
    own = {'type': 'episode', 'ids': {'trakt': 72}, 'watched_at': '2026-11-24T22:00:10.000Z'}
    assert doubled([own], [episode_play(3), episode_play(2)]) == [3]


def test_the_window_covers_the_sent_days_with_a_day_on_each_side_per_kind():
    early = dict(MOVIE, watched_at='2026-01-31T23:59:00.000Z')
    assert window([MOVIE, early, EPISODE, dict(EPISODE, watched_at='unknown')]) == {
        'movie': ('2026-01-30', '2026-11-25'), 'episode': ('2026-11-23', '2026-11-25')}
    assert window([dict(MOVIE, watched_at='unknown')]) == {}


def test_a_mysql_video_database_is_a_shared_library(tmp_path):
    mysql = ('<advancedsettings version="1.0"><videodatabase><type> MySQL </type><host>nas</host></videodatabase>'
             '</advancedsettings>')
    assert video_database_is_shared(mysql)
    assert not video_database_is_shared('<advancedsettings><musicdatabase><type>mysql</type></musicdatabase>'
                                        '</advancedsettings>')
    assert not video_database_is_shared('<advancedsettings><videodatabase><type>sqlite3</type></videodatabase>'
                                        '</advancedsettings>')
    assert not video_database_is_shared('<advancedsettings><videodatabase>')     # Kodi ignores it too
    path = tmp_path / 'advancedsettings.xml'
    assert not read_video_database_is_shared(str(path))                           # no file: Kodi's own SQLite
    path.write_text(mysql)
    assert read_video_database_is_shared(str(path))


def test_the_kodi_test_harness_files_read_as_one_box_and_as_a_shared_library(tmp_path):
    from tools.kodi_harness import ADVANCEDSETTINGS, VIDEODATABASE
    from traktsync.kodi.library import KodiLibrary
    alone = ADVANCEDSETTINGS.format(tcp_port=9090, videodatabase='')
    shared = ADVANCEDSETTINGS.format(tcp_port=9090, videodatabase=VIDEODATABASE.format(
        host='127.0.0.1', port=3306, user='kodi', password='kodi', name='kodi_1_'))
    for text, expected in ((alone, False), (shared, True)):
        path = tmp_path / 'advancedsettings.xml'
        path.write_text(text)
        assert KodiLibrary(rpc=None, advancedsettings=str(path)).shared_database is expected
    assert KodiLibrary(rpc=None).shared_database is False          # outside Kodi, without a path: one box
