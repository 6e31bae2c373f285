from django.db import transaction
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.models import User
from contests import services
from contests.api.serializers import (
    ClassifierSerializer,
    ClassifierWriteSerializer,
    ContestCloneSerializer,
    ContestListSerializer,
    ContestRoleSerializer,
    ContestSerializer,
    CriterionSerializer,
    FormFieldSerializer,
    GrantBudgetChangeSerializer,
    NominationSerializer,
)
from contests.models import Classifier, Contest, Criterion, FormField, Nomination
from contests.selectors import contests_visible_to, with_structure
from contests.steps import CONTEST
from core import versioning
from core.api import ErrorSerializer, RulesPermission, TransitionActionsMixin, VersionedAPIMixin
from core.strict import refuse_any_field


class ContestFilter(filters.FilterSet):
    class Meta:
        model = Contest
        fields = {"state": ["exact", "in"], "closes_at": ["gte", "lte"], "currency": ["exact"]}


class ContestViewSet(VersionedAPIMixin, TransitionActionsMixin, viewsets.ModelViewSet):
    """Contests visible to the caller. Anonymous callers see published contests and later."""

    serializer_class = ContestSerializer
    permission_classes = [RulesPermission]
    filterset_class = ContestFilter
    search_fields = ["title", "summary"]
    ordering_fields = ["closes_at", "opens_at", "title"]
    action_perms = {
        "update": "contests.change_contest",
        "partial_update": "contests.change_contest",
        "destroy": "contests.change_contest",
    }
    catalogue = CONTEST

    @extend_schema(request=ContestRoleSerializer, responses=ContestRoleSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def roles(self, request, pk=None):
        """Who holds which role in this contest (organisers); POST grants a role by e-mail."""
        contest = self._contest_managing_roles(request)
        if request.method == "POST":
            user, role = self._role_payload(request)
            services.grant_role(contest, user=user, role=role, by=request.user)
        return self._roles_response(contest)

    @extend_schema(request=ContestRoleSerializer, responses=ContestRoleSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="revoke-role")
    def revoke_role(self, request, pk=None):
        """Take a role away; a contest always keeps at least one organiser."""
        contest = self._contest_managing_roles(request)
        user, role = self._role_payload(request)
        services.revoke_role(contest, user=user, role=role, by=request.user)
        return self._roles_response(contest)

    def _contest_managing_roles(self, request) -> Contest:
        contest = self.get_object()
        if not request.user.has_perm("contests.manage_roles", contest):
            raise PermissionDenied(_("Only this contest's organisers may manage its roles."))
        return contest

    @staticmethod
    def _role_payload(request) -> tuple[User, str]:
        payload = ContestRoleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = User.objects.get(email__iexact=payload.validated_data["user"]["email"])
        return user, payload.validated_data["role"]

    @staticmethod
    def _roles_response(contest: Contest) -> Response:
        roles = contest.roles.select_related("user").order_by("role", "user__email")
        return Response(ContestRoleSerializer(roles, many=True).data)

    @extend_schema(
        request=GrantBudgetChangeSerializer,
        responses={200: ContestSerializer, 400: None, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="grant-budget")
    def grant_budget(self, request, pk=None):
        """Change only the grant budget: organisers and grant officers, in any state until the
        contest is archived (grants are offered after the announcement), never below what the
        grants committed (400 on grant_budget). Other fields stay locked once it is announced."""
        contest = self.get_object()
        if not request.user.has_perm("contests.change_grant_budget", contest):
            raise PermissionDenied(
                _("Only this contest's organisers and grant officers may change its budget.")
            )
        payload = GrantBudgetChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with versioning.editing_as(request.user):
            services.set_grant_budget(contest, amount=payload.validated_data["grant_budget"], by=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=ContestCloneSerializer, responses={201: ContestSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request, pk=None):
        """Start next year's contest from this one: a new draft with every date moved on."""
        source = self.get_object()
        if not request.user.has_perm("contests.clone_contest", source):
            raise PermissionDenied(_("Only this contest's organisers may clone it."))
        payload = ContestCloneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contest = services.clone_contest(source, by=request.user, **payload.validated_data)
        contest = with_structure(Contest.objects.all()).get(pk=contest.pk)
        return Response(self.get_serializer(contest).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: FormFieldSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="add-case-structure")
    def add_case_structure(self, request, pk=None):
        """Add the standard case structure to the form (problem, target group, solution, e-services,
        results, resources and partners, costs, sustainability, contacts, presentation), each question
        mapped to its case section. Questions whose key the form has are skipped; answers the questions
        added now (an empty list when none was missing). After publication they come optional; a
        finished contest answers 400, like the organiser page's button."""
        contest = self.get_object()
        if not request.user.has_perm("contests.change_contest", contest):
            raise PermissionDenied(_("Only this contest's organisers may change it."))
        refuse_any_field(request.data)
        added = services.add_case_structure(contest, by=request.user)
        return Response(FormFieldSerializer(added, many=True, context=self.get_serializer_context()).data)

    def get_queryset(self):
        contests = contests_visible_to(self.request.user).order_by("-opens_at", "-pk")
        if self.action == "list":
            return contests
        return with_structure(contests)

    def get_serializer_class(self):
        return ContestListSerializer if self.action == "list" else ContestSerializer

    def perform_create(self, serializer):
        if not self.request.user.has_perm("contests.add_contest"):
            raise PermissionDenied(_("Only organisers may create contests."))
        serializer.instance = services.create_contest(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        services.update_contest(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_contest(instance)


class ContestPartViewSet(VersionedAPIMixin, viewsets.ModelViewSet):
    """Nominations, criteria and form fields; only a contest's organisers change them."""

    permission_classes = [RulesPermission]
    filterset_fields = ["contest"]
    action_perms = {
        "update": "contests.change_contest",
        "partial_update": "contests.change_contest",
        "destroy": "contests.change_contest",
    }
    model = Nomination

    def get_queryset(self):
        visible = contests_visible_to(self.request.user)
        return self.model.objects.filter(contest__in=visible).order_by("contest", "order", "pk")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "contest" in getattr(serializer, "fields", {}):
            serializer.fields["contest"].queryset = contests_visible_to(self.request.user)
        return serializer

    def permission_object(self, part):
        return part.contest

    def perform_create(self, serializer):
        contest = serializer.validated_data["contest"]
        if not self.request.user.has_perm("contests.change_contest", contest):
            raise PermissionDenied(_("Only this contest's organisers may change it."))
        serializer.instance = services.save_part(self.model(), **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        moved_to = data.pop("contest", None)
        if moved_to is not None and moved_to.pk != serializer.instance.contest_id:
            # Refused, never ignored: a part never moves to another contest.
            raise ValidationError({"contest": [_("A part of a contest cannot move to another contest.")]})
        serializer.instance = services.save_part(serializer.instance, **data)

    def perform_destroy(self, instance):
        with transaction.atomic():
            services.delete_part(instance)


class NominationViewSet(ContestPartViewSet):
    model = Nomination
    serializer_class = NominationSerializer


class CriterionViewSet(ContestPartViewSet):
    model = Criterion
    serializer_class = CriterionSerializer


class FormFieldViewSet(ContestPartViewSet):
    model = FormField
    serializer_class = FormFieldSerializer


CLASSIFIER_WRITE_RESPONSES = {400: None, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    create=extend_schema(
        request=ClassifierWriteSerializer, responses={201: ClassifierSerializer, **CLASSIFIER_WRITE_RESPONSES}
    ),
    update=extend_schema(
        request=ClassifierWriteSerializer, responses={200: ClassifierSerializer, **CLASSIFIER_WRITE_RESPONSES}
    ),
    partial_update=extend_schema(
        request=ClassifierWriteSerializer, responses={200: ClassifierSerializer, **CLASSIFIER_WRITE_RESPONSES}
    ),
    destroy=extend_schema(
        responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
    ),
)
class ClassifierViewSet(viewsets.ModelViewSet):
    """Classifiers of practice areas, public and reusable across contests. Whoever may create
    contests builds them, categories nested in one request (`children`, or `parent` by code);
    a classifier a contest uses is changed only by that contest's organisers, and one in use is
    never deleted (409 with the reasons)."""

    serializer_class = ClassifierSerializer
    permission_classes = [RulesPermission]
    action_perms = {
        "update": "contests.change_classifier",
        "partial_update": "contests.change_classifier",
        "destroy": "contests.delete_classifier",
    }
    queryset = Classifier.objects.prefetch_related("categories__parent", "contests").order_by("title", "pk")

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ClassifierWriteSerializer
        return ClassifierSerializer

    def _answer(self, classifier: Classifier, status_code: int = status.HTTP_200_OK) -> Response:
        classifier = self.get_queryset().get(pk=classifier.pk)
        return Response(
            ClassifierSerializer(classifier, context=self.get_serializer_context()).data, status=status_code
        )

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("contests.add_classifier"):
            raise PermissionDenied(_("Only organisers may create classifiers."))
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        classifier = services.save_classifier(None, **payload.validated_data)
        return self._answer(classifier, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        classifier = self.get_object()
        payload = self.get_serializer(classifier, data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        services.save_classifier(classifier, **payload.validated_data)
        return self._answer(classifier)

    def destroy(self, request, *args, **kwargs):
        classifier = self.get_object()
        if problems := services.classifier_delete_problems(classifier):
            return Response({"detail": " ".join(str(p) for p in problems)}, status=status.HTTP_409_CONFLICT)
        services.delete_classifier(classifier)
        return Response(status=status.HTTP_204_NO_CONTENT)
