"""Messages are rendered at delivery, in the recipient's language, from the event's templates
or an organiser's override. Values from the context are escaped in HTML."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import linebreaks

from core.formats import localise
from notifications.models import Message, TemplateOverride

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _render(source: Template, context: dict, *, html: bool) -> str:
    return source.render(Context(context, autoescape=html))


def _default(event: str, part: str) -> Template:
    return get_template(f"notifications/{event}/{part}").template


def render(event: str, language: str, context: dict, override: TemplateOverride | None = None) -> Rendered:
    with translation.override(language):
        context = localise(context)  # money and dates written out in the recipient's language
        if override is not None:
            subject = _render(Template(override.subject), context, html=False)
            text = _render(Template(override.body_text), context, html=False)
            html = (
                _render(Template(override.body_html), context, html=True)
                if override.body_html.strip()
                else linebreaks(_render(Template(override.body_text), context, html=True))
            )
        else:
            subject = _render(_default(event, "subject.txt"), context, html=False)
            text = _render(_default(event, "body.txt"), context, html=False)
            html = _render(_default(event, "body.html"), context, html=True)
    return Rendered(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)


def template_errors(*sources: str) -> list[str]:
    """Syntax errors an organiser must fix before an override is saved."""
    errors = []
    for source in sources:
        try:
            Template(source)
        except TemplateSyntaxError as exc:
            errors.append(str(exc))
    return errors


def render_inbox(messages: Iterable[Message]) -> dict[int, Rendered | None]:
    """Render in-app messages with their scope's wording, fetching every override in one query.

    A message that cannot be rendered (e.g. its template was removed) maps to None rather
    than breaking the whole inbox.
    """
    messages = list(messages)
    keys = {(m.scope, m.event, m.language) for m in messages if m.scope}
    wanted = Q(pk__in=[])
    for scope, event, language in keys:
        wanted |= Q(scope=scope, event=event, language=language)
    overrides = (
        {(o.scope, o.event, o.language): o for o in TemplateOverride.objects.filter(wanted)} if keys else {}
    )
    rendered: dict[int, Rendered | None] = {}
    for message in messages:
        try:
            override = overrides.get((message.scope, message.event, message.language))
            rendered[message.pk] = render(message.event, message.language, message.context, override)
        except Exception:
            log.exception("Cannot render in-app message %s", message.pk)
            rendered[message.pk] = None
    return rendered
