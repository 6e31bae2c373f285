"""Staff see current lockouts (accounts and client addresses paused after failed logins) and lift
them: GET /api/v1/lockouts/, DELETE /api/v1/lockouts/{id}/ (id e.g. `account:a@example.org`)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts import lockout
from core.api import ErrorSerializer


class LockSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`account:<e-mail>` or `address:<IP address>`; DELETE it to unlock.")
    kind = serializers.ChoiceField(choices=["account", "address"])
    key = serializers.CharField(help_text="The account's e-mail address or the client's IP address.")
    failures = serializers.IntegerField()
    until = serializers.DateTimeField(help_text="When the lock ends by itself.")


class LockoutViewSet(viewsets.ViewSet):
    """Lockouts after repeated failed logins. Staff only (403 for anyone else)."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[^/]+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not lockout.may_unlock(request.user):
            raise PermissionDenied(_("Only staff may see and lift lockouts."))

    @extend_schema(responses={200: LockSerializer(many=True), 401: ErrorSerializer, 403: ErrorSerializer})
    def list(self, request):
        return Response(LockSerializer(lockout.current_locks(), many=True).data)

    @extend_schema(responses={204: None, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer})
    def destroy(self, request, pk: str = ""):
        """Unlock: the failures behind the lock are forgotten (logged with who did it)."""
        lock = lockout.find_lock(pk)
        if lock is None:
            raise NotFound(_("No such lock now: it ended, or was never there."))
        lockout.unlock(lock, by=request.user, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
