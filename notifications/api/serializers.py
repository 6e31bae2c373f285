from rest_framework import serializers

from notifications.models import Message
from notifications.rendering import render


class InboxMessageSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "event", "subject", "text", "created_at", "read_at", "is_read"]

    def _rendered(self, message: Message):
        # Rendered once per row and kept on the instance for both fields.
        if not hasattr(message, "_rendered"):
            message._rendered = render(message.event, message.language, message.context)
        return message._rendered

    def get_subject(self, message: Message) -> str:
        return self._rendered(message).subject

    def get_text(self, message: Message) -> str:
        return self._rendered(message).text

    def get_is_read(self, message: Message) -> bool:
        return message.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
