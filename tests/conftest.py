"""Shared fixtures: the built add-on and real Kodi instances.

Real-Kodi tests skip with a reason only where Kodi or Xvfb cannot be
installed; ``make test`` sets TRAKTSYNC_REQUIRE_KODI=1 after installing them,
so there a missing Kodi fails instead of silently skipping.
"""
import glob
import os
import shutil

import pytest

from tools import build, kodi_harness
from tools import mariadb as mariadb_server
from tools.trakt_emulator import Emulator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTIFACTS = os.path.join(ROOT, 'artifacts')


def require_kodi():
    missing = kodi_harness.missing_parts()
    if not missing:
        return
    if os.environ.get('TRAKTSYNC_REQUIRE_KODI') == '1':
        pytest.fail('real Kodi is required here but missing: ' + missing)
    pytest.skip('real Kodi cannot run here (missing: {}); on Debian `make test` installs it with apt'.format(missing))


KODI_LABEL = os.environ.get('TRAKTSYNC_KODI_LABEL', '')   # e.g. 'kodi-19.1', set by tools/kodi_versions.py


def pytest_report_header(config):
    root = kodi_harness.kodi_root()
    return 'real Kodi: {}{}'.format(root or 'the system Kodi', ' ({})'.format(KODI_LABEL) if KODI_LABEL else '')


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, 'report_' + report.when, report)
    if KODI_LABEL:
        # A failure on another Kodi major names it: "FAILED tests/…::test_x[kodi-19.1]".
        report.nodeid = '{}[{}]'.format(report.nodeid, KODI_LABEL)


@pytest.fixture(scope='session')
def module_addon_cache():
    return os.path.join(ROOT, 'build', 'module-addons')


@pytest.fixture(scope='session')
def addon_zip(tmp_path_factory):
    return build.build_zip(str(tmp_path_factory.mktemp('dist')))


@pytest.fixture
def emulator(request, catalog):
    """The trakt emulator on 127.0.0.1 with the module's ``catalog`` fixture as what trakt knows; a module may set
    ``EMULATOR_OPTIONS`` (e.g. a shorter ``post_interval``) for the Emulator."""
    with Emulator(catalog=catalog, **getattr(request.module, 'EMULATOR_OPTIONS', {})) as emu:
        yield emu


@pytest.fixture(scope='session')
def mariadb():
    """A private MariaDB server on 127.0.0.1 for the session (tools.mariadb); ``mariadb.video_database()`` gives
    each caller its own database name prefix for Kodi's ``video_database``. Skips with a reason only where
    mariadb-server cannot be installed; with TRAKTSYNC_REQUIRE_KODI=1 (``make test`` after apt) a missing server
    fails."""
    missing = mariadb_server.missing_parts()
    if missing:
        if os.environ.get('TRAKTSYNC_REQUIRE_KODI') == '1':
            pytest.fail('MariaDB is required here but missing: ' + missing)
        pytest.skip('MariaDB cannot run here (missing: {}); on Debian `make test` installs mariadb-server with apt'
                    .format(missing))
    server = mariadb_server.MariaDB().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def kodi_factory(request, tmp_path, addon_zip, module_addon_cache):
    """``kodi_factory(enable=[...], install_addon=True, **kwargs)`` makes a started Kodi with the built add-on
    unpacked into its home; every instance is closed after the test. When the test failed, a screenshot and
    kodi.log of each instance are kept under artifacts/<test name>/."""
    require_kodi()
    instances = []

    def make(enable=('service.traktsync',), install_addon=True, start=True, **kwargs):
        workdir = str(tmp_path / 'kodi{}'.format(len(instances)))
        os.makedirs(workdir)
        kodi = kodi_harness.Kodi(workdir, enable=list(enable), module_addon_cache=module_addon_cache, **kwargs)
        instances.append(kodi)
        kodi._prepare_home()
        if install_addon:
            build.unpack(addon_zip, kodi.addons_dir)
        return kodi.start() if start else kodi

    yield make

    failed = getattr(request.node, 'report_call', None) is not None and request.node.report_call.failed
    for index, kodi in enumerate(instances):
        if failed:
            keep_evidence(kodi, request.node.name, 'kodi{}'.format(index))
        kodi.close(quick=True)


def keep_evidence(kodi, test_name, name):
    """Keep a screenshot, kodi.log, Kodi's stdout and any crash log of a Kodi whose test failed under
    artifacts/<test name>[-<Kodi label>]/<name>/, and print the log's add-on and error lines."""
    folder = os.path.join(ARTIFACTS, test_name + ('-' + KODI_LABEL if KODI_LABEL else ''), name)
    os.makedirs(folder, exist_ok=True)
    if kodi.process is not None and kodi.process.poll() is None:
        try:
            kodi.screenshot(os.path.join(folder, 'screen.png'))
        except Exception:  # noqa: BLE001 - a missing screenshot must not hide the real failure
            pass
    if os.path.exists(kodi.log_path):
        shutil.copy(kodi.log_path, os.path.join(folder, 'kodi.log'))
        _print_log_tail(kodi.log_path, name)
    # What Kodi printed (an abort or a crash shows there) and any crash log or older log it left.
    for path in [os.path.join(kodi.workdir, 'kodi-stdout.log')] + glob.glob(
            os.path.join(kodi.home, '*crashlog*')) + glob.glob(os.path.join(kodi.kodi_home, 'temp', '*.log')):
        if os.path.exists(path) and path != kodi.log_path:
            shutil.copy(path, os.path.join(folder, os.path.basename(path)))
    _print_exit(kodi, name)
    if kodi.process is not None and kodi.process.poll() is not None:
        backtrace = kodi.crash_report()
        if backtrace:
            with open(os.path.join(folder, 'kodi-backtrace.txt'), 'w') as handle:
                handle.write(backtrace)
            print('--- {}: Kodi dumped core; the backtrace of every thread is in {} ---'.format(
                name, os.path.join(folder, 'kodi-backtrace.txt')))


def _worth_showing(line):
    lowered = line.lower()
    if 'traktsync' in lowered or 'python' in lowered:
        return True
    return ' error <' in lowered and 'fontmanager' not in lowered and 'zeroconf' not in lowered


def _print_exit(kodi, name):
    """How Kodi ended, if it did, with what it printed: a crash shows there, not in kodi.log."""
    if kodi.process is None or kodi.process.poll() is None:
        return
    print('--- {}: Kodi exited with {} ---'.format(name, kodi.process.returncode))
    stdout = os.path.join(kodi.workdir, 'kodi-stdout.log')
    if os.path.exists(stdout):
        with open(stdout, errors='replace') as handle:
            print(''.join(handle.readlines()[-20:]))


def _print_log_tail(log_path, name, lines=80):
    """CI keeps only the console: put the add-on's last log lines (and Kodi's errors) into the failure report."""
    with open(log_path, errors='replace') as handle:
        wanted = [line.rstrip() for line in handle if _worth_showing(line)]
    print('--- {}: last {} add-on/error lines of kodi.log ---'.format(name, lines))
    print('\n'.join(wanted[-lines:]))
