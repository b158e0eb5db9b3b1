"""The zip users install: one top folder, only what Kodi needs, and kodi-addon-checker has nothing to report."""
import zipfile

import pytest

from tools import addon_check, build


def test_zip_has_one_top_folder_and_only_what_kodi_needs(addon_zip):
    names = zipfile.ZipFile(addon_zip).namelist()
    assert {name.split('/')[0] for name in names} == {'service.traktsync'}
    inside = {name.split('/', 1)[1] for name in names}
    for required in ('addon.xml', 'service.py', 'default.py', 'LICENSE.txt', 'resources/settings.xml',
                     'resources/icon.png', 'resources/fanart.jpg',
                     'resources/language/resource.language.en_gb/strings.po', 'lib/traktsync/service.py'):
        assert required in inside
    for name in inside:
        assert not name.startswith(('tests/', 'tools/', '.ci/', 'dist/', 'build/')), name
        assert name not in ('Makefile', 'README.md', 'pyproject.toml', 'requirements-dev.txt', '.gitattributes')
        assert '__pycache__' not in name and not name.endswith('.pyc')


def test_zip_is_named_after_the_version_in_addon_xml(addon_zip):
    assert addon_zip.endswith('service.traktsync-{}.zip'.format(build.addon_version()))


def test_kodi_addon_checker_for_matrix_reports_no_problem(addon_zip, tmp_path):
    pytest.importorskip('kodi_addon_checker')
    addon_dir = build.unpack(addon_zip, str(tmp_path))
    code, report = addon_check.run_checker(addon_dir, 'matrix')
    assert code == 0
    assert addon_check.problems(report) == []
    assert 'no problems and no warnings' in report
