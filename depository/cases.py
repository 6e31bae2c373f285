"""The case structure, and the snapshot of an application taken at publication.

Which answers a case publishes, and under which section, is data: each question of the contest's
form names its case section (contests.models.FormField.case_section: problem, target group,
solution, e-services, results, resources and partners, costs, sustainability, contacts), set in the
form-field editor or through the API. An answer whose question has no section stays private.

A snapshot stores the answers by question key (`sections`) and, by the same keys, their section,
label and type (`layout`). Section headings come from CaseSection, translated when the page is
shown; a question of the standard structure (contests.form_templates) shows its translated label
too, so a case reads in Ukrainian or English whatever language the organiser wrote the form in.

Cases published before the mapping existed have no layout: they, and answers whose question is no
longer in the form, read by the standard structure's keys.
"""

from typing import Any

from django.db.models import Q
from django.utils.functional import Promise

from applications.models import Application
from contests.form_templates import CASE_STRUCTURE
from contests.models import CaseSection, FormField

QUESTIONS = {question.key: question for question in CASE_STRUCTURE}
SECTION_TITLES: dict[str, Promise] = {section.value: section.label for section in CaseSection}
SECTION_ORDER = {section.value: position for position, section in enumerate(CaseSection)}


def _standard_layout() -> dict[str, dict]:
    """The standard structure's keys as a layout (cases without one of their own)."""
    return {
        question.key: {"section": question.section, "label": "", "type": question.field_type, "order": i}
        for i, question in enumerate(CASE_STRUCTURE)
        if question.section and question.field_type != FormField.Type.FILE
    }


def case_layout(application: Application) -> dict[str, dict]:
    """Which answers of the application a case publishes: by question key, the section, the
    form's label, the type and the order, from the contest's form (a question asked in another
    nomination does not count). Answers without a question in the form keep the standard key's
    section, so no published answer is lost by a question removed later."""
    questions = (
        FormField.objects.filter(contest_id=application.contest_id)
        .filter(Q(nomination__isnull=True) | Q(nomination_id=application.nomination_id))
        .order_by("order", "pk")
        .values_list("key", "case_section", "label", "field_type")
    )
    layout, asked = {}, set()
    for position, (key, section, label, field_type) in enumerate(questions):
        asked.add(key)
        if section and field_type != FormField.Type.FILE:
            layout[key] = {"section": section, "label": label, "type": field_type, "order": position}
    for key, entry in _standard_layout().items():
        if key not in asked:
            layout[key] = {**entry, "order": len(asked) + entry["order"]}
    return layout


def case_answers(answers: dict, layout: dict[str, dict] | None = None) -> dict[str, Any]:
    """The answers a case publishes (those the layout names), empty ones left out."""
    picked = {}
    for key in layout if layout is not None else _standard_layout():
        value = answers.get(key) if isinstance(answers, dict) else None
        if value is None or value == "" or value == []:
            continue
        picked[key] = [str(item) for item in value] if isinstance(value, list) else str(value)
    return picked


def _label(key: str, entry: dict) -> str | Promise:
    question = QUESTIONS.get(key)
    if question is not None and question.section == entry["section"]:
        return question.label  # translated now, whatever language the form was written in
    return entry.get("label") or (question.label if question else key)


def section_rows(sections: dict, layout: dict | None = None) -> list[dict]:
    """Sections with their items in CaseSection's order, the items in the form's order, for a
    page or the API; empty ones left out. Without a layout, the standard structure's keys."""
    layout = layout or _standard_layout()
    rows: dict[str, list[dict]] = {}
    placed = sorted(
        (key for key in sections if key in layout and layout[key].get("section") in SECTION_TITLES),
        key=lambda key: (SECTION_ORDER[layout[key]["section"]], layout[key].get("order", 0)),
    )
    for key in placed:
        entry = layout[key]
        rows.setdefault(entry["section"], []).append(
            {"key": key, "label": _label(key, entry), "value": sections[key], "type": entry.get("type", "")}
        )
    return [
        {"key": section, "title": SECTION_TITLES[section], "items": items} for section, items in rows.items()
    ]


def excerpt(sections: dict, layout: dict | None = None) -> str:
    """The first text of the problem section (else of the first section), for a list of cases."""
    for row in section_rows(sections, layout):
        for item in row["items"]:
            if isinstance(item["value"], str) and item["type"] in FormField.TEXT_TYPES:
                return item["value"]
    return ""


def contest_year(application: Application) -> int:
    """The case's year: the contest's edition year (Contest.edition)."""
    return application.contest.edition


def snapshot(application: Application) -> dict[str, Any]:
    """The public fields of a case as they stand now (the categories are copied separately)."""
    organisation = application.organisation
    layout = case_layout(application)
    sections = case_answers(application.answers, layout)
    text_parts = [application.title, organisation.name, organisation.settlement]
    for value in sections.values():
        text_parts.extend(value if isinstance(value, list) else [value])
    return {
        "title": application.title,
        "organisation_name": organisation.name,
        "region": organisation.region,
        "settlement": organisation.settlement,
        "year": contest_year(application),
        "awarded": application.state == Application.State.AWARDED,
        "sections": sections,
        "layout": {key: layout[key] for key in sections},
        "search_text": "\n".join(part for part in text_parts if part).casefold(),
    }
