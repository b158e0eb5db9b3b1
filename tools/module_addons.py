"""Builds the Kodi module add-ons the add-on depends on, from PyPI, as pure Python.

Kodi runs every add-on in a Python sub-interpreter; compiled extensions with
single-phase init (the mypyc-built charset_normalizer wheel, simplejson's
speedups) fail on the second import in one Kodi process. So requests is built
with a pure charset-normalizer and simplejson without its C speedups, the way
a platform-independent module add-on from a Kodi repository ships them.

``python -m tools.module_addons DEST`` writes ``DEST/<addon id>/`` folders and
keeps them as a cache: a folder whose addon.xml exists is not built again.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

# (addon id, addon version, pip requirements, extra pip options)
MODULES = [
    ('script.module.requests', '2.31.0',
     ['requests==2.31.0', 'urllib3==1.26.20', 'idna==3.10', 'certifi==2024.8.30', 'charset-normalizer==3.4.0'],
     ['--no-binary', 'charset-normalizer']),
    ('script.module.six', '1.16.0', ['six==1.16.0'], []),
    ('script.module.simplejson', '3.19.3', ['simplejson==3.19.3'], []),
]

ADDON_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<addon id="{id}" name="{name}" version="{version}" provider-name="built from PyPI for tests">
  <requires><import addon="xbmc.python" version="3.0.0"/></requires>
  <extension point="xbmc.python.module" library="lib"/>
  <extension point="xbmc.addon.metadata">
    <summary lang="en_GB">{name} (Python module)</summary>
    <platform>all</platform>
  </extension>
</addon>
"""

KODI_SIX = '''"""Pass-through stand-in for kodi-six on Python 3: Kodi's modules as they are."""
import xbmc  # noqa: F401
import xbmcaddon  # noqa: F401
import xbmcgui  # noqa: F401
import xbmcplugin  # noqa: F401
import xbmcvfs  # noqa: F401


def py2_encode(value, encoding='utf-8'):
    return value


def py2_decode(value, encoding='utf-8'):
    return value
'''


def _write_addon_xml(folder, addon_id, version):
    with open(os.path.join(folder, 'addon.xml'), 'w') as handle:
        handle.write(ADDON_XML.format(id=addon_id, name=addon_id.split('.', 2)[-1], version=version))


def build_module(dest, addon_id, version, requirements, pip_options):
    folder = os.path.join(dest, addon_id)
    if os.path.exists(os.path.join(folder, 'addon.xml')):
        return folder
    staging = tempfile.mkdtemp(prefix=addon_id + '.', dir=dest)
    lib = os.path.join(staging, 'lib')
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
                           '--no-deps', '--no-compile', '--target', lib] + pip_options + requirements)
    for compiled in glob.glob(os.path.join(lib, '**', '*.so'), recursive=True):
        os.remove(compiled)   # the pure-Python fallbacks take over
    for metadata in glob.glob(os.path.join(lib, '*.dist-info')) + glob.glob(os.path.join(lib, 'bin')):
        shutil.rmtree(metadata)
    _write_addon_xml(staging, addon_id, version)
    os.rename(staging, folder)
    return folder


def build_kodi_six(dest):
    folder = os.path.join(dest, 'script.module.kodi-six')
    if not os.path.exists(os.path.join(folder, 'addon.xml')):
        os.makedirs(os.path.join(folder, 'lib', 'kodi_six'))
        with open(os.path.join(folder, 'lib', 'kodi_six', '__init__.py'), 'w') as handle:
            handle.write(KODI_SIX)
        _write_addon_xml(folder, 'script.module.kodi-six', '0.1.3')
    return folder


def build_all(dest):
    """Build every module add-on into ``dest``; return their folders."""
    os.makedirs(dest, exist_ok=True)
    folders = [build_module(dest, *module) for module in MODULES]
    folders.append(build_kodi_six(dest))
    return folders


if __name__ == '__main__':
    for path in build_all(sys.argv[1] if len(sys.argv) > 1 else os.path.join('build', 'module-addons')):
        print(path)
