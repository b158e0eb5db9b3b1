"""The repository folder `make repo` writes: what Kodi downloads from it, and what it refuses to publish."""
import hashlib
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

from tools import build, repo

from .conftest import zip_with_version

URL = 'http://127.0.0.1:8123/kodi/'


def _addon(tmp_path, addon_id, version, assets=''):
    folder = tmp_path / 'src' / addon_id
    folder.mkdir(parents=True)
    (folder / 'addon.xml').write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<addon id="{}" version="{}" name="x" provider-name="y">'
        '<extension point="xbmc.python.module" library="lib"/><extension point="xbmc.addon.metadata">'
        '<platform>all</platform>{}</extension></addon>\n'.format(addon_id, version, assets))
    (folder / 'lib').mkdir()
    (folder / 'lib' / 'module.py').write_text('VALUE = 1\n')
    (folder / 'lib' / '__pycache__').mkdir()
    (folder / 'lib' / '__pycache__' / 'module.cpython-311.pyc').write_bytes(b'\0')
    return str(folder)


@pytest.fixture(scope='module')
def built(tmp_path_factory, addon_zip):
    tmp_path = tmp_path_factory.mktemp('repo')
    dest = str(tmp_path / 'repo')
    served = repo.build_repository(dest, URL, extra_addons=[_addon(tmp_path, 'script.module.demo', '2.0.0')],
                                   addon_zip=addon_zip)
    return dest, served


def _index(dest):
    return {addon.get('id'): addon for addon in ET.parse(os.path.join(dest, 'addons.xml')).getroot()}


def test_index_lists_the_addon_the_repository_and_the_extras_at_their_versions(built):
    dest, _ = built
    index = _index(dest)
    assert set(index) == {build.ADDON_ID, repo.REPOSITORY_ID, 'script.module.demo'}
    assert index[build.ADDON_ID].get('version') == build.addon_version()
    assert index[repo.REPOSITORY_ID].get('version') == repo.REPOSITORY_VERSION
    assert index['script.module.demo'].get('version') == '2.0.0'


def test_md5_file_is_md5sum_output_of_the_index(built):
    dest, _ = built
    with open(os.path.join(dest, 'addons.xml'), 'rb') as handle:
        digest = hashlib.md5(handle.read()).hexdigest()
    with open(os.path.join(dest, 'addons.xml.md5')) as handle:
        assert handle.read() == '{}  addons.xml\n'.format(digest)


def test_every_zip_sits_in_its_id_folder_with_one_top_folder_and_a_matching_sha256(built):
    dest, served = built
    for addon_id, path in served.items():
        assert os.path.relpath(path, dest) == os.path.join(addon_id, '{}-{}.zip'.format(
            addon_id, _index(dest)[addon_id].get('version')))
        with zipfile.ZipFile(path) as archive:
            assert {name.split('/')[0] for name in archive.namelist()} == {addon_id}
        with open(path, 'rb') as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        with open(path + '.sha256') as handle:
            assert handle.read().split() == [digest, os.path.basename(path)]


def test_extra_folders_are_zipped_without_python_caches(built):
    _, served = built
    names = zipfile.ZipFile(served['script.module.demo']).namelist()
    assert 'script.module.demo/lib/module.py' in names
    assert not any('__pycache__' in name or name.endswith('.pyc') for name in names)


def test_addon_folder_has_artwork_and_the_changelog_of_its_version(built):
    dest, served = built
    folder = os.path.join(dest, build.ADDON_ID)
    with zipfile.ZipFile(served[build.ADDON_ID]) as archive:
        icon = archive.read(build.ADDON_ID + '/resources/icon.png')
        fanart = archive.read(build.ADDON_ID + '/resources/fanart.jpg')
        changelog = archive.read(build.ADDON_ID + '/changelog.txt')
    for name, data in (('icon.png', icon), ('resources/icon.png', icon), ('fanart.jpg', fanart),
                       ('resources/fanart.jpg', fanart),
                       ('changelog-{}.txt'.format(build.addon_version()), changelog)):
        with open(os.path.join(folder, name), 'rb') as handle:
            assert handle.read() == data, name


