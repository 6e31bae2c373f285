from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import lockout, selectors, services, tokens
from accounts.api.serializers import (
    AcceptedInvitationSerializer,
    EmailConfirmationSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MeSerializer,
    OrganisationSerializer,
    OrganiserEmailSerializer,
    OrganiserSerializer,
    SentInvitationSerializer,
    SignedUpSerializer,
    SignUpSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from accounts.api.throttles import PerAddressThrottle
from accounts.api.tokens import NewTokenSerializer, issue_response
from accounts.models import Invitation, Membership, User
from accounts.selectors import organisations_visible_to
from core.api import ErrorSerializer, RulesPermission


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations the caller belongs to (staff: all). The registering user becomes admin."""

    serializer_class = OrganisationSerializer
    permission_classes = [IsAuthenticated, RulesPermission]
    action_perms = {
        "update": "accounts.change_organisation",
        "partial_update": "accounts.change_organisation",
        "invite": "accounts.invite_to_organisation",
    }
    filterset_fields = ["region", "kind"]
    search_fields = ["name", "settlement", "registry_code"]

    def get_queryset(self):
        return organisations_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.register_organisation(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_organisation(serializer.instance, **serializer.validated_data)

    @extend_schema(request=InvitationSerializer, responses={201: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Invite a colleague by e-mail (organisation admins)."""
        organisation = self.get_object()
        payload = InvitationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.invite_colleague(organisation, email=payload.validated_data["email"], by=request.user)
        return Response(payload.data, status=status.HTTP_201_CREATED)


class MeView(RetrieveUpdateAPIView):
    """The current user, their organisations and their roles in contests."""

    serializer_class = MeSerializer
    permission_classes = [IsAuthenticated]

    def get_object(self) -> User:
        return User.objects.prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
            "contest_roles__contest",
        ).get(pk=self.request.user.pk)


