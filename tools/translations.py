"""Checks the add-on's strings: every string id the code and settings.xml use exists in the English strings.po,
and strings.po holds no string that nothing uses.

A string id is a number in the add-on range 30000-33999 (Kodi's core strings are below it and not checked):

* in Python (``lib/`` and the entry points): every such integer literal, so ``localize(30010)`` and a table of
  ``('sync', 30010)`` both count, and ``$ADDON[service.traktsync 30010]`` / ``$LOCALIZE[30010]`` in string
  literals. A number in that range that is not a string id (a port, say) is marked with the comment
  ``# not a string id`` on its line;
* in resources/settings.xml: ``label``, ``help``, ``heading`` and ``lvalues`` attributes and the text of
  ``<heading>`` and ``<label>`` elements.

An id built at run time (``30100 + n``) is invisible here: the check reports its strings as unused, on purpose,
so that every id stays findable with grep.

``python -m tools.translations [ROOT]`` prints the problems and exits 1 when there is any.
"""
import io
import os
import re
import sys
import tokenize
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON_RANGE = range(30000, 34000)
STRINGS_PO = os.path.join('resources', 'language', 'resource.language.en_gb', 'strings.po')
SETTINGS_XML = os.path.join('resources', 'settings.xml')
CODE_DIRS = ('lib',)
ENTRY_POINTS = ('service.py', 'default.py')
NOT_AN_ID = '# not a string id'
LABEL_IN_TEXT = re.compile(r'\$(?:ADDON\[[^\]\s]+|LOCALIZE\[)\s*(\d+)\]')
SETTINGS_ATTRIBUTES = ('label', 'help', 'heading', 'lvalues')
SETTINGS_TEXTS = ('heading', 'label')


class TranslationError(Exception):
    pass


def defined_ids(po_text):
    """``{id: msgid}`` of a strings.po; a repeated id is a TranslationError."""
    ids = {}
    for match in re.finditer(r'^msgctxt "#(\d+)"\s*\nmsgid "((?:[^"\\]|\\.)*)"', po_text, re.M):
        number = int(match.group(1))
        if number in ids:
            raise TranslationError('strings.po defines #{} twice'.format(number))
        ids[number] = match.group(2)
    contexts = len(re.findall(r'^msgctxt "#', po_text, re.M))
    if contexts != len(ids):
        raise TranslationError('strings.po has {} msgctxt lines but {} readable entries; every msgctxt "#<id>" '
                               'needs a msgid line right after it'.format(contexts, len(ids)))
    return ids


def python_ids(source, where):
    """``{id: [where:line]}`` of the string ids in one Python source."""
    found = {}
    lines = source.splitlines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        numbers = []
        if token.type == tokenize.NUMBER and token.string.isdigit():
            numbers = [int(token.string)]
        elif token.type == tokenize.STRING:
            numbers = [int(n) for n in LABEL_IN_TEXT.findall(token.string)]
        row = token.start[0]
        for number in numbers:
            if number in ADDON_RANGE and NOT_AN_ID not in lines[row - 1]:
                found.setdefault(number, []).append('{}:{}'.format(where, row))
    return found


def settings_ids(xml_text, where=SETTINGS_XML):
    """``{id: [where <setting id>]}`` of the string ids settings.xml uses."""
    found = {}
    root = ET.fromstring(xml_text.encode('utf-8'))
    parents = {child: parent for parent in root.iter() for child in parent}

    def owner(element):
        while element is not None and element.get('id') is None:
            element = parents.get(element)
        return '{} ({})'.format(where, element.get('id') if element is not None else 'settings')

    for element in root.iter():
        values = [element.get(name) for name in SETTINGS_ATTRIBUTES if element.get(name)]
        if element.tag in SETTINGS_TEXTS and element.text:
            values.append(element.text)
        for value in values:
            for part in value.split('|'):
                if part.strip().isdigit() and int(part) in ADDON_RANGE:
                    found.setdefault(int(part), []).append(owner(element))
    return found


def _python_files(root):
    for name in ENTRY_POINTS:
        if os.path.exists(os.path.join(root, name)):
            yield name
    for folder in CODE_DIRS:
        for current, dirs, files in os.walk(os.path.join(root, folder)):
            dirs[:] = sorted(d for d in dirs if d != '__pycache__')
            for name in sorted(files):
                if name.endswith('.py'):
                    yield os.path.relpath(os.path.join(current, name), root)


def used_ids(root=ROOT):
    """``{id: [places]}`` of every string id the add-on uses."""
    used = {}
    for relative in _python_files(root):
        with open(os.path.join(root, relative), encoding='utf-8') as handle:
            for number, places in python_ids(handle.read(), relative.replace(os.sep, '/')).items():
                used.setdefault(number, []).extend(places)
    settings = os.path.join(root, SETTINGS_XML)
    if os.path.exists(settings):
        with open(settings, encoding='utf-8') as handle:
            for number, places in settings_ids(handle.read()).items():
                used.setdefault(number, []).extend(places)
    return used


def problems(root=ROOT):
    """Every problem with the strings, in words; empty when there is none."""
    with open(os.path.join(root, STRINGS_PO), encoding='utf-8') as handle:
        try:
            defined = defined_ids(handle.read())
        except TranslationError as exc:
            return [str(exc)]
    used = used_ids(root)
    found = ['#{} is used in {} but strings.po lacks it'.format(number, ', '.join(used[number]))
             for number in sorted(set(used) - set(defined))]
    found += ['#{} "{}" is in strings.po but nothing uses it'.format(number, defined[number])
              for number in sorted(set(defined) - set(used))]
    return found


if __name__ == '__main__':
    reported = problems(sys.argv[1] if len(sys.argv) > 1 else ROOT)
    for line in reported:
        print(line)
    print('strings: {} problem(s)'.format(len(reported)))
    sys.exit(1 if reported else 0)
