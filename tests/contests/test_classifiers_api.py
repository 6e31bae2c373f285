"""Classifiers through the API (issue 15, point 8): organisers create and edit a classifier with
its nested categories in one request, attach it to a contest, and cannot delete one in use."""

from contests.models import Category, Classifier
from tests.factories import CategoryFactory, ClassifierFactory, UserFactory, grant, ready_contest

URL = "/api/v1/classifiers/"

TREE = {
    "title": "Напрями е-врядування",
    "description": "Вигаданий класифікатор для тестів",
    "categories": [
        {
            "code": "1",
            "title": "Електронні послуги",
            "children": [
                {"code": "1.1", "title": "Довідки"},
                {
                    "code": "1.2",
                    "title": "Запис до лікаря",
                    "children": [{"code": "1.2.1", "title": "Онлайн"}],
                },
            ],
        },
        {"code": "2", "title": "Цифрова грамотність"},
        {"code": "2.1", "title": "Курси для старших", "parent": "2"},
    ],
}


def parents(classifier: Classifier) -> dict[str, str | None]:
    return {
        c.code: (c.parent.code if c.parent else None) for c in classifier.categories.select_related("parent")
    }


def test_organiser_creates_a_classifier_with_nested_categories_in_one_request(api, organiser, draft_contest):
    response = api(organiser).post(URL, TREE, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    classifier = Classifier.objects.get(pk=body["id"])
    assert classifier.title == TREE["title"]
    assert parents(classifier) == {"1": None, "1.1": "1", "1.2": "1", "1.2.1": "1.2", "2": None, "2.1": "2"}
    assert {c["code"]: c["parent_code"] for c in body["categories"]}["1.2.1"] == "1.2"
    # Public reading, as before.
    assert api().get(f"{URL}{classifier.pk}/").json()["title"] == TREE["title"]


def test_patch_replaces_the_tree_keeping_the_ids_of_kept_codes(api, organiser, draft_contest):
    classifier_id = api(organiser).post(URL, TREE, format="json").json()["id"]
    kept = Category.objects.get(classifier_id=classifier_id, code="1.1").pk
    response = api(organiser).patch(
        f"{URL}{classifier_id}/",
        {
            "title": "Перейменований",
            "categories": [
                {"code": "1", "title": "Послуги", "children": [{"code": "1.1", "title": "Довідки онлайн"}]},
                {"code": "3", "title": "Нове"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    classifier = Classifier.objects.get(pk=classifier_id)
    assert classifier.title == "Перейменований"
    assert parents(classifier) == {"1": None, "1.1": "1", "3": None}
    assert Category.objects.get(classifier=classifier, code="1.1").pk == kept
    # A PATCH without categories leaves the tree alone.
    response = api(organiser).patch(f"{URL}{classifier_id}/", {"description": "Інший опис"}, format="json")
    assert response.status_code == 200
    assert parents(classifier) == {"1": None, "1.1": "1", "3": None}


def test_a_bad_tree_is_refused_with_the_reason_and_changes_nothing(api, organiser, draft_contest):
    classifier_id = api(organiser).post(URL, TREE, format="json").json()["id"]
    before = parents(Classifier.objects.get(pk=classifier_id))
    bad_bodies = {
        "repeated": [{"code": "1", "title": "А"}, {"code": "1", "title": "Б"}],
        "unknown": [{"code": "1", "title": "А", "parent": "9"}],
        "its own": [{"code": "1", "title": "А", "parent": "2"}, {"code": "2", "title": "Б", "parent": "1"}],
    }
    for words, categories in bad_bodies.items():
        response = api(organiser).patch(f"{URL}{classifier_id}/", {"categories": categories}, format="json")
        assert response.status_code == 400, response.json()
        assert words in " ".join(response.json()["errors"]["categories"])
        assert parents(Classifier.objects.get(pk=classifier_id)) == before
    response = api(organiser).post(URL, {"title": "", "categories": []}, format="json")
    assert response.status_code == 400 and "title" in response.json()["errors"]


def test_unknown_fields_are_refused_also_inside_categories(api, organiser, draft_contest):
    response = api(organiser).post(URL, {**TREE, "colour": "red"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["colour"]
    body = {"title": "Т", "categories": [{"code": "1", "title": "А", "key": "x"}]}
    response = api(organiser).post(URL, body, format="json")
    assert response.status_code == 400
    assert "key" in str(response.json()["errors"])
    assert not Classifier.objects.filter(title="Т").exists()


def test_only_organisers_write_and_a_used_classifier_only_by_its_contests_organisers(
    api, organiser, draft_contest, other_organiser, applicant
):
    assert api().post(URL, TREE, format="json").status_code in (401, 403)
    assert api(applicant).post(URL, TREE, format="json").status_code == 403
    classifier = ClassifierFactory()
    draft_contest.classifiers.add(classifier)
    body = {"title": "Чуже"}
    assert api(applicant).patch(f"{URL}{classifier.pk}/", body, format="json").status_code == 403
    assert api(other_organiser).patch(f"{URL}{classifier.pk}/", body, format="json").status_code == 403
    assert api(other_organiser).delete(f"{URL}{classifier.pk}/").status_code == 403
    assert api(organiser).patch(f"{URL}{classifier.pk}/", body, format="json").status_code == 200
    assert Classifier.objects.get(pk=classifier.pk).title == "Чуже"


def test_attach_a_classifier_to_a_contest_through_the_api(api, organiser, draft_contest):
    classifier_id = api(organiser).post(URL, TREE, format="json").json()["id"]
    url = f"/api/v1/contests/{draft_contest.pk}/"
    response = api(organiser).patch(url, {"classifiers": [classifier_id]}, format="json")
    assert response.status_code == 200, response.json()
    assert list(draft_contest.classifiers.values_list("pk", flat=True)) == [classifier_id]
    assert api(organiser).get(f"{URL}{classifier_id}/").json()["contests"] == [draft_contest.pk]


def test_deleting_a_classifier_in_use_is_refused_with_the_reason(api, organiser, draft_contest):
    classifier = ClassifierFactory(title="Використовуваний")
    draft_contest.classifiers.add(classifier)
    response = api(organiser).delete(f"{URL}{classifier.pk}/")
    assert response.status_code == 409
    assert draft_contest.title in response.json()["detail"]
    assert Classifier.objects.filter(pk=classifier.pk).exists()
    # Detached, but a juror's expertise is filed under one of its categories.
    draft_contest.classifiers.remove(classifier)
    category = CategoryFactory(classifier=classifier, code="7")
    juror = UserFactory()
    grant(draft_contest, juror, "juror")
    from review.models import Juror  # the test may reach across apps; contests never does

    Juror.objects.create(contest=draft_contest, user=juror).expertise.add(category)
    response = api(organiser).delete(f"{URL}{classifier.pk}/")
    assert response.status_code == 409
    assert "7" in response.json()["detail"]
    # Nor may its category be removed by replacing the tree.
    response = api(organiser).patch(f"{URL}{classifier.pk}/", {"categories": []}, format="json")
    assert response.status_code == 400 and "7" in response.json()["errors"]["categories"][0]
    assert Category.objects.filter(pk=category.pk).exists()


def test_deleting_an_unused_classifier(api, organiser, draft_contest):
    classifier = ClassifierFactory()
    CategoryFactory(classifier=classifier)
    assert api(organiser).delete(f"{URL}{classifier.pk}/").status_code == 204
    assert not Classifier.objects.filter(pk=classifier.pk).exists()


def test_staff_may_change_any_classifier(api, staff):
    classifier = ClassifierFactory()
    ready_contest().classifiers.add(classifier)
    response = api(staff).patch(f"{URL}{classifier.pk}/", {"title": "Від персоналу"}, format="json")
    assert response.status_code == 200
