"""The add-on's engine inside real Kodi against the trakt emulator: one test per scenario, both sides checked."""
import pytest

from tests.e2e.sync_world import SyncWorld, library_part, world_catalog

pytestmark = pytest.mark.kodi


@pytest.fixture
def catalog():
    return world_catalog(movies=8, shows=2, seasons=1, episodes_per_season=4)


def imdb(movie):
    return movie['ids']['imdb']


@pytest.mark.every_major
def test_first_sync_makes_the_union_without_inventing_plays(kodi_factory, tmp_path, catalog, emulator):
    library = library_part(catalog, movies=6, shows=2)
    library['movies'][0].update(playcount=2, lastplayed='2026-10-01 00:00:00')   # watched in Kodi only
    library['movies'][2].update(playcount=1, lastplayed='2026-10-02 00:00:00')   # watched on both sides
    first_episode = library['shows'][0]['seasons'][0]['episodes'][0]
    emulator.add_play('movie', catalog['movies'][1]['ids']['trakt'], '2026-09-01T10:00:00.000Z')   # trakt only
    emulator.add_play('movie', catalog['movies'][2]['ids']['trakt'], '2026-10-02T20:00:00.000Z')
    emulator.add_play('episode', first_episode['ids']['trakt'], '2026-09-05T21:00:00.000Z')
    world = SyncWorld(kodi_factory, tmp_path, emulator, library)

    result = world.sync()

    assert result['status'] == 'ok'
    movies = world.movies()
    assert movies[imdb(catalog['movies'][0])]['playcount'] == 2
    assert movies[imdb(catalog['movies'][1])]['playcount'] == 1
    assert movies[imdb(catalog['movies'][2])]['playcount'] == 1
    assert world.episodes()[first_episode['ids']['tvdb']]['playcount'] == 1
    assert emulator.play_count('movie', catalog['movies'][0]['ids']['trakt']) == 1   # one play at lastplayed
    assert emulator.play_count('movie', catalog['movies'][1]['ids']['trakt']) == 1
    assert emulator.play_count('movie', catalog['movies'][2]['ids']['trakt']) == 1   # no play invented
    assert len(emulator.plays()) == 3 + 1          # the three seeded plays and Kodi's last viewing


def test_watched_on_trakt_becomes_watched_in_kodi_with_its_date(kodi_factory, tmp_path, catalog, emulator):
    world = SyncWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=4, shows=1))
    world.sync()
    movie = catalog['movies'][3]
    emulator.add_play('movie', movie['ids']['trakt'], '2026-11-20T19:30:00.000Z')

    world.sync()

    watched = world.movies()[imdb(movie)]
    assert watched['playcount'] == 1
    assert watched['lastplayed'] != ''
    assert sum(m['playcount'] for m in world.movies().values()) == 1


@pytest.mark.every_major
def test_newly_watched_in_kodi_is_exactly_one_play_on_trakt(kodi_factory, tmp_path, catalog, emulator):
    world = SyncWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=4, shows=1))
    world.sync()
    episode = catalog['shows'][0]['seasons'][0]['episodes'][2]
    world.set_episode(episode['ids']['tvdb'], 1, '2026-11-24 21:15:00')

    world.sync()
    world.sync()

    plays = emulator.plays('episode')
    assert [p['trakt_id'] for p in plays] == [episode['ids']['trakt']]


def test_a_rewatch_in_kodi_adds_one_more_play(kodi_factory, tmp_path, catalog, emulator):
    library = library_part(catalog, movies=3, shows=0)
    movie = catalog['movies'][0]
    emulator.add_play('movie', movie['ids']['trakt'], '2026-08-01T20:00:00.000Z')
    library['movies'][0].update(playcount=1, lastplayed='2026-08-01 00:00:00')
    world = SyncWorld(kodi_factory, tmp_path, emulator, library)
    world.sync()
    assert emulator.play_count('movie', movie['ids']['trakt']) == 1

    world.set_movie(imdb(movie), 2, '2026-11-24 22:00:00')
    world.sync()

    assert emulator.play_count('movie', movie['ids']['trakt']) == 2
    assert world.movies()[imdb(movie)]['playcount'] == 2


def test_plays_added_on_trakt_elsewhere_raise_the_kodi_playcount(kodi_factory, tmp_path, catalog, emulator):
    library = library_part(catalog, movies=3, shows=0)
    movie = catalog['movies'][1]
    library['movies'][1].update(playcount=1, lastplayed='2026-07-01 00:00:00')
    world = SyncWorld(kodi_factory, tmp_path, emulator, library)
    world.sync()
    assert emulator.play_count('movie', movie['ids']['trakt']) == 1

    emulator.add_play('movie', movie['ids']['trakt'], '2026-11-01T20:00:00.000Z')
    emulator.add_play('movie', movie['ids']['trakt'], '2026-11-08T20:00:00.000Z')
    world.sync()

    assert world.movies()[imdb(movie)]['playcount'] == 3
    assert emulator.play_count('movie', movie['ids']['trakt']) == 3


