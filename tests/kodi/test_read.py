"""Reading a real Kodi library (300 movies, 20 shows, 800 episodes and some odd items) into the sync model."""
import dataclasses
import json
import os
import shutil
import time

import pytest

import tools.catalog as catalog
from tests.kodi.conftest import SNAPSHOT_ADDON
from tools import kodi_harness, media_tree
from traktsync.kodi.dates import kodi_to_utc
from traktsync.kodi.jsonrpc import JsonRpc
from traktsync.kodi.library import KodiLibrary
from traktsync.model import Ids
from traktsync.settings import Settings

pytestmark = pytest.mark.kodi

MOVIES, SHOWS, SEASONS, EPISODES_PER_SEASON = 300, 20, 2, 20
UHD_DV_ATMOS = ('<fileinfo><streamdetails><video><codec>hevc</codec><width>3840</width><height>2160</height>'
                '<hdrtype>dolbyvision</hdrtype><stereomode>left_right</stereomode></video>'
                '<audio><codec>truehd</codec><channels>8</channels></audio>'
                '<audio><codec>aac</codec><channels>2</channels></audio></streamdetails></fileinfo>')
HD_STEREO = ('<fileinfo><streamdetails><video><codec>h264</codec><width>1280</width><height>536</height></video>'
             '<audio><codec>aac</codec><channels>2</channels></audio></streamdetails></fileinfo>')
LASTPLAYED_WRITTEN = '2025-03-30 01:45:17'   # written over JSON-RPC: Kodi keeps the seconds (NFOs keep the day)


def watched_state(index):
    """The NFO watched state of catalog item ``index``: a mix of unwatched, watched once and rewatched."""
    state = {'dateadded': '20{:02d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}'.format(
        10 + index % 15, 1 + index % 12, 1 + index % 28, index % 24, index % 60, (index * 7) % 60)}
    if index % 3:
        state['playcount'] = index % 3 + (index % 5 == 1)
        state['lastplayed'] = '2023-{:02d}-{:02d}'.format(1 + index % 12, 1 + index % 28)
    return state


@pytest.fixture(scope='module')
def library(tmp_path_factory, kodi_starter):
    """The media tree and the Kodi that scanned it; ``expected`` holds what the tree and the writes define."""
    root = str(tmp_path_factory.mktemp('media'))
    data = catalog.make_catalog(movies=MOVIES, shows=SHOWS, seasons=SEASONS, episodes_per_season=EPISODES_PER_SEASON)
    for index, movie in enumerate(data['movies']):
        movie.update(watched_state(index))
    for index, (_show, _season, episode) in enumerate(catalog.iter_episodes(data)):
        episode.update(watched_state(index + 7))
    media_tree.write_tree(root, data)
    media_tree.write_movie(root, data['movies'][1], extra_nfo=UHD_DV_ATMOS)
    media_tree.write_movie(root, data['movies'][2], extra_nfo=HD_STEREO)

    odd = {
        'no_ids': catalog.movie(1001),
        'bare_digits': catalog.movie(1002),
        'digits_as_imdb': catalog.movie(1003),
        'duplicate': catalog.movie(1004),
    }
    media_tree.write_movie(root, odd['no_ids'], ids_kinds=())
    media_tree.write_movie(root, odd['bare_digits'], ids_kinds=(),
                           extra_nfo='<uniqueid type="unknown" default="true">50005</uniqueid>')
    media_tree.write_movie(root, dict(odd['digits_as_imdb'], ids={'imdb': '1234567',
                                                                  'tmdb': odd['digits_as_imdb']['ids']['tmdb']}))
    first_copy = media_tree.write_movie(root, odd['duplicate'])
    second_folder = os.path.dirname(first_copy) + ' [2160p]'
    os.makedirs(second_folder)
    for name in os.listdir(os.path.dirname(first_copy)):
        shutil.copy(os.path.join(os.path.dirname(first_copy), name), os.path.join(second_folder, name))
    show_without_ids = dict(catalog.show(50, seasons=1, episodes_per_season=2), ids={})
    media_tree.write_show(root, show_without_ids)
    for episode in show_without_ids['seasons'][0]['episodes']:
        media_tree.write_episode(root, show_without_ids, 1, episode)

    kodi = kodi_starter(root, addons=[SNAPSHOT_ADDON])
    listed = kodi.call('VideoLibrary.GetMovies', {'properties': ['file']})['movies']
    movie_ids = {m['file']: m['movieid'] for m in listed}
    written = os.path.join(media_tree.movie_folder(root, data['movies'][0]),
                           os.path.basename(media_tree.movie_folder(root, data['movies'][0])) + '.mkv')
    kodi.call('VideoLibrary.SetMovieDetails', {'movieid': movie_ids[written], 'playcount': 4,
                                               'lastplayed': LASTPLAYED_WRITTEN})
    data['movies'][0].update(playcount=4, lastplayed=LASTPLAYED_WRITTEN)
    return {'root': root, 'catalog': data, 'kodi': kodi, 'odd': odd, 'show_without_ids': show_without_ids,
            'second_copy': os.path.join(second_folder, os.path.basename(first_copy))}


