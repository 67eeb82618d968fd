from django.utils.translation import gettext as _
from rest_framework import serializers


class ShapeModelSerializer(serializers.ModelSerializer):
    """Checks types, lengths, choices and presence only; the service's full_clean() does the rest.

    Model field validators and uniqueness checks are left out on purpose: they live in the model
    and services, which give the friendly messages and the violation codes the API maps to domain
    codes (DUPLICATE_EMAIL, ...). `create_only_fields` cannot change once the record exists.
    """

    create_only_fields = ()

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("validators", None)
        for bound in ("min_value", "max_value"):
            kwargs.pop(bound, None)
        return field_class, kwargs

    def get_validators(self):
        return []

    def validate(self, attrs):
        if self.instance is not None:
            changed = [name for name in self.create_only_fields
                       if name in attrs and attrs[name] != getattr(self.instance, name)]
            if changed:
                raise serializers.ValidationError({
                    name: [_("This cannot be changed. Delete the record and create a new one.")]
                    for name in changed
                })
        return attrs
