"""DESIGN.md's layers hold for templates too: a lower app's template never links to, includes,
extends or loads the tags of a higher app (review and grants never refer to each other).

Every template of every app (`<app>/templates/**/*.html|txt`) is read; what it refers to is
resolved to the app that owns it:

- `{% url 'ns:name' %}`: the app whose urls module declares the pattern (for the API router in
  config, the app of the view set);
- `{% include "x" %}` / `{% extends "x" %}`: the app whose templates directory Django finds the
  template in;
- `{% load lib %}`: the app whose templatetags package holds the library.

The order comes from the import-linter layers contract in pyproject.toml, so the two cannot drift
apart. The project's own `templates/` (base.html, the shared includes) is the page frame: any app
may extend or include it, and it may refer to any app.

Templates also never compare state strings (`x.state == "…"`, `!=`, `in`): they ask `{% may %}`,
`{% steps %}`, a model property or a flag computed in the view.
"""

import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist, engines
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(settings.BASE_DIR)
PROJECT = "templates/"  # the project's page frame: refers to anything, referred to by anything

URL_TAG = re.compile(r"""{%\s*url\s+(['"])([^'"]+)\1""")
TEMPLATE_TAG = re.compile(r"""{%\s*(include|extends)\s+(['"])([^'"]+)\2""")
LOAD_TAG = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
CONDITION_TAG = re.compile(r"{%\s*(?:if|elif)\s+([^%]+?)\s*%}")
STATE_COMPARISON = re.compile(
    r"[\w.]*\bstate\s*(?:==|!=|(?:not\s+)?in\b)"  # x.state == "…", x.state in "…"
    r"|(?:==|!=)\s*[\w.]*\bstate\b"  # "…" == x.state
)


