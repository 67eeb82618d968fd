from rest_framework import serializers

from audit.models import Action


class AuditEntrySerializer(serializers.Serializer):
    """One timeline entry: an audit action ("action:12") or a history row ("grades.grade:345")."""

    id = serializers.CharField()
    timestamp = serializers.DateTimeField()
    user_id = serializers.IntegerField(allow_null=True)
    username = serializers.CharField(allow_blank=True)
    action = serializers.ChoiceField(choices=Action.choices)
    entity_type = serializers.CharField(allow_blank=True)
    entity_id = serializers.CharField(allow_blank=True)
    ip_address = serializers.IPAddressField(allow_null=True)
    request_id = serializers.CharField(allow_blank=True)
    success = serializers.BooleanField()


class AuditEntryDetailSerializer(AuditEntrySerializer):
    user_agent = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)
    changes = serializers.DictField(help_text="History rows: {field: [old, new]}; actions: what was recorded.")
