from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.api.otp import token_verified
from accounts.api.tokens import TokenCreateSerializer
from accounts.models import Invitation, Membership, Organisation, User
from accounts.services import INVITATION_ROLES, awaits_confirmation, role_of
from core.strict import RefuseUnknownFieldsMixin


class OrganisationSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "settlement",
            "address",
            "registry_code",
            "website",
            "email",
            "phone",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "is_admin"]


class ContestRoleBriefSerializer(serializers.Serializer):
    contest = serializers.IntegerField(source="contest_id")
    contest_title = serializers.CharField(source="contest.title")
    role = serializers.CharField()


class MeSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    contest_roles = ContestRoleBriefSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "phone",
            "language",
            "is_staff",
            "memberships",
            "contest_roles",
        ]
        read_only_fields = ["id", "email", "is_staff"]


class InvitationSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    email = serializers.EmailField()


class TokenRequestSerializer(TokenCreateSerializer):  # strict: RefuseUnknownFieldsMixin
    """The credentials, and the new token's optional name, scopes and days (TokenCreateSerializer)."""

    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="With two-step verification on: the app's 6-digit code or a recovery code. A token "
        "issued with it is `verified` (privileged people need that to change things).",
    )

    def validate(self, attrs: dict) -> dict:
        # Django's request, not DRF's: axes counts the failure and flags a lockout on it.
        request = self.context.get("request")
        request = getattr(request, "_request", request)
        user = authenticate(request, username=attrs["email"], password=attrs["password"])
        if user is None and awaits_confirmation(attrs["email"], attrs["password"]):
            raise serializers.ValidationError(
                _("Confirm your e-mail address first: follow the link we sent to it."), code="authorization"
            )
        if user is None:
            raise serializers.ValidationError(_("Wrong e-mail address or password."), code="authorization")
        attrs["user"] = user
        attrs["verified"] = token_verified(user, attrs.pop("otp_code", ""), request)  # accounts.api.otp
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- organisers, invitations by role, sign-up -----------------------------------------------------


class OrganiserSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]
        read_only_fields = fields


class OrganiserEmailSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    email = serializers.EmailField(help_text="The e-mail address of an existing account.")


class InvitationCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(
        choices=[(key, role.label) for key, role in INVITATION_ROLES.items()],
        help_text="staff (of `organisation`: its administrators and staff members invite), juror and "
        "grant_officer (of `contest`: its organisers invite), organiser (staff invite).",
    )
    contest = serializers.IntegerField(required=False, help_text="For a juror or a grant officer.")
    organisation = serializers.IntegerField(required=False, help_text="For organisation staff.")
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    as_admin = serializers.BooleanField(
        required=False, default=False, help_text="Organisation staff only: as its administrator."
    )


class SentInvitationSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    contest = serializers.SerializerMethodField()
    contest_title = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)
    usable = serializers.BooleanField(source="is_usable", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "contest",
            "contest_title",
            "organisation",
            "organisation_name",
            "as_admin",
            "created_at",
            "expires_at",
            "accepted_at",
            "usable",
        ]
        read_only_fields = fields

    def get_role(self, invitation) -> str:
        return role_of(invitation).key

    def get_contest(self, invitation) -> int | None:
        return invitation.payload.get("contest")

    def get_contest_title(self, invitation) -> str | None:
        return invitation.payload.get("title")


class InvitationAcceptSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    token = serializers.CharField(help_text="The token at the end of the invitation's link.")
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="A new password when the address has no account yet (Django's password rules); "
        "else the account's password. Not needed when logged in with the invited address.",
    )
    full_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="For a new account."
    )


class AcceptedInvitationSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="An API token of the account that accepted.")
    user = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField()
    contest = serializers.IntegerField(allow_null=True)
    organisation = serializers.IntegerField(allow_null=True)


class SignUpSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200)
    password = serializers.CharField(
        trim_whitespace=False, style={"input_type": "password"}, help_text="Django's password rules."
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="Of the messages; the request's language if left out.",
    )


class SignedUpSerializer(serializers.Serializer):
    email = serializers.EmailField()
    detail = serializers.CharField()


class EmailConfirmationSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    token = serializers.CharField(help_text="The token at the end of the confirmation link.")