def test_repository_addon_points_kodi_at_the_url_with_the_kodi19_dir_schema(built):
    _, served = built
    with zipfile.ZipFile(served[repo.REPOSITORY_ID]) as archive:
        root = ET.fromstring(archive.read(repo.REPOSITORY_ID + '/addon.xml'))
        assert repo.REPOSITORY_ID + '/icon.png' in archive.namelist()
    directory = root.find("extension[@point='xbmc.addon.repository']/dir")
    assert directory.findtext('info') == URL + 'addons.xml'
    assert directory.findtext('checksum') == URL + 'addons.xml.md5'
    assert directory.findtext('datadir') == URL and directory.find('datadir').get('zip') == 'true'
    assert directory.findtext('hashes') == 'sha256'


def test_index_offers_the_newest_zip_of_an_addon(tmp_path):
    dest = str(tmp_path / 'repo')
    source = repo.zip_folder(_addon(tmp_path, 'script.module.demo', '1.0.0'), str(tmp_path))
    os.makedirs(dest)
    for version in ('1.9.0', '1.10.0', '1.10.0~beta1'):
        repo.add_zip(dest, zip_with_version(source, version, str(tmp_path / 'src')))
    repo.write_index(dest)
    assert _index(dest)['script.module.demo'].get('version') == '1.10.0'
    assert len([n for n in os.listdir(os.path.join(dest, 'script.module.demo')) if n.endswith('.zip')]) == 3


def test_asset_missing_from_the_zip_is_refused(tmp_path):
    source = repo.zip_folder(_addon(tmp_path, 'script.module.demo', '1.0.0', '<assets><icon>icon.png</icon></assets>'),
                             str(tmp_path))
    with pytest.raises(repo.RepoError, match='icon.png'):
        repo.add_zip(str(tmp_path / 'repo'), source)
    assert not os.path.exists(str(tmp_path / 'repo' / 'script.module.demo'))   # nothing half-published


def test_zip_with_two_top_folders_is_refused(tmp_path):
    path = str(tmp_path / 'bad.zip')
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('one/addon.xml', '<addon id="one" version="1.0.0"/>')
        archive.writestr('two/file.txt', 'x')
    with pytest.raises(repo.RepoError, match='one top folder'):
        repo.add_zip(str(tmp_path / 'repo'), path)


@pytest.mark.parametrize('url', ['', 'ftp://example.org/', '127.0.0.1:8080', 'http:///x'])
def test_url_that_kodi_cannot_fetch_is_refused(url):
    with pytest.raises(repo.RepoError, match='REPO_URL'):
        repo.normalize_url(url)


def test_url_gets_exactly_one_trailing_slash():
    assert repo.normalize_url(' https://example.org/kodi// ') == 'https://example.org/kodi/'


def test_command_line_takes_the_url_from_repo_url(tmp_path):
    dest = str(tmp_path / 'repo')
    env = dict(os.environ, REPO_URL='https://example.org/trakt')
    subprocess.run([sys.executable, '-m', 'tools.repo', dest], cwd=build.ROOT, env=env, check=True,
                   stdout=subprocess.PIPE)
    with zipfile.ZipFile(repo.newest_zips(dest)[repo.REPOSITORY_ID]) as archive:
        text = archive.read(repo.REPOSITORY_ID + '/addon.xml').decode()
    assert '<datadir zip="true">https://example.org/trakt/</datadir>' in text


