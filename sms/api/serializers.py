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


class ValuesRepresentation:
    """What `serializer_class(rows, many=True).data` gives, computed from `.values()` rows.

    A ModelSerializer builds a model instance per row and resolves every field through
    get_attribute, ≈ 16× a hand-built dict (PITFALLS). API lists read plain rows instead and
    convert each column with the serializer's own field, so the output stays the same (a test
    compares both on every resource): foreign keys come out as their ids, many-to-many fields
    from one query per page, and fields that read a model property (Course.absence_limit,
    Grade.percentage) from a bare instance of the model holding the row.
    """

    def __init__(self, serializer_class):
        self.model = serializer_class.Meta.model
        concrete = {field.name: field for field in self.model._meta.concrete_fields}
        self.plan = [self._step(field, concrete) for field in serializer_class().fields.values()
                     if not field.write_only]
        wanted = {column for kind, column, _field in self.plan if kind in ("column", "id")}
        needs_instance = any(kind == "property" for kind, _column, _field in self.plan)
        self.columns = [field.attname for field in concrete.values()
                        if needs_instance or field.attname in wanted or field.primary_key]

    def _step(self, field, concrete):
        """(kind, column or source, field): how one serializer field is read from a row."""
        model_field = concrete.get(field.source)
        if isinstance(field, serializers.ManyRelatedField):
            return "many", self.model._meta.get_field(field.source), field
        if isinstance(field, serializers.PrimaryKeyRelatedField) and model_field is not None:
            return "id", model_field.attname, field
        if model_field is not None:
            return "column", model_field.attname, field
        if "." in field.source or field.source == "*":
            raise ValueError(f"{field.field_name}: lists cannot read source {field.source!r} from a row")
        return "property", field.source, field

    def represent(self, rows):
        rows = list(rows)
        many = {column.name: self._many(column, rows) for kind, column, _field in self.plan if kind == "many"}
        return [self._item(row, many) for row in rows]

    def _item(self, row, many):
        item, instance = {}, None
        for kind, column, field in self.plan:
            if kind == "many":
                value = many[column.name].get(row["id"], [])
            elif kind == "property":
                if instance is None:
                    instance = self.model.__new__(self.model)
                    instance.__dict__.update(row)
                value = getattr(instance, column)
                value = None if value is None else field.to_representation(value)
            else:
                value = row[column]
                if value is not None and kind == "column":
                    value = field.to_representation(value)
            item[field.field_name] = value
        return item

    @staticmethod
    def _many(model_field, rows):
        """{row id: [related ids]} for one many-to-many field, in id order (the serializer gives the
        database's order, which SQL leaves unspecified)."""
        through = model_field.remote_field.through
        source, target = model_field.m2m_column_name(), model_field.m2m_reverse_name()
        related = {}
        pairs = through.objects.filter(**{f"{source}__in": [row["id"] for row in rows]}).order_by(target)
        for owner, other in pairs.values_list(source, target):
            related.setdefault(owner, []).append(other)
        return related
