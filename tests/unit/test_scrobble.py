"""What the scrobbler sends for what Kodi reports (pure: no Kodi, no network)."""
from traktsync.scrobble import (
    DUPLICATE,
    FAILED,
    REFUSED,
    SENT,
    STOP_GIVE_UP_SECONDS,
    PendingStop,
    Playback,
    Scrobble,
    episode_item,
    movie_item,
    needs_retry,
    outcome_of,
)

MOVIE = {'movieid': 7, 'title': 'Heat', 'year': 1995, 'playcount': 2,
         'uniqueid': {'imdb': 'tt0113277', 'tmdb': '949', 'unknown': 'x'}}


def test_a_movie_is_sent_with_the_ids_trakt_knows_and_its_title_and_year():
    playing = movie_item(MOVIE)
    assert playing.kodi_id == 7 and playing.playcount == 2
    assert playing.item == {'movie': {'title': 'Heat', 'year': 1995, 'ids': {'imdb': 'tt0113277', 'tmdb': 949}}}


def test_a_movie_without_usable_ids_is_not_scrobbled():
    assert movie_item(dict(MOVIE, uniqueid={'imdb': 'not-an-imdb-id', 'tmdb': ''})) is None


def test_an_episode_carries_its_show_season_and_number_so_trakt_finds_it_without_episode_ids():
    details = {'episodeid': 3, 'season': 2, 'episode': 5, 'showtitle': 'Dark', 'uniqueid': {}, 'playcount': 0}
    playing = episode_item(details, {'title': 'Dark', 'year': 2017, 'uniqueid': {'tvdb': '334824'}})
    assert playing.item == {'episode': {'season': 2, 'number': 5},
                            'show': {'title': 'Dark', 'year': 2017, 'ids': {'tvdb': 334824}}}
    assert playing.title == 'Dark S02E05'
    assert episode_item(details, {'title': 'Dark', 'uniqueid': {}}) is None


def test_play_pause_resume_stop_send_start_pause_start_stop_with_the_progress_reached():
    playback = Playback(movie_item(MOVIE))
    assert playback.start(0.0).verb == 'start'
    playback.seen(41.5)
    pause = playback.pause()
    assert (pause.verb, pause.body()['progress']) == ('pause', 41.5)
    assert playback.pause() is None             # a second pause notification changes nothing
    assert playback.resume(41.6).verb == 'start'
    assert playback.resume() is None            # not paused: nothing to resume
    playback.seen(85.0)
    stop = playback.stop()
    assert (stop.verb, stop.progress) == ('stop', 85.0)
    assert stop.body()['movie']['ids']['imdb'] == 'tt0113277'
    assert playback.stop() is None              # stopped once


def test_a_video_that_played_to_its_end_is_stopped_at_100_and_one_stopped_at_once_sends_nothing():
    ended = Playback(movie_item(MOVIE))
    ended.seen(94.0)
    assert ended.stop(ended=True).progress == 100.0
    at_once = Playback(movie_item(MOVIE))
    at_once.seen(0.4)
    assert at_once.stop() is None               # trakt refuses a stop below 1 %


def test_trakts_answers_mean_sent_already_scrobbled_refused_or_failed():
    assert [outcome_of(s) for s in (201, 409, 422, 404, 500, 429)] == [SENT, DUPLICATE, REFUSED, REFUSED, FAILED,
                                                                       FAILED]


def test_only_a_stop_that_makes_a_play_is_sent_again_and_only_for_an_hour():
    playing = movie_item(MOVIE)
    assert needs_retry(Scrobble('stop', playing, 80.0))
    assert not needs_retry(Scrobble('stop', playing, 79.9))      # a resume point: the next one replaces it
    assert not needs_retry(Scrobble('start', playing, 100.0))
    pending = PendingStop(Scrobble('stop', playing, 95.0), first_failed_at=1000.0)
    pending.failed_again(1000.0)
    assert not pending.due(1030.0) and pending.due(1060.0)
    assert not pending.expired(1000.0 + STOP_GIVE_UP_SECONDS - 1) and pending.expired(1000.0 + STOP_GIVE_UP_SECONDS)
