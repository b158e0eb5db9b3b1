"""Builds a Kodi add-on repository folder, ready to be served by any static web server.

The folder holds ``addons.xml`` (every served add-on's addon.xml), ``addons.xml.md5``
(md5sum form; Kodi only uses it to notice that the index changed) and per add-on
``<id>/<id>-<version>.zip`` (top folder ``<id>/``) with a ``.sha256`` sidecar that the
repository add-on asks Kodi to verify, the artwork at the paths the add-on's
``<assets>`` name (where Kodi's add-on browser fetches it) plus ``icon.png`` and
``fanart.jpg`` at the folder top, and ``changelog-<version>.txt``.

It serves ``service.traktsync`` and ``repository.traktsync``, the small add-on users
install from zip so that Kodi knows the repository's address. The address is baked into
that add-on, so it is a build variable:

    REPO_URL=https://example.org/kodi/ python -m tools.repo [DEST]    # default DEST: dist/repo

A new version is published by adding its zip (``add_zip``) and writing the index again
(``write_index``); older zips may stay, the index lists the newest of each add-on.

The build starts from an empty DEST, but it deletes an existing DEST only when that folder
is empty or holds the marker file an earlier build left (``.traktsync-repo``): a mistyped
DEST must never cost someone a folder. Asset paths that leave the add-on folder are refused.
"""
import hashlib
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from xml.sax.saxutils import escape

from tools import build

ROOT = build.ROOT
REPOSITORY_ID = 'repository.traktsync'
REPOSITORY_NAME = 'Trakt Library Sync repository'
REPOSITORY_VERSION = '1.0.0'
DEFAULT_URL = 'http://127.0.0.1:8080/'
DEFAULT_DEST = os.path.join(ROOT, 'dist', 'repo')
# Left in every repository folder this tool builds; only a folder holding it is ever deleted by a rebuild.
MARKER = '.traktsync-repo'
MARKER_TEXT = 'Built by make repo (tools/repo.py); the next build may delete and rewrite this folder.\n'
# A fixed time for the entries of zips made here, so the same folder gives the same bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)

REPOSITORY_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<addon id="{id}" name="{name}" version="{version}" provider-name="Trakt Library Sync developers">
  <extension point="xbmc.addon.repository" name="{name}">
    <dir>
      <info compressed="false">{url}addons.xml</info>
      <checksum>{url}addons.xml.md5</checksum>
      <datadir zip="true">{url}</datadir>
      <hashes>sha256</hashes>
    </dir>
  </extension>
  <extension point="xbmc.addon.metadata">
    <summary lang="en_GB">Installs and updates Trakt Library Sync</summary>
    <description lang="en_GB">Install Trakt Library Sync from here; Kodi keeps it up to date.</description>
    <platform>all</platform>
    <license>GPL-3.0-or-later</license>
    <assets>
      <icon>icon.png</icon>
    </assets>
  </extension>
