"""A real Kodi with a scanned media tree, shared by the tests of one module (scanning is the slow part)."""
import os

import pytest

from tests.conftest import keep_evidence, require_kodi
from tools import build, kodi_harness

HERE = os.path.dirname(os.path.abspath(__file__))
SNAPSHOT_ADDON = os.path.join(HERE, 'addon_snapshot', 'script.traktsync.snapshot')


def start_kodi(workdir, addon_zip, module_addon_cache, media_root, addons=(), enable=(), evidence_name=None):
    """A started Kodi (the add-on unpacked, not enabled) whose video sources are ``media_root``/movies and /tv,
    scanned. When that fails, Kodi's log and screen are kept under artifacts/``evidence_name``/ (see
    tests/conftest.py ``keep_evidence``) before Kodi is closed."""
    require_kodi()
    os.makedirs(workdir, exist_ok=True)
    kodi = kodi_harness.Kodi(workdir, addons=list(addons), enable=list(enable), module_addon_cache=module_addon_cache)
    try:
        kodi._prepare_home()
        build.unpack(addon_zip, kodi.addons_dir)
        kodi.write_sources(media_root)       # before start: Kodi reads sources.xml only at start-up
        kodi.start()
        kodi.scan_media(media_root)
    except BaseException:
        if evidence_name:
            keep_evidence(kodi, evidence_name, os.path.basename(workdir.rstrip(os.sep)))
        kodi.close(quick=True)
        raise
    return kodi


@pytest.fixture(scope='module')
def kodi_starter(request, tmp_path_factory, addon_zip, module_addon_cache):
    """``kodi_starter(media_root, addons=())`` starts a scanned Kodi that is closed at the end of the module."""
    instances = []

    def start(media_root, addons=(), enable=()):
        workdir = str(tmp_path_factory.mktemp('kodi'))
        kodi = start_kodi(workdir, addon_zip, module_addon_cache, media_root, addons, enable,
                          evidence_name=request.module.__name__.rsplit('.', 1)[-1] + '-setup')
        instances.append(kodi)
        return kodi

    yield start
    for kodi in instances:
        kodi.close(quick=True)
