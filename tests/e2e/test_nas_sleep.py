"""A sync that will not clean does not touch the video sources (issue 11, item 12): probing every source root on
each read wakes sleeping NAS disks after every watched change. Only a sync that may clean probes them: that side
is test_clean.py's test_clean_refuses_while_a_source_root_is_unreachable."""
import os
import shutil

import pytest

from tests.e2e.sync_world import SyncWorld, library_part, world_catalog
from tools.trakt_emulator import Emulator

pytestmark = pytest.mark.kodi


def directory_reads(kodi, since, root):
    """Kodi's log lines after ``since`` (a line count) about listing ``root``."""
    lines = kodi.log_text().splitlines()[since:]
    return [line for line in lines if root.rstrip('/') in line and 'GetDirectory' in line]


def test_a_sync_that_does_not_clean_does_not_probe_the_sources(kodi_factory, tmp_path):
    catalog = world_catalog(movies=3, shows=1, seasons=1, episodes_per_season=2)
    with Emulator(catalog=catalog, post_interval=1.0) as emu:
        world = SyncWorld(kodi_factory, tmp_path, emu, library_part(catalog, movies=3, shows=1),
                          settings={'clean_collection': True})   # on, but "Sync now" never cleans
        tv_root = os.path.join(world.media, 'tv')
        shutil.move(tv_root, str(tmp_path / 'tv-asleep'))   # a root that answers only with an error
        world.set_movie(catalog['movies'][0]['ids']['imdb'], 1, '2024-05-01 10:00:00')
        since = len(world.kodi.log_text().splitlines())

        result = world.sync()

        assert result['status'] == 'ok', result['error']
        assert emu.play_count('movie', catalog['movies'][0]['ids']['trakt']) == 1
        probed = directory_reads(world.kodi, since, tv_root)
        assert not probed, probed