def tcp_library(kodi, settings=None, **kwargs):
    return KodiLibrary(JsonRpc(kodi_harness.QuietTransport(port=kodi.tcp_port)), settings or Settings(), **kwargs)


def kodi_date(text):
    return kodi_to_utc(text if text is None or len(text) > 10 else text + ' 00:00:00')


def expected_movies(library):
    root = library['root']
    rows = {}
    for movie in library['catalog']['movies']:
        folder = media_tree.movie_folder(root, movie)
        path = os.path.join(folder, os.path.basename(folder) + '.mkv')
        rows[path] = (movie['title'], movie['year'], Ids(imdb=movie['ids']['imdb'], tmdb=movie['ids']['tmdb']),
                      movie.get('playcount', 0), kodi_date(movie.get('lastplayed')), kodi_date(movie['dateadded']))
    return rows


def expected_episodes(library):
    root = library['root']
    rows = {}
    for show, season, episode in catalog.iter_episodes(library['catalog']):
        folder = os.path.join(media_tree.show_folder(root, show), 'Season {}'.format(season))
        path = os.path.join(folder, '{} S{:02d}E{:02d}.mkv'.format(show['title'], season, episode['number']))
        show_ids = Ids(imdb=show['ids']['imdb'], tmdb=show['ids']['tmdb'], tvdb=show['ids']['tvdb'])
        rows[path] = (show_ids, show['title'], season, episode['number'],
                      Ids(tmdb=episode['ids']['tmdb'], tvdb=episode['ids']['tvdb']), episode['title'],
                      episode.get('playcount', 0), kodi_date(episode.get('lastplayed')),
                      kodi_date(episode['dateadded']))
    return rows


@pytest.mark.every_major
def test_snapshot_has_exactly_the_movies_and_episodes_of_the_media_tree(library):
    snapshot = tcp_library(library['kodi']).read_snapshot()
    odd_titles = {m['title'] for m in library['odd'].values()}

    movies = {m.file: (m.title, m.year, m.ids, m.playcount, m.lastplayed, m.dateadded)
              for m in snapshot.movies if m.title not in odd_titles}
    assert movies == expected_movies(library)
    episodes = {e.file: (e.show_ids, e.show_title, e.season, e.number, e.ids, e.title, e.playcount, e.lastplayed,
                         e.dateadded) for e in snapshot.episodes}
    assert episodes == expected_episodes(library)
    assert len({m.kodi_id for m in snapshot.movies}) == len(snapshot.movies)
    assert snapshot.complete and snapshot.incomplete_reason is None
    assert all(m.metadata is None for m in snapshot.movies), 'metadata was not asked for'


def test_the_seconds_of_a_written_lastplayed_are_kept(library):
    snapshot = tcp_library(library['kodi']).read_snapshot()
    title = library['catalog']['movies'][0]['title']
    movie = next(m for m in snapshot.movies if m.title == title)
    assert (movie.playcount, movie.lastplayed) == (4, kodi_to_utc(LASTPLAYED_WRITTEN))
    assert movie.lastplayed.second == 17


