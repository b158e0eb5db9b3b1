"""Clean collection inside real Kodi: the three refusals, the backup, and "Restore last clean"."""
import os
import shutil

import pytest

from tests.e2e.sync_world import SYNC_DONE, SyncWorld, library_part, world_catalog
from tools import media_tree
from tools.kodi_harness import OK_DIALOG
from tools.trakt_emulator import Emulator

pytestmark = pytest.mark.kodi
PREVIEW_DONE = r'\[service\.traktsync\] preview (ok|error|cancelled) in'
COLLECTED_AT = '2024-02-03T04:05:00.000Z'


@pytest.fixture
def catalog():
    return world_catalog(movies=8, shows=1, seasons=1, episodes_per_season=4)


@pytest.fixture
def emulator(catalog):
    with Emulator(catalog=catalog, post_interval=1.0) as emu:
        for movie in catalog['movies']:      # all 8 movies collected on trakt; Kodi will have 6
            emu.collect('movie', movie['ids']['trakt'], COLLECTED_AT, metadata={'resolution': 'hd_1080p'})
        yield emu


def run_clean(world, answers, sync_follows):
    """Run "Clean collection now", answer its questions, wait for its end and close the report."""
    kodi = world.kodi
    previews = kodi.count_log(PREVIEW_DONE)
    kodi.run_script('service.traktsync', ['action=clean'])
    kodi.wait_log_count(PREVIEW_DONE, previews + 1, timeout=60)
    for answer in answers:
        kodi.answer_yesno(answer)
    if sync_follows:
        world.syncs += 1
        kodi.wait_log_count(SYNC_DONE, world.syncs, timeout=60)
    kodi.wait_window(OK_DIALOG)
    kodi.press('Select')


def collected_movies(emulator):
    return sorted(c['trakt_id'] for c in emulator.collection('movie'))


def make_world(kodi_factory, tmp_path, catalog, emulator, threshold):
    world = SyncWorld(kodi_factory, tmp_path, emulator, library_part(catalog, movies=6, shows=1),
                      settings={'clean_collection': True, 'clean_threshold_percent': threshold})
    world.sync()
    return world


def test_clean_refuses_while_a_source_root_is_unreachable(kodi_factory, tmp_path, catalog, emulator):
    world = make_world(kodi_factory, tmp_path, catalog, emulator, threshold=50)
    shutil.move(os.path.join(world.media, 'tv'), str(tmp_path / 'tv-unplugged'))   # the NAS is off

    run_clean(world, answers=(), sync_follows=False)

    assert len(collected_movies(emulator)) == 8
    assert len(emulator.collection('episode')) == 4
    assert not any(r['path'].startswith('/sync/collection/remove') for r in emulator.requests)


def test_clean_above_the_threshold_needs_a_second_yes(kodi_factory, tmp_path, catalog, emulator):
    world = make_world(kodi_factory, tmp_path, catalog, emulator, threshold=10)   # 2 of 12 items = 17 %

    run_clean(world, answers=(True, False), sync_follows=True)
    assert len(collected_movies(emulator)) == 8
    assert 'threshold' in world.last_result()['clean']['refused']

    run_clean(world, answers=(True, True), sync_follows=True)
    assert collected_movies(emulator) == sorted(m['ids']['trakt'] for m in catalog['movies'][:6])
    assert world.last_result()['clean']['removed'] == 2


def test_no_means_nothing_is_removed(kodi_factory, tmp_path, catalog, emulator):
    world = make_world(kodi_factory, tmp_path, catalog, emulator, threshold=50)

    run_clean(world, answers=(False,), sync_follows=False)

    assert len(collected_movies(emulator)) == 8


def test_a_local_item_without_ids_keeps_its_namesake_on_trakt(kodi_factory, tmp_path, catalog, emulator):
    namesake = dict(catalog['movies'][7])
    world = make_world(kodi_factory, tmp_path, catalog, emulator, threshold=50)
    # The same title and year in Kodi, but without ids: it may be this very movie, so it must stay on trakt.
    media_tree.write_movie(world.media, dict(namesake, title=namesake['title']), ids_kinds=())
    world.kodi.scan()

    run_clean(world, answers=(True,), sync_follows=True)

    remaining = collected_movies(emulator)
    assert namesake['ids']['trakt'] in remaining
    assert catalog['movies'][6]['ids']['trakt'] not in remaining


@pytest.mark.every_major
def test_a_clean_is_backed_up_and_restore_puts_the_items_back_with_their_dates(kodi_factory, tmp_path, catalog,
                                                                              emulator):
    world = make_world(kodi_factory, tmp_path, catalog, emulator, threshold=50)
    run_clean(world, answers=(True,), sync_follows=True)
    assert len(collected_movies(emulator)) == 6
    backup = world.account_file('clean-backup.json')
    assert len(backup['cleans'][-1]['items']) == 2

    world.kodi.run_script('service.traktsync', ['action=restore'])
    world.kodi.answer_yesno(True)
    world.kodi.wait_window(OK_DIALOG, timeout=30)
    world.kodi.press('Select')

    restored = {c['trakt_id']: c for c in emulator.collection('movie')}
    assert len(restored) == 8
    for movie in catalog['movies'][6:]:
        assert restored[movie['ids']['trakt']]['collected_at'] == COLLECTED_AT
        assert restored[movie['ids']['trakt']]['metadata']['resolution'] == 'hd_1080p'
