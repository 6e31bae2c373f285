"""Classifier pages (issue 15, point 8): organisers build a classifier from the organiser pages,
nesting categories by their codes, attach it on the contest's edit page, and cannot delete one in
use; a person who may not create contests gets 403."""

from django.test import Client
from django.urls import reverse

from contests.models import Category, Classifier
from tests.factories import ClassifierFactory


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


LINES = "1 Електронні послуги\n1.1 Довідки\n1.2 Запис до лікаря\n2 Цифрова грамотність\n"


def test_organiser_creates_and_edits_a_classifier_with_nested_categories(organiser, draft_contest):
    client = web(organiser)
    assert reverse("contests:classifiers") in client.get(reverse("contests:organise")).content.decode()
    response = client.post(
        reverse("contests:classifier_create"), {"title": "Напрями", "description": "", "categories": LINES}
    )
    assert response.status_code == 302
    classifier = Classifier.objects.get(title="Напрями")
    tree = {
        c.code: c.parent.code if c.parent else None for c in classifier.categories.select_related("parent")
    }
    assert tree == {"1": None, "1.1": "1", "1.2": "1", "2": None}
    page = client.get(reverse("contests:classifier_edit", args=[classifier.pk])).content.decode()
    assert "1.2 Запис до лікаря" in page
    kept = Category.objects.get(classifier=classifier, code="1.1").pk
    response = client.post(
        reverse("contests:classifier_edit", args=[classifier.pk]),
        {"title": "Напрями", "categories": "1 Послуги\n1.1 Довідки онлайн\n"},
    )
    assert response.status_code == 302
    assert Category.objects.get(pk=kept).title == "Довідки онлайн"
    assert set(classifier.categories.values_list("code", flat=True)) == {"1", "1.1"}
    assert "Напрями" in client.get(reverse("contests:classifiers")).content.decode()


def test_a_bad_line_or_tree_shows_the_error_and_changes_nothing(organiser, draft_contest):
    client = web(organiser)
    response = client.post(reverse("contests:classifier_create"), {"title": "Т", "categories": "1\n"})
    assert response.status_code == 400
    assert "Line 1" in response.content.decode() and 'id="id_categories_errors"' in response.content.decode()
    response = client.post(reverse("contests:classifier_create"), {"title": "Т", "categories": "1 А\n1 Б\n"})
    assert response.status_code == 400 and "repeated: 1" in response.content.decode()
    assert not Classifier.objects.filter(title="Т").exists()


def test_attach_on_the_contest_edit_page(organiser, draft_contest):
    classifier = ClassifierFactory(title="Прикріплений")
    html = web(organiser).get(reverse("contests:edit", args=[draft_contest.pk])).content.decode()
    assert "Прикріплений" in html and f'value="{classifier.pk}"' in html


def test_deleting_a_classifier_in_use_is_refused_with_the_reason(organiser, draft_contest):
    classifier = ClassifierFactory()
    draft_contest.classifiers.add(classifier)
    client = web(organiser)
    url = reverse("contests:classifier_delete", args=[classifier.pk])
    assert draft_contest.title in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 409 and draft_contest.title in response.content.decode()
    assert Classifier.objects.filter(pk=classifier.pk).exists()
    draft_contest.classifiers.remove(classifier)
    assert client.post(url).status_code == 302
    assert not Classifier.objects.filter(pk=classifier.pk).exists()


def test_people_who_may_not_create_contests_get_403(applicant, other_organiser, organiser, draft_contest):
    client = web(applicant)
    assert client.get(reverse("contests:classifiers")).status_code == 403
    assert client.post(reverse("contests:classifier_create"), {"title": "X"}).status_code == 403
    classifier = ClassifierFactory(title="Чужий")
    draft_contest.classifiers.add(classifier)
    response = web(other_organiser).post(
        reverse("contests:classifier_edit", args=[classifier.pk]), {"title": "Змінений"}
    )
    assert response.status_code == 403
    assert Classifier.objects.get(pk=classifier.pk).title == "Чужий"
