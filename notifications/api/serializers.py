from rest_framework import serializers

from core.strict import RefuseUnknownFieldsMixin
from notifications.models import Message
from notifications.rendering import Rendered, render_inbox


class InboxListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        messages = list(data.all() if hasattr(data, "all") else data)
        rendered = render_inbox(messages)  # one override query for the whole page
        for message in messages:
            message._rendered = rendered[message.pk]
        return super().to_representation(messages)


class InboxMessageSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "event", "subject", "text", "created_at", "read_at", "is_read"]
        list_serializer_class = InboxListSerializer

    def _rendered(self, message: Message) -> Rendered | None:
        if not hasattr(message, "_rendered"):
            message._rendered = render_inbox([message])[message.pk]
        return message._rendered

    def get_subject(self, message: Message) -> str:
        rendered = self._rendered(message)
        return rendered.subject if rendered else message.event

    def get_text(self, message: Message) -> str:
        rendered = self._rendered(message)
        return rendered.text if rendered else ""

    def get_is_read(self, message: Message) -> bool:
        return message.read_at is not None


class MarkReadSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