def test_calls_depend_on_pages_not_on_the_number_of_shows(library):
    one_page = tcp_library(library['kodi'])
    one_page.read_snapshot()
    # one batch (sources + first page of movies, shows and episodes) and one batch of source probes
    assert one_page.rpc.calls_made == 2

    small_pages = tcp_library(library['kodi'], page_size=100)
    snapshot = small_pages.read_snapshot()
    movies = MOVIES + 5          # the odd ones: no ids, bare digits, digits as imdb, two copies of one movie
    episodes = SHOWS * SEASONS * EPISODES_PER_SEASON + 2
    movie_pages, show_pages, episode_pages = -(-movies // 100), 1, -(-episodes // 100)
    assert (movie_pages, episode_pages) == (4, 9)
    assert small_pages.rpc.calls_made == 1 + (movie_pages - 1) + (show_pages - 1) + (episode_pages - 1) + 1
    assert len(snapshot.movies) + len(snapshot.unmatched) == movies + 2
    assert len(snapshot.episodes) == SHOWS * SEASONS * EPISODES_PER_SEASON


@pytest.mark.every_major
def test_a_long_list_is_read_in_larger_pages_and_nothing_is_lost_between_them(library):
    # Kodi counts the whole list for every page, so a big library is read in about ``most_pages`` calls per list.
    whole = tcp_library(library['kodi']).read_snapshot()
    grown = tcp_library(library['kodi'], page_size=100, most_pages=3)
    snapshot = grown.read_snapshot()
    movies, episodes = MOVIES + 5, SHOWS * SEASONS * EPISODES_PER_SEASON + 2
    later_movie_pages = -(-(movies - 100) // -(-movies // 3))          # pages of 102 after the first 100
    later_episode_pages = -(-(episodes - 100) // -(-episodes // 3))    # pages of 268
    assert (later_movie_pages, later_episode_pages) == (3, 3)          # 3 and 8 with pages of 100
    assert grown.rpc.calls_made == 1 + later_movie_pages + later_episode_pages + 1

    def rows(snap):
        return (sorted((m.kodi_id, m.file, m.playcount) for m in snap.movies),
                sorted((e.kodi_id, e.file, e.playcount) for e in snap.episodes),
                sorted((u.kind, u.title) for u in snap.unmatched))
    assert rows(snapshot) == rows(whole)
    assert len(snapshot.episodes) == SHOWS * SEASONS * EPISODES_PER_SEASON


def test_items_with_odd_ids_are_unmatched_or_matched_only_by_their_real_ids(library):
    snapshot = tcp_library(library['kodi']).read_snapshot()
    odd = library['odd']
    unmatched = {(u.kind, u.title): u for u in snapshot.unmatched}
    titles = [m.title for m in snapshot.movies]

    no_ids = unmatched[('movie', odd['no_ids']['title'])]
    assert no_ids.reason == 'no ids in the Kodi library' and no_ids.year == odd['no_ids']['year']
    bare = unmatched[('movie', odd['bare_digits']['title'])]
    assert '50005' in bare.reason and bare.reason.startswith('no usable ids')
    assert odd['no_ids']['title'] not in titles and odd['bare_digits']['title'] not in titles
    # 50005 is also the tmdb id of a catalog movie: bare digits must not attach the item to it.
    assert [m.title for m in snapshot.movies if m.ids.tmdb == 50005] == [catalog.movie(5)['title']]

    digits_as_imdb = [m for m in snapshot.movies if m.title == odd['digits_as_imdb']['title']]
    assert [m.ids for m in digits_as_imdb] == [Ids(tmdb=odd['digits_as_imdb']['ids']['tmdb'])]

    show = library['show_without_ids']
    episodes = [u for u in snapshot.unmatched if u.kind == 'episode']
    assert sorted((u.title, u.reason) for u in episodes) == [(show['title'], 'its show has no usable ids')] * 2
    assert not [e for e in snapshot.episodes if e.show_title == show['title']]


def test_two_files_of_one_movie_are_two_entries_that_the_planner_merges(library):
    from traktsync.model import TraktMovie, TraktSnapshot
    from traktsync.plan import make_plan

    snapshot = tcp_library(library['kodi']).read_snapshot()
    movie = library['odd']['duplicate']
    copies = sorted((m for m in snapshot.movies if m.title == movie['title']), key=lambda m: m.kodi_id)
    assert len(copies) == 2 and copies[0].kodi_id != copies[1].kodi_id
    assert copies[0].ids == copies[1].ids == Ids(imdb=movie['ids']['imdb'], tmdb=movie['ids']['tmdb'])
    assert library['second_copy'] in {c.file for c in copies}

    trakt = TraktSnapshot(movies=[TraktMovie(Ids.from_trakt(movie['ids']), movie['title'], movie['year'], plays=2)])
    updates = [u for u in make_plan(snapshot, trakt).to_kodi if u.title.startswith(movie['title'])]
    assert [u.kodi_ids for u in updates] == [tuple(c.kodi_id for c in copies)]


def test_non_ascii_titles_and_paths_round_trip(library):
    snapshot = tcp_library(library['kodi']).read_snapshot()
    odd_titles = {m['title'] for m in library['odd'].values()}
    movies = [m for m in snapshot.movies if any(c in m.title for c in 'Éßé') and m.title not in odd_titles]
    episodes = [e for e in snapshot.episodes if any(c in e.show_title for c in 'Éßé')]
    assert len(movies) > 20 and len(episodes) > 100
    expected = expected_movies(library)
    for movie in movies:
        assert os.path.exists(movie.file)
        assert expected[movie.file][0] == movie.title
    expected = expected_episodes(library)
    for episode in episodes:
        assert os.path.exists(episode.file)
        assert expected[episode.file][1] == episode.show_title and expected[episode.file][5] == episode.title


def test_streamdetails_become_trakt_metadata_when_asked_for(library):
    snapshot = tcp_library(library['kodi']).read_snapshot(with_metadata=True)
    by_title = {m.title: m.metadata for m in snapshot.movies}
    movies = library['catalog']['movies']
    expected = {'resolution': 'uhd_4k', 'hdr': 'dolby_vision', 'audio': 'dolby_truehd', 'audio_channels': '7.1',
                '3d': True}
    if library['kodi'].major < 20:
        del expected['hdr']     # Kodi 19's stream details have no HDR type (hdrtype came with Kodi 20): unknown
    assert by_title[movies[1]['title']] == expected
    assert by_title[movies[2]['title']] == {'resolution': 'hd_720p', 'audio': 'aac', 'audio_channels': '2.0',
                                            '3d': False}
    assert by_title[movies[3]['title']] is None      # no streamdetails: unknown, not "SD stereo"


def test_excluded_paths_are_left_out_with_the_rule_that_matched(library):
    root = library['root']
    movie = library['catalog']['movies'][10]
    rule = media_tree.movie_folder(root, movie) + os.sep
    show = library['catalog']['shows'][3]
    settings = Settings(exclude_paths='{}|{}'.format(rule, media_tree.show_folder(root, show) + os.sep))
    snapshot = tcp_library(library['kodi'], settings).read_snapshot()

    assert movie['title'] not in {m.title for m in snapshot.movies}
    assert show['title'] not in {e.show_title for e in snapshot.episodes}
    excluded = [(u.kind, u.title, u.reason) for u in snapshot.excluded]
    assert excluded.count(('movie', movie['title'], 'excluded by path rule "{}"'.format(rule))) == 1
    assert len([x for x in excluded if x[:2] == ('episode', show['title'])]) == SEASONS * EPISODES_PER_SEASON
    everything = tcp_library(library['kodi']).read_snapshot()
    assert len(snapshot.movies) == len(everything.movies) - 1
    assert len(snapshot.episodes) == len(everything.episodes) - SEASONS * EPISODES_PER_SEASON
    assert snapshot.unmatched == everything.unmatched


@pytest.mark.every_major
def test_in_kodi_transport_reads_the_same_snapshot_as_tcp(library):
    kodi = library['kodi']
    target = os.path.join(kodi.profile_dir('script.traktsync.snapshot'), 'snapshot.json')
    kodi.enable_addon('script.traktsync.snapshot')
    kodi.run_script('script.traktsync.snapshot')
    deadline = time.monotonic() + 30
    while not os.path.exists(target):
        assert time.monotonic() < deadline, 'the in-Kodi snapshot was not written: {}'.format(kodi.python_errors())
        time.sleep(0.1)
    with open(target, encoding='utf-8') as handle:
        in_kodi = json.load(handle)

    over_tcp = tcp_library(kodi).read_snapshot(with_metadata=True)
    assert json.loads(json.dumps(dataclasses.asdict(over_tcp), default=str, sort_keys=True)) == in_kodi
    assert len(in_kodi['movies']) > MOVIES and len(in_kodi['episodes']) == SHOWS * SEASONS * EPISODES_PER_SEASON
    assert kodi.python_errors() == []
