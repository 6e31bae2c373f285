"""The message catalogues are complete, and pages really come out in Ukrainian (the default), English
or Russian.

The completeness test regenerates the catalogues the way a developer does (see the makemessages options
below) in a temporary copy, so it fails as soon as the code has a string the committed catalogues lack,
or a catalogue entry is untranslated or fuzzy. The committed locale/ is never written.

Run from the repository root, makemessages would write into the repository's own locale/ even with
LOCALE_PATHS overridden: it prepends every `locale` directory it walks past, and the repository root is
the parent of all source files. So it runs in a temporary mirror: symbolic links to the sources, a copy
of locale/, and LOCALE_PATHS pointing at that copy.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from notifications import services
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent
LOCALE = REPO / "locale"
LANGUAGES = ["uk", "en", "ru"]
# Languages with three plural forms (one, few, many), like Ukrainian and Russian.
THREE_PLURALS = ("uk", "ru")
# The same options as the documented command:
#   manage.py makemessages -l ru -l uk -l en -e html,txt,py --no-location --no-obsolete
#     --ignore=.venv --ignore=tests --ignore=benchmarks --ignore=staticfiles --ignore=var
IGNORED = (".venv", "tests", "benchmarks", "staticfiles", "var")
CYRILLIC = re.compile(r"[а-яіїєґ]", re.IGNORECASE)
RUSSIAN_ONLY = re.compile(r"[ыэъё]", re.IGNORECASE)  # letters Ukrainian does not have


def _catalogue(locale_dir: Path, language: str) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _ids(catalogue: polib.POFile) -> set[str]:
    return {_key(entry) for entry in catalogue if not entry.obsolete}


def _listing(keys) -> str:
    return "".join(f"\n  {key!r}" for key in sorted(keys))


def _regenerate(tmp_path: Path, settings, monkeypatch) -> Path:
    """Run makemessages over a mirror of the sources; return the mirror's locale directory."""
    mirror = tmp_path / "src"
    mirror.mkdir()
    for entry in REPO.iterdir():
        if entry.name.startswith(".") or entry.name in IGNORED or entry.name == "locale":
            continue
        (mirror / entry.name).symlink_to(entry)
    shutil.copytree(LOCALE, mirror / "locale", ignore=shutil.ignore_patterns("*.mo", "*.pot"))
    settings.LOCALE_PATHS = [str(mirror / "locale")]
    monkeypatch.chdir(mirror)
    call_command(
        "makemessages",
        locale=list(LANGUAGES),
        extensions=["html", "txt", "py"],
        no_location=True,
        no_obsolete=True,
        ignore_patterns=list(IGNORED),  # makemessages appends its defaults to the list it gets
        symlinks=True,
        verbosity=0,
    )
    return mirror / "locale"


def test_catalogues_are_complete_and_agree(tmp_path, settings, monkeypatch):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.fail("GNU gettext (xgettext, msgmerge) is needed: apt-get install gettext")
    committed = {language: _catalogue(LOCALE, language) for language in LANGUAGES}
    before = {
        language: (LOCALE / language / "LC_MESSAGES" / "django.po").read_bytes() for language in LANGUAGES
    }

    regenerated_dir = _regenerate(tmp_path, settings, monkeypatch)

    for language in LANGUAGES:
        after = (LOCALE / language / "LC_MESSAGES" / "django.po").read_bytes()
        assert after == before[language], f"makemessages wrote into the repository's locale/{language}"

    problems = []
    regenerated = {language: _catalogue(regenerated_dir, language) for language in LANGUAGES}
    fix = (
        "\nRun: .venv/bin/python manage.py makemessages -l ru -l uk -l en -e html,txt,py --no-location "
        "--no-obsolete " + " ".join(f"--ignore={name}" for name in IGNORED) + " and translate."
    )
    for language, catalogue in regenerated.items():
        if catalogue.metadata_is_fuzzy:
            problems.append(f"locale/{language}: the header is marked fuzzy")
        missing = [_key(entry) for entry in catalogue.untranslated_entries()]
        if missing:
            problems.append(
                f"locale/{language}: {len(missing)} untranslated (or new in the code):{_listing(missing)}"
            )
        fuzzy = [_key(entry) for entry in catalogue.fuzzy_entries()]
        if fuzzy:
            problems.append(f"locale/{language}: {len(fuzzy)} fuzzy:{_listing(fuzzy)}")

    for name, catalogues in (("committed", committed), ("regenerated", regenerated)):
        ids = {language: _ids(catalogue) for language, catalogue in catalogues.items()}
        for language in LANGUAGES:
            for other in LANGUAGES:
                if other != language and ids[language] - ids[other]:
                    problems.append(
                        f"{name}: in {language} but not in {other}:{_listing(ids[language] - ids[other])}"
                    )

    for language in THREE_PLURALS:
        catalogue = regenerated[language]
        if not catalogue.metadata.get("Plural-Forms", "").replace(" ", "").startswith("nplurals=3;"):
            problems.append(
                f"locale/{language}: Plural-Forms should have 3 forms, "
                f"not {catalogue.metadata.get('Plural-Forms')!r}"
            )
        short = [
            _key(e)
            for e in catalogue
            if e.msgid_plural
            and not e.obsolete
            and (sorted(e.msgstr_plural) != [0, 1, 2] or not all(e.msgstr_plural.values()))
        ]
        if short:
            problems.append(f"locale/{language}: plural entries without exactly 3 forms:{_listing(short)}")

    assert not problems, "\n".join(problems) + fix


