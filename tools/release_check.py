"""Checks that the working copy is ready to be released, and keeps addon.xml's ``<news>`` from changelog.txt.

``python -m tools.release_check`` (``make release-check``) prints every reason the release is not ready and
exits 1, or prints what would be released and exits 0. It is meant to run before the release is tagged
``v<version>``. A release is ready when:

* addon.xml's version is ``MAJOR.MINOR.PATCH`` (semantic versioning; a Kodi pre-release suffix such as
  ``~beta1`` is allowed);
* the version is higher than the last released one. The last release is the newest git tag ``v*`` reachable
  from HEAD. Without such a tag, it is the version addon.xml had before its latest change: the version in
  HEAD when addon.xml has uncommitted changes, otherwise the version in the parent of the newest commit that
  changed addon.xml. When addon.xml never existed before (the first release), there is nothing to compare.
  So bump the version in the same change as anything else in addon.xml (``<news>`` included);
* changelog.txt's newest entry is for that version, and ``<news>`` in addon.xml is that entry
  (``python -m tools.release_check --write-news`` writes it);
* ``kodi-addon-checker --branch matrix`` reports nothing for the zip that ``make zip`` builds.

changelog.txt is a list of entries, newest first, separated by blank lines:

    v1.2.0 (2026-12-24)
    - What changed, in words a user understands.
"""
import os
import re
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

from tools import build
from tools.repo import version_key

ROOT = build.ROOT
VERSION = re.compile(r'^\d+\.\d+\.\d+(~[0-9A-Za-z.]+)?$')
ENTRY_HEADER = re.compile(r'^v(\S+) \((\d{4}-\d\d-\d\d)\)$')
NEWS = re.compile(r'(<news>)(.*?)(</news>)', re.S)
ADDON_VERSION = re.compile(r'<addon\b[^>]*\bversion="([^"]+)"')
# Kodi shows at most this many characters of <news>; the checker warns above it.
NEWS_LIMIT = 1500


class ReleaseError(Exception):
    pass


def changelog_entries(text):
    """``[(version, date, entry_text)]`` newest first; a malformed changelog is a ReleaseError naming the line."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        header = ENTRY_HEADER.match(line.strip())
        if header:
            entries.append([header.group(1), header.group(2), [line.strip()]])
        elif line.strip():
            if not entries:
                raise ReleaseError('changelog.txt line {}: an entry starts with "v<version> (<YYYY-MM-DD>)", '
                                   'got {!r}'.format(number, line))
            entries[-1][2].append(line.rstrip())
    return [(version, date, '\n'.join(lines)) for version, date, lines in entries]


def read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def news_of(changelog_text):
    """What ``<news>`` holds: the newest changelog entry."""
    entries = changelog_entries(changelog_text)
    if not entries:
        raise ReleaseError('changelog.txt has no entry')
    return entries[0][2]


def with_news(addon_xml_text, news):
    if not NEWS.search(addon_xml_text):
        raise ReleaseError('addon.xml has no <news> element')
    return NEWS.sub(lambda match: match.group(1) + escape(news) + match.group(3), addon_xml_text, count=1)


def write_news(root=ROOT):
    """Rewrite ``<news>`` in addon.xml from changelog.txt; return whether the file changed."""
    path = os.path.join(root, 'addon.xml')
    old = read(path)
    new = with_news(old, news_of(read(os.path.join(root, 'changelog.txt'))))
    if new != old:
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(new)
    return new != old


def _git(root, *args):
    result = subprocess.run(['git'] + list(args), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return result.stdout.decode('utf-8', 'replace').strip() if result.returncode == 0 else None


def _version_at(root, revision):
    text = _git(root, 'show', '{}:addon.xml'.format(revision))
    match = ADDON_VERSION.search(text or '')
    return match.group(1) if match else None


def last_release(root=ROOT):
    """``(version, where)`` of the last release, see the module docstring; ``(None, why)`` when there is none."""
    tag = _git(root, 'describe', '--tags', '--abbrev=0', '--match', 'v*', 'HEAD')
    if tag:
        return tag[1:], 'git tag {}'.format(tag)
    if _git(root, 'rev-parse', '--verify', '--quiet', 'HEAD') is None:
        return None, 'no commit yet'
    if _git(root, 'diff', '--quiet', 'HEAD', '--', 'addon.xml') is None:   # uncommitted changes
        head = _version_at(root, 'HEAD')
        if head:
            return head, 'addon.xml in HEAD (addon.xml has uncommitted changes)'
        return None, 'addon.xml is new'
    commit = _git(root, 'log', '-1', '--format=%H', '--', 'addon.xml')
    if not commit:
        return None, 'addon.xml is not committed yet'
    before = _version_at(root, commit + '^')
    if before:
        return before, 'addon.xml before commit {}'.format(commit[:10])
    return None, 'commit {} added addon.xml'.format(commit[:10])


def checker_problems(root=ROOT):
    """kodi-addon-checker's problems and warnings for the zip built from ``root``."""
    from tools import addon_check

    with tempfile.TemporaryDirectory() as scratch:
        addon_dir = build.unpack(build.build_zip(scratch, root=root), os.path.join(scratch, 'unpacked'))
        code, report = addon_check.run_checker(addon_dir, 'matrix')
    found = addon_check.problems(report)
    if code and not found:
        found = ['kodi-addon-checker exited with {}'.format(code)]
    return found


def problems(root=ROOT, addon_checker=True):
    """Every reason the working copy in ``root`` is not ready for a release (empty when it is)."""
    found = []
    addon_xml = read(os.path.join(root, 'addon.xml'))
    version = ADDON_VERSION.search(addon_xml).group(1)
    if not VERSION.match(version):
        found.append('addon.xml version {!r} is not MAJOR.MINOR.PATCH (semantic versioning)'.format(version))
    released, where = last_release(root)
    if released is not None and version_key(version) <= version_key(released):
        found.append('the version was not bumped: addon.xml says {}, the last release ({}) is {}'.format(
            version, where, released))
    try:
        entries = changelog_entries(read(os.path.join(root, 'changelog.txt')))
    except OSError:
        found.append('changelog.txt is missing')
        entries = None
    except ReleaseError as exc:
        found.append(str(exc))
        entries = None
    if entries is not None:
        if not entries or entries[0][0] != version:
            found.append('changelog.txt does not start with an entry for {} (its newest entry is {})'.format(
                version, 'v' + entries[0][0] if entries else 'none'))
        elif with_news(addon_xml, entries[0][2]) != addon_xml:
            found.append('<news> in addon.xml differs from the changelog entry for {}; '
                         'run python -m tools.release_check --write-news'.format(version))
        elif len(entries[0][2]) > NEWS_LIMIT:
            found.append('the changelog entry for {} has {} characters, Kodi shows at most {}'.format(
                version, len(entries[0][2]), NEWS_LIMIT))
    if addon_checker:
        found.extend('kodi-addon-checker: ' + line.strip() for line in checker_problems(root))
    return found


def main(argv, root=ROOT):
    if '--write-news' in argv:
        changed = write_news(root)
        print('addon.xml <news> {}'.format('updated from changelog.txt' if changed else 'already matches'))
        return 0
    found = problems(root)
    version = build.addon_version(root)
    if found:
        print('release check failed for {} {}:'.format(build.ADDON_ID, version))
        for reason in found:
            print('  - ' + reason)
        return 1
    released, where = last_release(root)
    print('release check passed: {} {} (last release: {})'.format(
        build.ADDON_ID, version, '{} from {}'.format(released, where) if released else 'none, ' + where))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
