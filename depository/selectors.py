"""Read side of the depository: what the public sees, the catalogue search, organisers' lists.

Search, PostgreSQL: a full-text match with the 'simple' configuration (no stemming, so it works
for any language), each word also as a prefix, ranked; plus pg_trgm word similarity, which finds
other forms of a Ukrainian word ("бібліотеки" for "бібліотека"). SQLite: every word of the query
must occur in the casefolded text (a fallback without ranking).
"""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from applications.models import Application, Attachment
from contests.models import Category, Contest, ContestRole
from depository.models import SELECTABLE_APPLICATION_STATES, Consent, Practice
from eservices.models import EService

# How alike a query word and a word of the case must be to count (pg_trgm's word_similarity).
WORD_SIMILARITY = 0.5
WORD = re.compile(r"\w+", re.UNICODE)


def published() -> QuerySet[Practice]:
    return Practice.objects.filter(state=Practice.State.PUBLISHED)


def catalogue() -> QuerySet[Practice]:
    """Published cases with what a list shows, in a fixed number of queries."""
    return published().select_related("contest", "nomination").prefetch_related("categories")


def public_attachments() -> Prefetch:
    """Files the applicant marked public, as `public_files` on each practice's application."""
    return Prefetch(
        "application__attachments",
        queryset=Attachment.objects.filter(public=True).order_by("field_key", "pk"),
        to_attr="public_files",
    )


def case_detail() -> QuerySet[Practice]:
    return (
        published()
        .select_related("contest", "nomination", "application")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.select_related("classifier")),
            public_attachments(),
            Prefetch(
                "eservices",
                queryset=EService.objects.filter(published=True).select_related("category").order_by("name"),
                to_attr="public_eservices",
            ),
        )
    )


def words_of(text: str) -> list[str]:
    return WORD.findall(text.casefold())[:10]


def search(practices: QuerySet[Practice], text: str) -> QuerySet[Practice]:
    """Cases matching `text`, best first on PostgreSQL."""
    words = words_of(text)
    if not words:
        return practices
    if connection.vendor == "postgresql":
        return _search_postgres(practices, text, words)
    for word in words:
        practices = practices.filter(search_text__contains=word)
    return practices


def _search_postgres(practices: QuerySet[Practice], text: str, words: list[str]) -> QuerySet[Practice]:
    """Every word must match, as a prefix in the full text or by trigram word similarity; the
    order is by full-text rank (title first) plus the words' similarities."""
    document = SearchVector("title", weight="A", config="simple") + SearchVector(
        "search_text", weight="B", config="simple"
    )
    practices = practices.annotate(document=document)
    score = None
    for i, word in enumerate(words):
        # Words are \w+ only, so the raw tsquery cannot be malformed.
        prefix = SearchQuery(f"{word}:*", config="simple", search_type="raw")
        name = f"similarity_{i}"
        practices = practices.annotate(**{name: TrigramWordSimilarity(word, "search_text")}).filter(
            Q(document=prefix) | Q(**{f"{name}__gte": WORD_SIMILARITY})
        )
        score = F(name) if score is None else score + F(name)
    everything = SearchQuery(" | ".join(f"{word}:*" for word in words), config="simple", search_type="raw")
    return practices.annotate(relevance=SearchRank(document, everything) + score).order_by(
        F("relevance").desc(), "-published_at", "-pk"
    )


def in_category(practices: QuerySet[Practice], category: Category) -> QuerySet[Practice]:
    """Cases filed under the category or one of its subcategories (two levels below)."""
    # A subquery, not a join: no duplicate rows, so no DISTINCT over the search annotations.
    filed = Practice.categories.through.objects.filter(
        Q(category=category) | Q(category__parent=category) | Q(category__parent__parent=category)
    )
    return practices.filter(pk__in=filed.values("practice_id"))


# --- the catalogue's filter choices -----------------------------------------------------------------


def categories_in_use() -> QuerySet[Category]:
    """Categories of published cases and their parents (a parent filters its subcategories too)."""
    filed = Practice.categories.through.objects.filter(practice__state=Practice.State.PUBLISHED).values(
        "category_id"
    )
    return (
        Category.objects.filter(
            Q(pk__in=filed) | Q(children__pk__in=filed) | Q(children__children__pk__in=filed)
        )
        .select_related("classifier")
        .distinct()
        .order_by("classifier__title", "order", "code")
    )


def contests_in_use() -> QuerySet[Contest]:
    return Contest.objects.filter(practices__state=Practice.State.PUBLISHED).distinct().order_by("title")


def years_in_use() -> list[int]:
    return list(published().exclude(year=None).values_list("year", flat=True).distinct().order_by("-year"))


# --- organisers ---------------------------------------------------------------------------------------


def practices_managed_by(user: User) -> QuerySet[Practice]:
    """Cases of the contests the user organises (every case for staff)."""
    if not user.is_authenticated:
        return Practice.objects.none()
    if user.is_staff:
        return Practice.objects.all()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    return Practice.objects.filter(contest__in=organised)


def candidates(contest: Contest) -> QuerySet[Application]:
    """Applications of the contest that are or may become cases: the winners, those whose
    applicant consented, and any already selected; with `consented` and the practice joined."""
    consented = Consent.objects.filter(application=OuterRef("pk"), granted=True)
    return (
        Application.objects.filter(contest=contest, state__in=SELECTABLE_APPLICATION_STATES)
        .annotate(consented=Exists(consented))
        .filter(Q(state=Application.State.AWARDED) | Q(consented=True) | Q(practice__isnull=False))
        .select_related("organisation", "nomination", "practice")
        .order_by("nomination__order", "number", "pk")
    )


def presentation_list(contest: Contest) -> QuerySet[Practice]:
    return (
        Practice.objects.filter(contest=contest, presentation=True)
        .select_related("application__organisation", "nomination")
        .order_by("nomination__order", "application__number", "pk")
    )


def eservice_choices(practice: Practice) -> QuerySet[EService]:
    """The e-services a case may link to: those of its applicant organisation."""
    organisation_id = Application.objects.filter(pk=practice.application_id).values("organisation_id")
    return EService.objects.filter(organisation_id__in=organisation_id).select_related("category")


def published_cases_of(service: EService) -> QuerySet[Practice]:
    """The published cases describing an e-service, newest first (its public page lists them)."""
    return published().filter(eservices=service).select_related("contest").order_by("-published_at", "-pk")