def _translation(language: str, msgid: str) -> str:
    entry = _catalogue(LOCALE, language).find(msgid)
    assert entry is not None and entry.msgstr, f"{msgid!r} is not translated in locale/{language}"
    return entry.msgstr


# Two strings of templates/base.html, shown to everyone on every page.
SKIP_LINK = "Skip to main content"
FOOTER = "%(name)s — contests and grants for public libraries."  # the site's name (default Konkurs)


def _shown(language: str | None, msgid: str) -> str:
    """The text as the page shows it: translated (None: English) and the site's name put in."""
    text = msgid if language is None else _translation(language, msgid)
    return text % {"name": "Konkurs"} if "%(name)s" in msgid else text


@pytest.mark.django_db
def test_home_page_is_ukrainian_by_default(client, settings):
    settings.LANGUAGE_CODE = "uk"  # tests/conftest.py switches tests to English; this one checks the default
    html = client.get("/").content.decode()

    assert 'lang="uk"' in html
    for msgid in (SKIP_LINK, FOOTER):
        ukrainian = _shown("uk", msgid)
        assert CYRILLIC.search(ukrainian)
        assert ukrainian in html, (
            f"the home page lacks {ukrainian!r}: are the catalogues compiled (manage.py compilemessages)?"
        )
        assert _shown(None, msgid) not in html


@pytest.mark.django_db
def test_home_page_switches_to_english(client, settings):
    settings.LANGUAGE_CODE = "uk"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'lang="en"' in html
    assert SKIP_LINK in html
    assert _shown(None, FOOTER) in html
    assert _translation("uk", SKIP_LINK) not in html

    # The choice sticks: the language cookie is set for the next requests.
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_home_page_switches_to_russian(client, settings):
    settings.LANGUAGE_CODE = "uk"
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"}, follow=True)
    html = response.content.decode()

    assert response.status_code == 200
    assert 'lang="ru"' in html
    for msgid in (SKIP_LINK, FOOTER):
        russian = _shown("ru", msgid)
        assert russian != _shown("uk", msgid)
        assert russian in html, (
            f"the home page lacks {russian!r}: are the catalogues compiled (manage.py compilemessages)?"
        )
        assert _shown(None, msgid) not in html
        assert _shown("uk", msgid) not in html
    assert RUSSIAN_ONLY.search(_translation("ru", FOOTER))

    # The switcher offers every language, each in its own name.
    for code, name in (("uk", "Українська"), ("en", "English"), ("ru", "Русский")):
        assert f'<option value="{code}" lang="{code}"' in html
        assert f">{name}</option>" in html
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert 'lang="ru"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_email_comes_out_in_the_recipients_russian(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(language="ru")
    context = {
        "contest": "Е-услуги 2030",
        "link": "https://konkurs.example.org/contests/1/",
        "deadline": "01.02.2030 18:00 (Europe/Kyiv)",
    }
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.notify("contests.published", [user], context, dedupe_key="ru")

    [email] = mailoutbox
    assert email.to == [user.email]
    assert email.subject == "Конкурс «Е-услуги 2030» опубликован"
    assert "Заявки принимаются до 01.02.2030 18:00 (Europe/Kyiv)." in email.body
    html = email.alternatives[0][0]
    assert '<html lang="ru">' in html
    assert _translation("ru", "This message was sent by Konkurs, the contest and grant system.") in html
    assert "опубликован" in html and "оприлюднено" not in html