class TokenView(APIView):
    """Exchange an e-mail address and password for an API token."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: NewTokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        description="A new named API token (its key is in this answer only; optional `name`, `scopes`, "
        "`expires_in_days` as for POST /api/v1/tokens/). Wrong credentials answer 400. "
        "After AXES_FAILURE_LIMIT failures for an account (or "
        "AXES_IP_FAILURE_LIMIT from an address) logging in is paused: 429 with Retry-After (seconds), "
        "also for the right password, until the cool-off ends or staff unlock it.",
    )
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data, context={"request": request})
        if not payload.is_valid():
            # authenticate() ran (axes marked the request) and failed: log it; 429 when locked.
            tried = getattr(request._request, "axes_updated", False)
            if tried and (wait := lockout.login_failed(request._request, request.data["email"])) is not None:
                raise lockout.TooManyAttempts(wait)
            raise ValidationError(payload.errors)
        lockout.login_succeeded(request._request, payload.validated_data["user"], via="api_token")
        user = payload.validated_data["user"]
        if tokens.name_in_use(user, payload.validated_data.get("name", "")):
            raise ValidationError({"name": [_("You already have a token with this name.")]})
        return issue_response(request, user, payload.validated_data, code=200)  # `verified`: accounts.api.otp


# --- organisers: staff add and remove them --------------------------------------------------------


class OrganiserViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The organisers (the group Organisers: they may create contests). Staff only."""

    serializer_class = OrganiserSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_perm("accounts.manage_organisers"):
            raise PermissionDenied(_("Only staff may see and change who organises contests."))

    def get_queryset(self):
        return selectors.organisers()

    @extend_schema(responses={200: OrganiserSerializer(many=True), 403: ErrorSerializer})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=OrganiserEmailSerializer,
        responses={
            200: OrganiserSerializer,
            201: OrganiserSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
        description="Make an existing account an organiser (201; 200 when it already was one). An "
        "unknown address answers 400: invite the person instead (POST /api/v1/invitations/).",
    )
    def create(self, request):
        payload = OrganiserEmailSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.user_by_email(payload.validated_data["email"])
        added = services.add_organiser(user, by=request.user)
        return Response(
            OrganiserSerializer(user).data, status=status.HTTP_201_CREATED if added else status.HTTP_200_OK
        )

    @extend_schema(responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer})
    def destroy(self, request, pk=None):
        """Take an organiser out of the group (their roles in contests stay)."""
        services.remove_organiser(get_object_or_404(self.get_queryset(), pk=pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=OrganiserEmailSerializer,
        responses={204: None, 400: ErrorSerializer, 403: ErrorSerializer},
        description="Take the organiser with this e-mail address out of the group. An unknown address, "
        "or one that is no organiser, answers 400.",
    )
    @action(detail=False, methods=["post"])
    def remove(self, request):
        payload = OrganiserEmailSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = services.user_by_email(payload.validated_data["email"])
        if not services.remove_organiser(user, by=request.user):
            return Response(
                {"email": [_("%(email)s is not an organiser.") % {"email": user.email}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- invitations by role, and accepting them ----------------------------------------------------------


def _request_language() -> str:
    """The request's language when it is one of ours; else the default (empty)."""
    language = get_language()
    return language if language in dict(settings.LANGUAGES) else ""


def _gone(error: services.LinkGone) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_410_GONE)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Invitations by e-mail to be organisation staff, a contest's juror or grant officer, or an
    organiser. Organisation administrators invite staff to their organisation; a contest's
    organisers invite its jurors and grant officers; staff invite organisers. The invitee gets a
    link, and accepts on its page or here (`accept/`: the token and a password)."""

    serializer_class = SentInvitationSerializer
    permission_classes = [IsAuthenticated]
    throttle_scope = ""  # accept/ sets its own (PerAddressThrottle)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator has no user
            return Invitation.objects.none()
        return selectors.invitations_sent_by(self.request.user)

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: SentInvitationSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def create(self, request):
        """Invite someone by e-mail to a role; they get a link to accept it (and set a password)."""
        payload = InvitationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        role = services.INVITATION_ROLES[data["role"]]
        named = data.get(role.target) if role.target else None
        target = services.find_invitation_target(role, user=request.user, pk=named)
        invitation = services.invite(
            role,
            email=data["email"],
            by=request.user,
            target=target,
            full_name=data["full_name"],
            as_admin=data["as_admin"],
        )
        return Response(SentInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InvitationAcceptSerializer,
        responses={
            200: AcceptedInvitationSerializer,
            400: ErrorSerializer,
            410: ErrorSerializer,
            429: ErrorSerializer,
        },
        description="Accept an invitation with the token of its link. Without an account for the invited "
        "address, `password` (checked by Django's password rules) and `full_name` create one; with an "
        "account, `password` is its password (not needed when logged in as it). Answers an API token. "
        "An expired or used invitation answers 410. Rate-limited per client address (429).",
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[AllowAny],
        throttle_classes=[PerAddressThrottle],
        throttle_scope="accept_invitation",
    )
    def accept(self, request):
        payload = InvitationAcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            user, invitation = services.accept_invitation_by_token(
                data["token"],
                password=data["password"],
                full_name=data["full_name"],
                user=request.user if request.user.is_authenticated else None,
                language=_request_language(),
            )
        except services.LinkGone as error:
            return _gone(error)
        _token, key = tokens.issue(user, request=request)
        return Response(
            {
                "token": key,
                "user": user.pk,
                "email": user.email,
                "role": services.role_of(invitation).key,
                "contest": invitation.payload.get("contest"),
                "organisation": invitation.organisation_id,
            }
        )


# --- sign-up with e-mail confirmation -------------------------------------------------------------------


class SignUpView(APIView):
    """Create an account; it works once its e-mail address is confirmed (the link we send)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PerAddressThrottle]
    throttle_scope = "sign_up"

    @extend_schema(
        request=SignUpSerializer,
        responses={201: SignedUpSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        description="A new account, inactive until its owner confirms the e-mail address with the "
        "token of the link we send (POST /api/v1/auth/confirm-email/). A weak password (Django's "
        "password rules) answers 400. An address that has an account answers the same 201 (its owner "
        "gets an e-mail instead), so the answer never tells who has an account. Rate-limited per "
        "client address and per e-mail address (429 with Retry-After).",
    )
    def post(self, request):
        payload = SignUpSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if (wait := lockout.limit(request._request, "sign_up", data["email"])) is not None:
            raise lockout.TooManyAttempts(wait)
        email = services.sign_up_to_confirm(
            email=data["email"],
            full_name=data["full_name"],
            password=data["password"],
            language=data.get("language") or _request_language(),
        )
        detail = _("We sent a link to %(email)s: follow it to confirm the address.") % {"email": email}
        return Response({"email": email, "detail": detail}, status=status.HTTP_201_CREATED)


class ConfirmEmailView(APIView):
    """Confirm a signed-up e-mail address with the token of the e-mailed link."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [PerAddressThrottle]
    throttle_scope = "confirm_email"

    @extend_schema(
        request=EmailConfirmationSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer, 410: ErrorSerializer, 429: ErrorSerializer},
        description="Activates the account and answers an API token. A token that is not a link's "
        "answers 400; an expired or already used one 410. Rate-limited per client address (429).",
    )
    def post(self, request):
        payload = EmailConfirmationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            user = services.confirm_email(payload.validated_data["token"])
        except services.LinkGone as error:
            return _gone(error)
        _token, key = tokens.issue(user, request=request)
        return Response({"token": key})
