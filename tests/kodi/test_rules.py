"""The Kodi side's pure rules: streamdetails to trakt metadata, path rules, and the health verdict."""
import pytest

from traktsync.kodi.library import metadata_from_streamdetails
from traktsync.kodi.sources import Source, assess, exclusion_of, path_under
from traktsync.settings import Settings


def details(width=0, height=0, hdrtype='', stereomode='', codec=None, channels=None):
    video = [{'width': width, 'height': height, 'hdrtype': hdrtype, 'stereomode': stereomode}] if width or height \
        else []
    audio = [{'codec': codec, 'channels': channels}] if codec else []
    return {'video': video, 'audio': audio, 'subtitle': []}


@pytest.mark.parametrize('width, height, resolution', [
    (3840, 2160, 'uhd_4k'), (3840, 1600, 'uhd_4k'), (1920, 1080, 'hd_1080p'), (1920, 800, 'hd_1080p'),
    (1440, 1080, 'hd_1080p'), (1280, 720, 'hd_720p'), (1280, 536, 'hd_720p'), (720, 576, 'sd_576p'),
    (720, 480, 'sd_480p'), (640, 360, 'sd_480p'),
])
def test_resolution_follows_the_frame_size(width, height, resolution):
    assert metadata_from_streamdetails(details(width, height))['resolution'] == resolution


@pytest.mark.parametrize('hdrtype, hdr', [('hdr10', 'hdr10'), ('dolbyvision', 'dolby_vision'), ('hlg', 'hlg'),
                                          ('hdr10plus', 'hdr10_plus'), ('', None), ('something new', None)])
def test_hdr_type_maps_to_trakts_names_and_unknown_ones_are_left_out(hdrtype, hdr):
    assert metadata_from_streamdetails(details(1920, 1080, hdrtype=hdrtype)).get('hdr') == hdr


@pytest.mark.parametrize('codec, channels, audio, layout', [
    ('ac3', 6, 'dolby_digital', '5.1'), ('eac3', 8, 'dolby_digital_plus', '7.1'), ('truehd', 8, 'dolby_truehd', '7.1'),
    ('dtshd_ma', 8, 'dts_ma', '7.1'), ('dca', 6, 'dts', '5.1'), ('aac', 2, 'aac', '2.0'), ('flac', 1, 'flac', '1.0'),
    ('pcm_s24le', 2, 'lpcm', '2.0'), ('opus', 2, 'ogg_opus', '2.0'), ('weirdcodec', 9, None, None),
])
def test_audio_codec_and_channels_map_to_trakts_values(codec, channels, audio, layout):
    metadata = metadata_from_streamdetails(details(codec=codec, channels=channels)) or {}
    assert (metadata.get('audio'), metadata.get('audio_channels')) == (audio, layout)


def test_3d_from_stereomode_and_nothing_known_is_none():
    assert metadata_from_streamdetails(details(1920, 1080, stereomode='top_bottom'))['3d'] is True
    assert metadata_from_streamdetails(details(1920, 1080, stereomode='mono'))['3d'] is False
    assert metadata_from_streamdetails(details(codec='aac', channels=2)).get('3d') is None
    assert metadata_from_streamdetails({'video': [], 'audio': [], 'subtitle': []}) is None
    assert metadata_from_streamdetails(None) is None


def test_default_exclusions_cover_plugins_streams_and_pvr_but_not_local_files():
    prefixes = Settings(exclude_paths=' /media/kids/ | smb://nas/private/ ').excluded_path_prefixes
    assert exclusion_of('plugin://plugin.video.x/play?id=1', prefixes) == 'plugin://'
    assert exclusion_of('https://example.invalid/a.mkv', prefixes) == 'https://'
    assert exclusion_of('pvr://recordings/tv/1', prefixes) == 'pvr://'
    assert exclusion_of('/media/kids/Film (2001)/Film.mkv', prefixes) == '/media/kids/'
    assert exclusion_of('SMB://nas/private/x.mkv', prefixes) == 'smb://nas/private/'
    assert exclusion_of('smb://nas/Private/x.mkv', prefixes) is None        # only the scheme ignores case
    assert exclusion_of('stack:///media/kids/a-cd1.avi , /media/kids/a-cd2.avi', prefixes) == '/media/kids/'
    assert exclusion_of('/media/movies/Film (2001)/Film.mkv', prefixes) is None
    assert exclusion_of('plugin://x', Settings(exclude_plugin=False).excluded_path_prefixes) is None


def test_path_under_needs_a_prefix():
    assert path_under('/a/b', '') is False
    assert path_under('', '/a/') is False


def test_health_verdict():
    fine = Source('Movies', '/m/', True, None)
    gone = Source('TV', '/tv/', False, 'cannot be listed (Invalid params.)')
    empty = Source('Old', '/old/', True, 'empty')
    assert assess([fine, empty], ['/m/a.mkv'], 1) == (True, None, [fine, empty._replace(problem=None)])
    complete, reason, sources = assess([fine, gone], ['/m/a.mkv'], 1)
    assert not complete and reason == 'video source "TV" (/tv/) cannot be listed (Invalid params.)'
    complete, reason, sources = assess([empty], ['/old/x.mkv'], 1)
    assert not complete and not sources[0].reachable and 'not mounted' in reason
    assert assess([], [], 0)[:2] == (False, 'the Kodi library has no movies and no episodes')
    assert assess([], ['/x.mkv'], 1)[:2] == (True, None)
