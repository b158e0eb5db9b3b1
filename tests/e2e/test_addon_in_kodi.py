"""The built add-on inside real Kodi: it installs, its service runs and stops promptly, its menu works."""
import re

import pytest

from tools.kodi_harness import OK_DIALOG, SELECT_DIALOG, SETTINGS_DIALOG

SERVICE_STARTED = r'\[service\.traktsync\] service (\S+) started'
SERVICE_STOPPED = r'\[service\.traktsync\] service \S+ stopped'
ABORT_REQUESTED = r'CPythonInvoker\(\d+, .*service\.traktsync/service\.py\): trigger Monitor abort request'


@pytest.mark.every_major
def test_service_starts_with_its_version_and_stops_within_a_second_of_quit(kodi_factory):
    kodi = kodi_factory(debug=True)   # debug logging shows when Kodi asks the service to stop

    started = kodi.wait_log(SERVICE_STARTED, timeout=20)
    version = re.search(r'<addon\b[^>]*\bversion="([^"]+)"', open('addon.xml').read()).group(1)
    assert re.search(SERVICE_STARTED, started).group(1) == version
    details = kodi.call('Addons.GetAddonDetails', {'addonid': 'service.traktsync',
                                                   'properties': ['enabled', 'version', 'name']})['addon']
    assert details['enabled'] is True and details['name'] == 'Trakt Library Sync'

    kodi.quit()
    abort = kodi.log_time(kodi.wait_log(ABORT_REQUESTED, timeout=5))
    stopped = kodi.log_time(kodi.wait_log(SERVICE_STOPPED, timeout=5))
    assert 0 <= stopped - abort < 1.0, 'the service took {:.2f} s to stop'.format(stopped - abort)
    assert kodi.python_errors() == []


def test_menu_opens_and_backing_out_ends_the_script(kodi_factory):
    kodi = kodi_factory()
    kodi.run_script('service.traktsync')
    kodi.wait_window(SELECT_DIALOG)
    kodi.press('Back')
    kodi.wait_log(r'\[service\.traktsync\] menu action: None', timeout=10)
    kodi.wait_window_closed(SELECT_DIALOG)
    assert kodi.python_errors() == []


def test_menu_sync_now_tells_the_user_and_ends_cleanly(kodi_factory):
    kodi = kodi_factory()
    kodi.run_script('service.traktsync')
    kodi.wait_window(SELECT_DIALOG)
    kodi.press('Select')                      # the first entry: "Sync now"
    kodi.wait_log(r'\[service\.traktsync\] menu action: sync', timeout=10)
    kodi.wait_window(OK_DIALOG)                 # not signed in yet: the dialog says how to authorize
    kodi.press('Select')
    kodi.wait_window_closed(OK_DIALOG)
    assert kodi.python_errors() == []


def test_run_script_with_an_action_skips_the_menu(kodi_factory):
    kodi = kodi_factory()
    kodi.run_script('service.traktsync', ['action=settings'])
    kodi.wait_log(r'\[service\.traktsync\] menu action: settings', timeout=10)
    window = kodi.wait_window(SETTINGS_DIALOG)
    assert window['id'] == SETTINGS_DIALOG
    kodi.press('Back')
    assert kodi.python_errors() == []