def test_command_line_reports_a_bad_url_without_a_traceback(tmp_path):
    env = dict(os.environ, REPO_URL='example.org')
    result = subprocess.run([sys.executable, '-m', 'tools.repo', str(tmp_path / 'repo')], cwd=build.ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert b'REPO_URL' in result.stderr and b'Traceback' not in result.stderr
    assert not os.path.exists(str(tmp_path / 'repo'))


def _zip_with_asset(tmp_path, asset):
    """A zip whose addon.xml names ``asset`` and which holds an entry at exactly that place."""
    path = str(tmp_path / 'script.module.demo-1.0.0.zip')
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<addon id="script.module.demo" version="1.0.0" name="x" '
           'provider-name="y"><extension point="xbmc.addon.metadata"><assets><icon>{}</icon></assets>'
           '</extension></addon>\n').format(asset)
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('script.module.demo/addon.xml', xml)
        archive.writestr('script.module.demo/' + asset, b'not an icon')
    return path


@pytest.mark.parametrize('asset', ['../../escaped.png', 'resources/../../../escaped.png', '/tmp/escaped.png',
                                   'C:/escaped.png', '..\\escaped.png'])
def test_asset_paths_that_leave_the_addon_folder_are_refused(tmp_path, asset):
    source = _zip_with_asset(tmp_path, asset)
    dest = tmp_path / 'out' / 'repo'
    with pytest.raises(repo.RepoError, match='must stay inside the add-on folder'):
        repo.add_zip(str(dest), source)
    assert not os.path.exists(str(dest / 'script.module.demo'))
    written = [os.path.join(here, name) for here, _, names in os.walk(str(tmp_path)) for name in names]
    assert not [path for path in written if 'escaped' in path]


def test_a_folder_make_repo_did_not_build_is_never_deleted(tmp_path, addon_zip):
    dest = tmp_path / 'photos'
    dest.mkdir()
    (dest / 'precious.jpg').write_bytes(b'only copy')
    with pytest.raises(repo.RepoError, match='not built by make repo'):
        repo.build_repository(str(dest), URL, addon_zip=addon_zip)
    assert os.listdir(str(dest)) == ['precious.jpg']


def test_a_file_as_destination_is_refused(tmp_path, addon_zip):
    dest = tmp_path / 'notes.txt'
    dest.write_text('keep me')
    with pytest.raises(repo.RepoError, match='not a folder'):
        repo.build_repository(str(dest), URL, addon_zip=addon_zip)
    assert dest.read_text() == 'keep me'


def test_an_earlier_build_is_replaced_and_an_empty_folder_used(tmp_path, addon_zip):
    dest = tmp_path / 'repo'
    dest.mkdir()
    repo.build_repository(str(dest), URL, addon_zip=addon_zip)
    assert (dest / repo.MARKER).is_file()
    (dest / 'stale-from-an-old-build.zip').write_bytes(b'old')
    repo.build_repository(str(dest), URL, addon_zip=addon_zip)
    assert (dest / repo.MARKER).is_file() and not (dest / 'stale-from-an-old-build.zip').exists()
    assert set(_index(str(dest))) == {build.ADDON_ID, repo.REPOSITORY_ID}


def test_command_line_leaves_a_foreign_folder_alone_without_a_traceback(tmp_path):
    dest = tmp_path / 'home'
    dest.mkdir()
    (dest / 'thesis.odt').write_bytes(b'x')
    result = subprocess.run([sys.executable, '-m', 'tools.repo', str(dest)], cwd=build.ROOT,
                            env=dict(os.environ, REPO_URL=URL), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert b'not built by make repo' in result.stderr and b'Traceback' not in result.stderr
    assert os.listdir(str(dest)) == ['thesis.odt']


def test_repo_url_is_escaped_in_the_repository_addon(tmp_path):
    url = 'https://example.org/kodi?a=1&b=<2>&c="3"&d=\'4\''
    folder = repo.repository_addon(str(tmp_path), url)
    root = ET.parse(os.path.join(folder, 'addon.xml')).getroot()
    directory = root.find("extension[@point='xbmc.addon.repository']/dir")
    assert directory.findtext('datadir') == repo.normalize_url(url)
    assert directory.findtext('info') == repo.normalize_url(url) + 'addons.xml'