def layers() -> tuple[dict[str, int], list[set[str]]]:
    """Each app's height (core 0), and the groups of apps on one layer that are independent."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    height: dict[str, int] = {}
    independent: list[set[str]] = []
    for level, layer in enumerate(reversed(contract["layers"])):
        separator = "|" if "|" in layer else ":"
        names = {name.strip() for name in layer.split(separator)}
        height.update(dict.fromkeys(names, level))
        if separator == "|" and len(names) > 1:
            independent.append(names)
    return height, independent


HEIGHT, INDEPENDENT = layers()
APPS = sorted(HEIGHT, key=lambda app: HEIGHT[app])


def owner_of_path(path: str) -> str | None:
    """The app (or PROJECT) whose templates directory holds the file, None outside the project."""
    try:
        relative = Path(path).resolve().relative_to(ROOT)
    except ValueError:
        return None
    parts = relative.parts
    if parts[0] == "templates":
        return PROJECT
    if len(parts) > 2 and parts[0] in HEIGHT and parts[1] == "templates":
        return parts[0]
    return None


def app_of_module(module: str) -> str | None:
    head = module.split(".", 1)[0]
    return head if head in HEIGHT else None


def url_owners() -> dict[str, str]:
    """'ns:name' → the app that declares the URL."""
    owners: dict[str, str] = {}

    def walk(patterns, namespaces: list[str], urlconf: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                conf = pattern.urlconf_name
                module = conf.__name__ if isinstance(conf, ModuleType) else conf
                module = module if isinstance(module, str) else urlconf
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, inner, module)
            elif isinstance(pattern, URLPattern) and pattern.name:
                owner = app_of_module(urlconf)
                if owner is None:  # config's API router: the view set's app
                    view = pattern.callback
                    view = getattr(view, "cls", None) or getattr(view, "view_class", None) or view
                    owner = app_of_module(view.__module__)
                if owner is not None:
                    owners.setdefault(":".join([*namespaces, pattern.name]), owner)

    walk(get_resolver().url_patterns, [], settings.ROOT_URLCONF)
    return owners


def library_owners() -> dict[str, str]:
    """Template tag library name → the app that holds it (Django's and packages' are left out)."""
    libraries = engines["django"].engine.libraries
    return {name: app for name, module in libraries.items() if (app := app_of_module(module))}


def app_templates() -> list[tuple[str, Path]]:
    found = []
    for app in APPS:
        folder = ROOT / app / "templates"
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                found.append((app, path))
    return found


def may_refer(source: str, target: str) -> bool:
    if target == PROJECT or source == target:
        return True
    if any({source, target} <= group for group in INDEPENDENT):
        return False
    return HEIGHT[target] <= HEIGHT[source]


def references(text: str, urls: dict[str, str], libraries: dict[str, str]):
    """(what, target app or None when unknown) for everything the template refers to."""
    engine = engines["django"].engine
    for match in URL_TAG.finditer(text):
        name = match.group(2)
        yield f"{{% url '{name}' %}}", urls.get(name, "?")
    for match in TEMPLATE_TAG.finditer(text):
        name = match.group(3)
        try:
            origin = engine.get_template(name).origin.name
        except TemplateDoesNotExist:
            yield f'{{% {match.group(1)} "{name}" %}}', "?"
            continue
        yield f'{{% {match.group(1)} "{name}" %}}', owner_of_path(origin)
    for match in LOAD_TAG.finditer(text):
        words = match.group(1).split()
        names = words[words.index("from") + 1 :] if "from" in words else words
        for name in names:
            yield f"{{% load {name} %}}", libraries.get(name)


def test_layers_come_from_the_import_linter_contract():
    assert HEIGHT["core"] == 0
    assert HEIGHT["reports"] == max(HEIGHT.values())
    assert any({"review", "grants"} <= group for group in INDEPENDENT)


def test_no_template_refers_to_a_higher_app():
    urls, libraries = url_owners(), library_owners()
    assert urls and libraries and app_templates()
    problems = []
    for app, path in app_templates():
        for what, target in references(path.read_text(), urls, libraries):
            where = path.relative_to(ROOT)
            if target == "?":
                problems.append(f"{where}: {what} does not resolve")
            elif target is not None and not may_refer(app, target):
                problems.append(f"{where}: {what} belongs to {target}, above or beside {app}")
    assert not problems, "Templates that break DESIGN.md's layers:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("reports", "contests", True),
        ("contests", "awards", False),
        ("review", "grants", False),
        ("grants", "review", False),
        ("core", PROJECT, True),
        ("awards", "awards", True),
    ],
)
def test_the_rule(source, target, allowed):
    assert may_refer(source, target) is allowed


def test_the_scanner_sees_each_kind_of_reference():
    text = (
        "{% extends 'base.html' %}{% load i18n konkurs %}{% load chart from grant_charts %}"
        "{% url 'awards:results' contest.pk %}{% include \"includes/field.html\" with x=1 %}"
    )
    found = dict(references(text, url_owners(), library_owners()))
    assert found["{% url 'awards:results' %}"] == "awards"
    assert found['{% extends "base.html" %}'] == PROJECT
    assert found['{% include "includes/field.html" %}'] == PROJECT
    assert found["{% load konkurs %}"] == "core"
    assert found["{% load i18n %}"] is None  # Django's own
    assert found["{% load grant_charts %}"] == "grants"


def state_comparisons(text: str) -> list[str]:
    return [tag.group(0) for tag in CONDITION_TAG.finditer(text) if STATE_COMPARISON.search(tag.group(1))]


def test_state_comparison_pattern():
    assert state_comparisons('{% if contest.state == "announced" %}')
    assert state_comparisons("{% elif a.state != 'draft' %}")
    assert state_comparisons('{% if application.state in "eligible submitted" %}')
    assert state_comparisons('{% if "draft" == contest.state %}')
    assert not state_comparisons("{% if contest.results_public %}")
    assert not state_comparisons('<span class="badge--{{ contest.state }}">')
    assert not state_comparisons("{% for state in states %}")


def test_no_template_compares_state_strings():
    offenders = [
        f"{path.relative_to(ROOT)}: {found}"
        for _app, path in app_templates()
        for found in state_comparisons(path.read_text())
    ]
    offenders += [
        f"{path.relative_to(ROOT)}: {found}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for found in state_comparisons(path.read_text())
    ]
    assert not offenders, (
        "Templates compare state strings; ask {% may %} / {% steps %}, a model property or a flag "
        "from the view instead:\n" + "\n".join(offenders)
    )
