"""Builds the installable add-on zip with ``git archive``.

The archive is made from a tree of the current working copy (tracked and new,
not ignored files), so tests install exactly what ``make zip`` would ship from
the same checkout; ``.gitattributes`` export-ignore keeps tests, tools and CI
files out. The trakt app credentials are a build-time file that is never
committed: when present, it is added to the zip after the archive.

``python -m tools.build [DEST_DIR]`` prints the zip's path.
"""
import os
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON_ID = 'service.traktsync'
CREDENTIALS = os.path.join('lib', 'traktsync', 'trakt', 'app_credentials.json')


def addon_version(root=ROOT):
    with open(os.path.join(root, 'addon.xml'), encoding='utf-8') as handle:
        return re.search(r'<addon\b[^>]*\bversion="([^"]+)"', handle.read()).group(1)


def _working_tree_id(root):
    """A git tree object of the working copy, made in a throw-away index."""
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, GIT_INDEX_FILE=os.path.join(scratch, 'index'))
        subprocess.check_call(['git', 'add', '--all', '.'], cwd=root, env=env)
        return subprocess.check_output(['git', 'write-tree'], cwd=root, env=env).decode().strip()


def build_zip(dest_dir=None, root=ROOT):
    dest_dir = dest_dir or os.path.join(root, 'dist')
    os.makedirs(dest_dir, exist_ok=True)
    path = os.path.join(dest_dir, '{}-{}.zip'.format(ADDON_ID, addon_version(root)))
    subprocess.check_call(['git', 'archive', '--format=zip', '--prefix={}/'.format(ADDON_ID),
                           '--worktree-attributes', '-o', path, _working_tree_id(root)], cwd=root)
    credentials = os.path.join(root, CREDENTIALS)
    if os.path.exists(credentials):
        with zipfile.ZipFile(path, 'a', zipfile.ZIP_DEFLATED) as archive:
            archive.write(credentials, '{}/{}'.format(ADDON_ID, CREDENTIALS.replace(os.sep, '/')))
    return path


def unpack(zip_path, addons_dir):
    """Unpack the zip into a Kodi ``addons`` folder, as Kodi's "Install from zip file" does."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(addons_dir)
    return os.path.join(addons_dir, ADDON_ID)


if __name__ == '__main__':
    print(build_zip(sys.argv[1] if len(sys.argv) > 1 else None))