def test_an_unwatch_in_kodi_is_not_sent_and_not_undone_when_the_option_is_off(kodi_factory, tmp_path, catalog,
                                                                               emulator):
    library = library_part(catalog, movies=3, shows=0)
    movie = catalog['movies'][0]
    library['movies'][0].update(playcount=1, lastplayed='2026-06-01 00:00:00')
    world = SyncWorld(kodi_factory, tmp_path, emulator, library)
    world.sync()
    assert emulator.play_count('movie', movie['ids']['trakt']) == 1

    world.set_movie(imdb(movie), 0, '')
    world.sync()
    world.sync()

    assert emulator.play_count('movie', movie['ids']['trakt']) == 1     # nothing sent
    assert world.movies()[imdb(movie)]['playcount'] == 0               # and not re-watched from trakt


def test_an_unwatch_in_kodi_removes_the_plays_from_trakt_when_the_option_is_on(kodi_factory, tmp_path, catalog,
                                                                               emulator):
    library = library_part(catalog, movies=3, shows=0)
    movie = catalog['movies'][0]
    library['movies'][0].update(playcount=1, lastplayed='2026-06-01 00:00:00')
    world = SyncWorld(kodi_factory, tmp_path, emulator, library, settings={'send_unwatched': True})
    world.sync()
    assert emulator.play_count('movie', movie['ids']['trakt']) == 1

    world.set_movie(imdb(movie), 0, '')
    world.sync()

    assert emulator.play_count('movie', movie['ids']['trakt']) == 0
    assert world.movies()[imdb(movie)]['playcount'] == 0


STREAMDETAILS = ('<fileinfo><streamdetails><video><codec>hevc</codec><width>3840</width><height>2160</height>'
                 '<hdrtype>hdr10</hdrtype></video><audio><codec>eac3</codec><channels>6</channels></audio>'
                 '</streamdetails></fileinfo>')


def test_the_library_is_added_to_the_collection_with_dates_and_media_information(kodi_factory, tmp_path, catalog,
                                                                                 emulator):
    library = library_part(catalog, movies=3, shows=1)
    library['movies'][0].update(dateadded='2025-03-04 05:06:07', nfo_extra=STREAMDETAILS)
    world = SyncWorld(kodi_factory, tmp_path, emulator, library, settings={'collection_metadata': True})

    world.sync()

    collected = {(c['type'], c['trakt_id']): c for c in emulator.collection()}
    assert len([c for c in collected if c[0] == 'movie']) == 3
    assert len([c for c in collected if c[0] == 'episode']) == 4
    first = collected[('movie', catalog['movies'][0]['ids']['trakt'])]
    assert first['collected_at'].startswith('2025-03-0')
    assert first['metadata']['resolution'] == 'uhd_4k'
    if world.kodi.major >= 20:
        assert first['metadata']['hdr'] == 'hdr10'
    else:
        assert first['metadata'].get('hdr') is None     # Kodi 19 reads no HDR type from stream details
    assert first['metadata']['audio_channels'] == '5.1'


def test_a_second_sync_with_nothing_changed_makes_exactly_one_trakt_request(kodi_factory, tmp_path, catalog,
                                                                            emulator):
    library = library_part(catalog, movies=4, shows=1)
    library['movies'][0].update(playcount=1, lastplayed='2026-05-01 00:00:00')
    world = SyncWorld(kodi_factory, tmp_path, emulator, library)
    first = world.sync()
    mark = len(emulator.requests)

    result = world.sync()

    requests = emulator.requests[mark:]
    assert [(r['method'], r['path']) for r in requests] == [('GET', '/sync/last_activities')]
    assert result['trakt_requests'] == 1 and result['applied'] == {}
    # The status screen still has what the first sync moved.
    assert world.profile_file('last-result-with-changes.json')['applied'] == first['applied'] != {}


def test_an_item_trakt_does_not_know_is_reported_and_not_sent_again_by_the_next_sync(kodi_factory, tmp_path,
                                                                                     catalog, emulator):
    library = library_part(catalog, movies=2, shows=0)
    library['movies'].append({'title': 'Our Wedding Film', 'year': 2019, 'ids': {'imdb': 'tt0999999', 'tmdb': 999999},
                              'playcount': 1, 'lastplayed': '2026-05-01 00:00:00'})
    world = SyncWorld(kodi_factory, tmp_path, emulator, library)

    first = world.sync()
    assert first['status'] == 'ok'
    assert [(n['title'], n['reason']) for n in first['not_found']] == [('Our Wedding Film (2019)',
                                                                         'trakt does not know this item')]
    assert len(emulator.collection('movie')) == 2                # the two trakt knows went on
    mark = len(emulator.requests)

    second = world.sync()
    assert [(r['method'], r['path']) for r in emulator.requests[mark:]] == [('GET', '/sync/last_activities')]
    assert second['not_found'] == first['not_found']             # still listed on the status screen
