from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import Membership, Organisation, User


class OrganisationSerializer(serializers.ModelSerializer):
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


class MeSerializer(serializers.ModelSerializer):
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


class InvitationSerializer(serializers.Serializer):
    email = serializers.EmailField()


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs: dict) -> dict:
        user = authenticate(self.context.get("request"), username=attrs["email"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("Wrong e-mail address or password."), code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