</addon>
"""


class RepoError(Exception):
    pass


def normalize_url(url):
    """The base URL with exactly one trailing slash; only http(s) addresses make sense to Kodi here."""
    url = (url or '').strip()
    if not re.match(r'^https?://[^/\s]+', url):
        raise RepoError('REPO_URL must be an http:// or https:// address, got {!r}'.format(url))
    return url.rstrip('/') + '/'


def version_key(version):
    """Order versions the way people read them: 1.10.0 after 1.9.0; a pre-release (1.0.0~beta1) before 1.0.0."""
    release, _, pre = version.partition('~')
    numbers = tuple(int(part) if part.isdigit() else 0 for part in re.split(r'[.+-]', release))
    return numbers, (0, pre) if pre else (1, '')


def _addon_xml_of_zip(zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        tops = {name.split('/')[0] for name in archive.namelist() if name.strip('/')}
        if len(tops) != 1:
            raise RepoError('{} must hold exactly one top folder, it holds {}'.format(zip_path, sorted(tops)))
        top = tops.pop()
        try:
            text = archive.read(top + '/addon.xml').decode('utf-8')
        except KeyError:
            raise RepoError('{} has no {}/addon.xml'.format(zip_path, top)) from None
    root = ET.fromstring(text.encode('utf-8'))
    if root.get('id') != top:
        raise RepoError('{}: addon.xml id {!r} differs from the top folder {!r}'.format(zip_path, root.get('id'), top))
    return top, root.get('version'), text


def zip_folder(folder, dest_dir):
    """Zip an add-on folder as ``<dest_dir>/<id>-<version>.zip`` with top folder ``<id>/``, without Python caches."""
    with open(os.path.join(folder, 'addon.xml'), encoding='utf-8') as handle:
        root = ET.fromstring(handle.read().encode('utf-8'))
    addon_id, version = root.get('id'), root.get('version')
    os.makedirs(dest_dir, exist_ok=True)
    path = os.path.join(dest_dir, '{}-{}.zip'.format(addon_id, version))
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as archive:
        for current, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != '__pycache__')
            for name in sorted(files):
                if name.endswith('.pyc'):
                    continue
                full = os.path.join(current, name)
                inside = '/'.join([addon_id] + os.path.relpath(full, folder).split(os.sep))
                info = zipfile.ZipInfo(inside, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = (os.stat(full).st_mode & 0o777 | 0o100000) << 16
                with open(full, 'rb') as source:
                    archive.writestr(info, source.read())
    return path


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 16), b''):
            digest.update(block)
    return digest.hexdigest()


def _asset_paths(addon_xml_text):
    """The artwork files an addon.xml names in ``<assets>`` (icon, fanart, screenshots …)."""
    root = ET.fromstring(addon_xml_text.encode('utf-8'))
    return [item.text.strip() for assets in root.iter('assets') for item in assets if (item.text or '').strip()]


def _check_asset_path(addon_id, asset):
    """RepoError unless ``asset`` is a relative path that stays inside the add-on folder."""
    parts = asset.replace('\\', '/').split('/')
    if (asset.startswith(('/', '\\')) or re.match(r'^[A-Za-z]:', asset) or '..' in parts
            or any(part in ('', '.') for part in parts)):
        raise RepoError('{} names {!r} in <assets>: asset paths must stay inside the add-on folder'.format(
            addon_id, asset))


def add_zip(repo_dir, zip_path):
    """Publish one add-on zip in the repository folder, with its sha256 sidecar, artwork and changelog.
    The index is not touched: call ``write_index`` after the last one."""
    addon_id, version, text = _addon_xml_of_zip(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        artwork = {}
        for asset in _asset_paths(text):
            _check_asset_path(addon_id, asset)
            inside = '{}/{}'.format(addon_id, asset)
            if inside not in names:
                raise RepoError('{} names {} in <assets>, the zip lacks it'.format(addon_id, asset))
            artwork[asset] = archive.read(inside)
            if asset.endswith(('icon.png', 'fanart.jpg')):
                artwork[os.path.basename(asset)] = artwork[asset]
        changelog = '{}/changelog.txt'.format(addon_id)
        if changelog in names:
            artwork['changelog-{}.txt'.format(version)] = archive.read(changelog)
    folder = os.path.join(repo_dir, addon_id)
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, '{}-{}.zip'.format(addon_id, version))
    if os.path.abspath(zip_path) != os.path.abspath(target):
        shutil.copyfile(zip_path, target)
    with open(target + '.sha256', 'w', encoding='utf-8') as handle:
        handle.write('{}  {}\n'.format(_sha256(target), os.path.basename(target)))
    for name, data in artwork.items():
        path = os.path.join(folder, *name.split('/'))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as handle:
            handle.write(data)
    return target


def newest_zips(repo_dir):
    """The newest zip of every add-on folder in the repository, by add-on id."""
    newest = {}
    for addon_id in sorted(os.listdir(repo_dir)):
        folder = os.path.join(repo_dir, addon_id)
        if not os.path.isdir(folder):
            continue
        pattern = re.compile(r'^{}-(.+)\.zip$'.format(re.escape(addon_id)))
        versions = [match.group(1) for match in map(pattern.match, os.listdir(folder)) if match]
        if versions:
            newest[addon_id] = os.path.join(folder, '{}-{}.zip'.format(addon_id, max(versions, key=version_key)))
    return newest


def write_index(repo_dir):
    """Write ``addons.xml`` from the newest zip of each add-on and ``addons.xml.md5`` beside it."""
    entries = []
    for zip_path in newest_zips(repo_dir).values():
        text = _addon_xml_of_zip(zip_path)[2]
        entries.append(re.sub(r'^\s*<\?xml[^>]*\?>\s*', '', text).strip())
    if not entries:
        raise RepoError('{} holds no add-on zip'.format(repo_dir))
    index = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<addons>\n{}\n</addons>\n'.format(
        '\n'.join(entries))
    ET.fromstring(index.encode('utf-8'))   # never publish an index Kodi cannot parse
    data = index.encode('utf-8')
    index_path = os.path.join(repo_dir, 'addons.xml')
    with open(index_path, 'wb') as handle:
        handle.write(data)
    with open(index_path + '.md5', 'w', encoding='utf-8') as handle:
        handle.write('{}  addons.xml\n'.format(hashlib.md5(data).hexdigest()))
    return index_path


def repository_addon(dest_dir, repo_url):
    """Write the ``repository.traktsync`` add-on folder under ``dest_dir``; return the folder."""
    folder = os.path.join(dest_dir, REPOSITORY_ID)
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    with open(os.path.join(folder, 'addon.xml'), 'w', encoding='utf-8') as handle:
        handle.write(REPOSITORY_XML.format(id=REPOSITORY_ID, name=REPOSITORY_NAME, version=REPOSITORY_VERSION,
                                           url=escape(normalize_url(repo_url), {'"': '&quot;', "'": '&apos;'})))
    shutil.copyfile(os.path.join(ROOT, 'resources', 'icon.png'), os.path.join(folder, 'icon.png'))
    return folder


def build_repository(dest=DEFAULT_DEST, repo_url=DEFAULT_URL, extra_addons=(), addon_zip=None):
    """Build the repository folder ``dest`` from scratch: service.traktsync (``addon_zip``, built from the
    working copy when not given), repository.traktsync for ``repo_url``, and ``extra_addons`` (add-on folders
    or zips, e.g. the module add-ons it depends on). Return the paths of the served zips by add-on id."""
    repo_url = normalize_url(repo_url)
    _clear_destination(dest)
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, MARKER), 'w', encoding='utf-8') as handle:
        handle.write(MARKER_TEXT)
    with tempfile.TemporaryDirectory() as scratch:
        zips = [addon_zip or build.build_zip(scratch)]
        zips.append(zip_folder(repository_addon(scratch, repo_url), scratch))
        for extra in extra_addons:
            zips.append(extra if os.path.isfile(extra) else zip_folder(extra, scratch))
        served = {}
        for zip_path in zips:
            target = add_zip(dest, zip_path)
            served[os.path.basename(os.path.dirname(target))] = target
    write_index(dest)
    return served


def _clear_destination(dest):
    """Delete ``dest`` when it is an earlier output of this tool (it holds MARKER); leave an empty folder as it
    is; refuse anything else."""
    if not os.path.lexists(dest):
        return
    if os.path.islink(dest) or not os.path.isdir(dest):
        raise RepoError('{} exists and is not a folder; choose another destination'.format(dest))
    if not os.listdir(dest):
        return
    if not os.path.isfile(os.path.join(dest, MARKER)):
        raise RepoError('{} is not empty and was not built by make repo (it has no {} file); it is left alone: '
                        'remove it yourself or choose another destination'.format(dest, MARKER))
    shutil.rmtree(dest)


def main(argv):
    dest = argv[1] if len(argv) > 1 else DEFAULT_DEST
    url = os.environ.get('REPO_URL') or DEFAULT_URL
    try:
        served = build_repository(dest, url)
    except RepoError as exc:
        print('make repo: {}'.format(exc), file=sys.stderr)
        return 2
    for path in served.values():
        print(os.path.relpath(path, dest))
    print('repository for {} in {}'.format(normalize_url(url), dest))
    if url == DEFAULT_URL:
        print('note: REPO_URL was not set; the repository add-on points at {}'.format(DEFAULT_URL))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
