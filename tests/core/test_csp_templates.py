"""No inline script or style creeps back into a page (issue 16, point 4): the Content-Security-Policy
refuses them, so a page that has one is broken in the browser. Every template that a browser shows
is read; scripts and styles belong in static/js and static/css.

Refused: `<script>` without `src` (a JSON data block `type="application/json"` is data, allowed),
`<style>`, `style="…"` attributes, `on…="…"` event handlers, `javascript:` URLs, and the htmx
features that evaluate code (`hx-on`, `js:` values, `hx-trigger` filters `event[…]`), which need
'unsafe-eval'. Not pages: e-mail bodies (`templates/notifications/…`; e-mail needs inline styles)
and PDF templates (`*_pdf.html`, rendered by WeasyPrint, never sent to a browser).

Our own scripts write no style attributes and evaluate no strings either (CSSOM `element.style.x` is fine).
"""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "staticfiles", "node_modules", ".git", "var"}

TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
FORBIDDEN_IN_TAGS = {
    "inline script": re.compile(
        r"^<script\b(?![^>]*\bsrc=)(?![^>]*\btype=[\"']application/(?:ld\+)?json)", re.I
    ),
    "<style> element": re.compile(r"^<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"=\s*[\"']?\s*javascript:", re.I),
    "hx-on (evaluated by htmx)": re.compile(r"\s(?:data-)?hx-on\b", re.I),
    "js: value (evaluated by htmx)": re.compile(
        r"\s(?:data-)?hx-(?:vals|vars|headers)\s*=\s*[\"']\s*(?:js|javascript):", re.I
    ),
    "hx-trigger filter (evaluated by htmx)": re.compile(r"\s(?:data-)?hx-trigger\s*=\s*[\"'][^\"']*\[", re.I),
}
SCRIPT_DANGERS = {
    "style attribute written": re.compile(r"setAttribute\(\s*[\"']style[\"']|\.style\.cssText|\.cssText\s*="),
    "code evaluated from a string": re.compile(
        r"\beval\(|new\s+Function\(|set(?:Timeout|Interval)\(\s*[\"']"
    ),
}


def walk(pattern: str):
    for path in sorted(ROOT.rglob(pattern)):
        if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def is_page_template(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    if "templates" not in parts or path.name.endswith("_pdf.html"):
        return False
    inside = parts[parts.index("templates") + 1 :]
    e_mail = inside[:1] == ("notifications",) and (len(inside) > 2 or path.name == "email_base.html")
    return not e_mail


def inline_code(source: str) -> list[str]:
    """What in this template the policy would refuse, one line per finding."""
    found = []
    for tag in TAG.finditer(TEMPLATE_SYNTAX.sub(" ", source)):
        for name, pattern in FORBIDDEN_IN_TAGS.items():
            if pattern.search(tag.group()):
                found.append(f"{name}: {' '.join(tag.group().split())[:100]}")
    return found


def test_no_page_template_has_inline_script_or_style():
    templates = [path for path in walk("*.html") if is_page_template(path)]
    assert len(templates) > 100, "the walk found too few templates"
    problems = [
        f"{path.relative_to(ROOT)}: {finding}"
        for path in templates
        for finding in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert problems == [], "inline code the Content-Security-Policy refuses:\n" + "\n".join(problems)


def test_our_scripts_write_no_style_attributes_nor_evaluate_code():
    scripts = list(walk("static/js/*.js"))
    assert scripts, "no scripts found"
    problems = [
        f"{path.relative_to(ROOT)}:{number}: {name}"
        for path in scripts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for name, pattern in SCRIPT_DANGERS.items()
        if pattern.search(line)
    ]
    assert problems == [], "\n".join(problems)


def test_the_scan_finds_what_it_must():
    """Each rule catches its case, and template tags or data blocks are not mistaken for one."""
    samples = {
        "<script>alert(1)</script>": "inline script",
        '<script nonce="{{ n }}">x()</script>': "inline script",
        "<style>p{}</style>": "<style> element",
        '<p {% if x %}style="color: red"{% endif %}>': "style attribute",
        '<button onclick="go()">': "event handler attribute",
        '<a href="javascript:go()">': "javascript: URL",
        '<form hx-on:submit="go()">': "hx-on (evaluated by htmx)",
        "<div hx-vals='js:{a: go()}'>": "js: value (evaluated by htmx)",
        '<form hx-trigger="change[ctrlKey] delay:1s">': "hx-trigger filter (evaluated by htmx)",
    }
    for source, rule in samples.items():
        assert [finding.split(":")[0] for finding in inline_code(source)] == [rule.split(":")[0]], source
    clean = (
        '<script src="/static/js/menu.js" defer></script>'
        '<script type="application/json" id="data">{"a": 1}</script>'
        '{% steps review only="reopen" %}<p class="only">on the page</p>'
        '<form hx-trigger="answer-changed delay:800ms" hx-vals=\'{"a": 1}\'>'
    )
    assert inline_code(clean) == []
    assert not is_page_template(ROOT / "notifications/templates/notifications/email_base.html")
    assert not is_page_template(ROOT / "grants/templates/notifications/grants.tranche_paid/body.html")
    assert not is_page_template(ROOT / "reports/templates/reports/summary_pdf.html")
    assert is_page_template(ROOT / "notifications/templates/notifications/inbox.html")
    assert is_page_template(ROOT / "templates/base.html")
