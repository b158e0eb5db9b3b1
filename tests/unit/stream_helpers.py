"""Small Kodi snapshots and trakt list entries for the ratings and resume merges' tests."""
from datetime import datetime, timezone

from traktsync import stream_items
from traktsync.model import Ids, KodiEpisode, KodiMovie, KodiSnapshot

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def at(day, hour=20):
    return datetime(2026, 11, day, hour, 0, tzinfo=timezone.utc)


def stamp(when):
    return when.strftime('%Y-%m-%dT%H:%M:%S.000Z')


def movie(kodi_id=1, imdb='tt0000001', userrating=0, resume=None, lastplayed=None, runtime=6000, playcount=0):
    return KodiMovie(kodi_id=kodi_id, ids=Ids(imdb=imdb), title='Film ' + imdb, year=2020, playcount=playcount,
                     lastplayed=lastplayed, dateadded=at(1), file='/m/{}.mkv'.format(kodi_id), userrating=userrating,
                     resume=resume, runtime=runtime)


def episode(kodi_id=10, tvdb=500, season=1, number=2, userrating=0, resume=None, lastplayed=None, runtime=1800):
    return KodiEpisode(kodi_id=kodi_id, show_ids=Ids(tvdb=tvdb), show_title='Show', season=season, number=number,
                       ids=Ids(), title='Ep', playcount=0, lastplayed=lastplayed, dateadded=at(1),
                       file='/t/{}.mkv'.format(kodi_id), userrating=userrating, resume=resume, runtime=runtime)


def trakt_movie(imdb='tt0000001', **fields):
    entry = {'type': 'movie', 'movie': {'title': 'Film', 'year': 2020, 'ids': {'imdb': imdb, 'trakt': 7}}}
    entry.update(fields)
    return entry


def trakt_episode(tvdb=500, season=1, number=2, **fields):
    entry = {'type': 'episode', 'episode': {'season': season, 'number': number, 'ids': {'trakt': 99}},
             'show': {'title': 'Show', 'ids': {'tvdb': tvdb, 'trakt': 5}}}
    entry.update(fields)
    return entry


def items(movies=(), episodes=(), trakt=()):
    return stream_items.pair(KodiSnapshot(movies=list(movies), episodes=list(episodes)), list(trakt))
