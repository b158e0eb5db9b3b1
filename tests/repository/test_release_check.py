"""`make release-check`: it refuses a release whose version was not bumped, whose changelog lacks the version or
whose <news> is stale, and says why; and <news> in the real addon.xml is the newest changelog entry."""
import os
import subprocess

import pytest

from tools import build, release_check

ADDON_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<addon id="service.traktsync" name="Trakt Library Sync" version="{version}" provider-name="x">
  <extension point="xbmc.addon.metadata">
    <news>{news}</news>
  </extension>
</addon>
"""


class Checkout(object):
    """A throw-away git repository holding an addon.xml and a changelog.txt."""

    def __init__(self, root):
        self.root = str(root)
        self.git('init', '-q')
        self.git('config', 'user.email', 'dev@example.org')
        self.git('config', 'user.name', 'dev')
        self.git('config', 'commit.gpgsign', 'false')
        self.git('config', 'tag.gpgsign', 'false')

    def git(self, *args):
        subprocess.run(['git'] + list(args), cwd=self.root, check=True, stdout=subprocess.DEVNULL)

    def release(self, version, changes='- Something a user notices.', news=None, commit=True, date='2026-12-01'):
        """Write addon.xml at ``version`` with a changelog entry for it on top (and commit both)."""
        entry = 'v{} ({})\n{}'.format(version, date, changes)
        path = os.path.join(self.root, 'changelog.txt')
        old = open(path).read() if os.path.exists(path) else ''
        with open(path, 'w') as handle:
            handle.write(entry + '\n\n' + old if old else entry + '\n')
        self.write_addon(version, entry if news is None else news)
        if commit:
            self.commit('release ' + version)

    def write_addon(self, version, news):
        with open(os.path.join(self.root, 'addon.xml'), 'w') as handle:
            handle.write(ADDON_XML.format(version=version, news=news))

    def commit(self, message):
        self.git('add', '-A')
        self.git('commit', '-q', '-m', message)

    def problems(self):
        return release_check.problems(self.root, addon_checker=False)


@pytest.fixture
def checkout(tmp_path):
    return Checkout(tmp_path)


def test_first_release_has_nothing_to_compare_with(checkout):
    checkout.release('0.1.0')
    assert checkout.problems() == []
    assert release_check.last_release(checkout.root)[0] is None


def test_addon_xml_changed_without_a_bump_is_refused_with_the_old_version(checkout):
    checkout.release('0.1.0')
    checkout.write_addon('0.1.0', 'v0.1.0 (2026-12-01)\n- Something a user notices.')
    with open(os.path.join(checkout.root, 'addon.xml'), 'a') as handle:
        handle.write('<!-- touched -->\n')
    checkout.commit('touch addon.xml')
    found = checkout.problems()
    assert len(found) == 1 and 'not bumped' in found[0] and '0.1.0' in found[0]


def test_uncommitted_bump_compares_with_head(checkout):
    checkout.release('0.1.0')
    checkout.release('0.2.0', commit=False)
    assert checkout.problems() == []
    assert release_check.last_release(checkout.root)[0] == '0.1.0'


def test_committed_bump_compares_with_the_version_before_it(checkout):
    checkout.release('0.1.0')
    checkout.release('0.1.1')
    assert checkout.problems() == []
    assert release_check.last_release(checkout.root)[0] == '0.1.0'


def test_last_tag_is_the_last_release(checkout):
    checkout.release('0.1.0')
    checkout.release('0.2.0')
    checkout.git('tag', 'v0.2.0')
    with open(os.path.join(checkout.root, 'changelog.txt'), 'a') as handle:
        handle.write('\n')
    checkout.commit('tidy')
    found = checkout.problems()
    assert len(found) == 1 and 'not bumped' in found[0] and 'v0.2.0' in found[0]
    checkout.release('0.2.1')
    assert checkout.problems() == []


def test_version_below_the_last_tag_is_refused(checkout):
    checkout.release('1.0.0')
    checkout.git('tag', 'v1.0.0')
    checkout.release('0.9.9')
    assert any('not bumped' in reason and '1.0.0' in reason for reason in checkout.problems())


def test_bump_without_changelog_entry_is_refused(checkout):
    checkout.release('0.1.0')
    checkout.write_addon('0.2.0', 'v0.1.0 (2026-12-01)\n- Something a user notices.')
    checkout.commit('bump only')
    found = checkout.problems()
    assert len(found) == 1 and 'changelog.txt does not start with an entry for 0.2.0' in found[0]


def test_stale_news_is_refused(checkout):
    checkout.release('0.1.0', news='old words')
    found = checkout.problems()
    assert len(found) == 1 and '<news>' in found[0]


def test_version_that_is_not_semantic_is_refused(checkout):
    checkout.release('1.2')
    assert any('MAJOR.MINOR.PATCH' in reason for reason in checkout.problems())


def test_malformed_changelog_names_the_line(checkout):
    checkout.release('0.1.0')
    with open(os.path.join(checkout.root, 'changelog.txt'), 'w') as handle:
        handle.write('Version 0.1.0\n- Something\n')
    checkout.commit('bad changelog')
    assert any('line 1' in reason for reason in checkout.problems())


def test_news_edit_without_a_bump_is_refused(checkout):
    checkout.release('0.1.0')
    checkout.write_addon('0.1.0', 'v0.1.0 (2026-12-01)\n- Something a user notices, said better.')
    assert any('not bumped' in reason for reason in checkout.problems())


def test_write_news_makes_news_the_newest_entry_with_xml_escaping(checkout):
    checkout.release('0.1.0')
    checkout.release('0.2.0', changes='- Films & shows <all of them>.', news='stale', commit=False)
    assert release_check.write_news(checkout.root) is True
    assert checkout.problems() == []
    text = open(os.path.join(checkout.root, 'addon.xml')).read()
    assert '<news>v0.2.0 (2026-12-01)\n- Films &amp; shows &lt;all of them&gt;.</news>' in text
    assert release_check.write_news(checkout.root) is False


def test_addon_checker_problems_fail_the_release(checkout, monkeypatch):
    checkout.release('0.1.0')
    monkeypatch.setattr(release_check, 'checker_problems', lambda root: ['ERROR: icon missing'])
    assert release_check.problems(checkout.root) == ['kodi-addon-checker: ERROR: icon missing']


def test_news_in_the_real_addon_xml_is_the_newest_changelog_entry():
    addon_xml = release_check.read(os.path.join(build.ROOT, 'addon.xml'))
    news = release_check.news_of(release_check.read(os.path.join(build.ROOT, 'changelog.txt')))
    assert release_check.with_news(addon_xml, news) == addon_xml
    assert release_check.changelog_entries(release_check.read(os.path.join(build.ROOT, 'changelog.txt')))[0][0] \
        == build.addon_version()


def test_real_addon_checker_runs_on_the_working_copy():
    pytest.importorskip('kodi_addon_checker')
    assert release_check.checker_problems(build.ROOT) == []


def test_command_prints_why_it_fails(checkout, monkeypatch, capsys):
    checkout.release('0.1.0')
    checkout.release('0.2.0', news='stale', commit=False)
    monkeypatch.setattr(release_check, 'checker_problems', lambda root: [])
    assert release_check.main([], root=checkout.root) == 1
    out = capsys.readouterr().out
    assert 'release check failed for service.traktsync 0.2.0' in out and '<news>' in out
    assert release_check.main(['--write-news'], root=checkout.root) == 0
    assert release_check.main([], root=checkout.root) == 0
    assert 'release check passed: service.traktsync 0.2.0 (last release: 0.1.0' in capsys.readouterr().out
