"""Real Kodi installs Trakt Library Sync from the served repository, with its dependencies, and takes an update."""
import os
import re
import sqlite3
import time
import zipfile

import pytest

from tools import build, module_addons, repo
from tools.build import ADDON_ID
from tools.kodi_harness import OK_DIALOG, YESNO_DIALOG

from .conftest import zip_with_version

SERVICE_STARTED = r'\[service\.traktsync\] service {} started'
MODULES = ('script.module.requests', 'script.module.six', 'script.module.kodi-six', 'script.module.simplejson')


def _offered(kodi):
    answer = kodi.call('Addons.GetAddons', {'installed': False, 'properties': ['version']})
    return {addon['addonid']: addon['version'] for addon in answer.get('addons', [])}


def _wait_offered(kodi, addon_id, version, timeout=15.0):
    deadline = time.monotonic() + timeout
    while _offered(kodi).get(addon_id) != version:
        assert time.monotonic() < deadline, 'Kodi does not offer {} {} (offers {})'.format(
            addon_id, version, _offered(kodi))
        time.sleep(0.1)


def _origins(kodi):
    with sqlite3.connect(kodi.addons_db_path) as db:
        return dict(db.execute('SELECT addonID, origin FROM installed'))


def _tree(folder):
    files = {}
    for current, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != '__pycache__']   # Kodi's Python may cache bytecode at run time
        for name in names:
            path = os.path.join(current, name)
            with open(path, 'rb') as handle:
                files[os.path.relpath(path, folder).replace(os.sep, '/')] = handle.read()
    return files


def _zip_tree(zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        return {info.filename.split('/', 1)[1]: archive.read(info) for info in archive.infolist()
                if not info.is_dir()}


def _kodi_with_repository(kodi_factory, served, tmp_path, **kwargs):
    """Kodi with only the repository add-on (copied in and enabled, as after "Install from zip file"), knowing
    what the served repository offers."""
    unpacked = str(tmp_path / 'repository-addon')
    build.unpack(served[repo.REPOSITORY_ID], unpacked)
    kodi = kodi_factory(enable=(repo.REPOSITORY_ID,), install_addon=False, with_module_addons=False,
                        addons=[os.path.join(unpacked, repo.REPOSITORY_ID)], **kwargs)
    assert not os.path.exists(os.path.join(kodi.addons_dir, ADDON_ID))
    assert not any(os.path.exists(os.path.join(kodi.addons_dir, module)) for module in MODULES)
    kodi.call('Settings.SetSettingValue', {'setting': 'general.addonupdates', 'value': 0})
    kodi.builtin('UpdateAddonRepos')
    _wait_offered(kodi, ADDON_ID, build.addon_version())
    return kodi


def _install(kodi):
    kodi.builtin('InstallAddon({})'.format(ADDON_ID))
    kodi.wait_window(YESNO_DIALOG)            # "Would you like to download this add-on?", focus on No
    kodi.press('Left', 'Select')


@pytest.mark.every_major
def test_install_from_repository_then_update(kodi_factory, served_folder, addon_zip, module_addon_cache, tmp_path):
    folder, url = served_folder
    served = repo.build_repository(folder, url, extra_addons=module_addons.build_all(module_addon_cache),
                                   addon_zip=addon_zip)
    version = build.addon_version()
    kodi = _kodi_with_repository(kodi_factory, served, tmp_path)

    _install(kodi)
    kodi.wait_log(SERVICE_STARTED.format(re.escape(version)), timeout=20)

    details = kodi.call('Addons.GetAddonDetails', {'addonid': ADDON_ID, 'properties': ['version', 'enabled']})
    assert details['addon']['version'] == version and details['addon']['enabled'] is True
    origins = _origins(kodi)
    for addon_id in (ADDON_ID, 'script.module.requests', 'script.module.six', 'script.module.kodi-six'):
        assert origins.get(addon_id) == repo.REPOSITORY_ID, (addon_id, origins)
    installed = _tree(os.path.join(kodi.addons_dir, ADDON_ID))
    assert installed == _zip_tree(served[ADDON_ID])
    assert not any(name.startswith(('tests/', 'tools/')) for name in installed)

    bumped = '{}.{}'.format(version.rsplit('.', 1)[0], int(version.rsplit('.', 1)[1]) + 1)
    repo.add_zip(folder, zip_with_version(served[ADDON_ID], bumped, str(tmp_path)))
    repo.write_index(folder)
    kodi.builtin('UpdateAddonRepos')
    kodi.wait_log(SERVICE_STARTED.format(re.escape(bumped)), timeout=20)

    details = kodi.call('Addons.GetAddonDetails', {'addonid': ADDON_ID, 'properties': ['version', 'enabled']})
    assert details['addon']['version'] == bumped and details['addon']['enabled'] is True
    assert kodi.python_errors() == []


def test_zip_that_does_not_match_its_sha256_is_not_installed(kodi_factory, served_folder, addon_zip,
                                                             module_addon_cache, tmp_path):
    folder, url = served_folder
    served = repo.build_repository(folder, url, extra_addons=module_addons.build_all(module_addon_cache),
                                   addon_zip=addon_zip)
    with open(served[ADDON_ID] + '.sha256', 'w') as handle:   # as if the zip was damaged on the way
        handle.write('{}  {}\n'.format('0' * 64, os.path.basename(served[ADDON_ID])))
    kodi = _kodi_with_repository(kodi_factory, served, tmp_path, debug=True)

    _install(kodi)
    kodi.wait_window(OK_DIALOG)                # "Installation failed"
    kodi.press('Select')
    assert 'Hash mismatch' in kodi.wait_log(r'Hash mismatch', timeout=5)
    assert not os.path.exists(os.path.join(kodi.addons_dir, ADDON_ID))
    assert ADDON_ID not in _origins(kodi)
