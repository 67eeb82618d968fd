"""The base classes of every API endpoint; see the package docstring (sms/api/__init__.py)."""

import functools
import logging

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_ratelimit.exceptions import Ratelimited
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from sms.api.pagination import EnvelopePagination
from sms.api.permissions import IsAdminRole, RolePermission
from sms.api.ratelimit import TieredRateLimit
from sms.api.renderers import EnvelopeJSONRenderer
from sms.api.serializers import ValuesRepresentation

logger = logging.getLogger("sms.api")


class APISettings:
    """What every endpoint shares. Token first, so a request without credentials gets a 401."""

    authentication_classes = (TokenAuthentication, SessionAuthentication)
    permission_classes = (RolePermission,)
    renderer_classes = (EnvelopeJSONRenderer, BrowsableAPIRenderer)
    throttle_classes = (TieredRateLimit,)
    pagination_class = EnvelopePagination
    filter_backends = (DjangoFilterBackend,)
    rate_limit_tier = None  # "read" | "write" | "auth"; None: by HTTP method

    def initial(self, request, *args, **kwargs):
        try:
            super().initial(request, *args, **kwargs)
        except Ratelimited:
            raise  # the throttle itself refused this request: counted already
        except (exceptions.NotAuthenticated, exceptions.AuthenticationFailed, exceptions.PermissionDenied):
            # DRF checks throttles only after authentication and permissions pass, so refused
            # requests were never counted. Count them in their tier (per IP when anonymous, per
            # user when forbidden): guessing tokens or probing what a role may write is limited
            # like everything else, and past the limit the answer is 429, not another 403.
            # Refusals raised later (object permissions, a course the teacher does not teach)
            # come after the throttle and are counted already.
            self.check_throttles(request)
            raise


class BaseAPIView(APISettings, APIView):
    """A non-model endpoint: define get()/post() returning Response(payload)."""


class BaseViewSet(APISettings, viewsets.GenericViewSet):
    """A viewset: add DRF mixins (ListModelMixin, ...) or @action methods."""


@functools.cache
def _values_representation(serializer_class):
    return ValuesRepresentation(serializer_class)


class BaseModelViewSet(APISettings, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """CRUD through the app's services, soft delete and admin restore.

    Subclasses set queryset, serializer_class, filterset_class and implement:
    create_object(data), update_object(obj, data), delete_object(obj), restore_object(obj)
    (each calling a service), can_create(user, data) and can_change(user, obj) for object-level
    access. Serializers validate shape only; the services own every business rule.
    """

    http_method_names = ("get", "post", "put", "patch", "delete", "head", "options")

    def can_create(self, user, data):
        return True

    def filter_queryset(self, queryset):
        # ?ordering=study_year alone leaves ties in any order, so pages could repeat or skip rows.
        queryset = super().filter_queryset(queryset)
        ordering = tuple(queryset.query.order_by)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            queryset = queryset.order_by(*ordering, "pk")
        return queryset

    def list(self, request, *args, **kwargs):
        """The page as plain rows: the serializer's output without a model instance per row."""
        representation = _values_representation(self.get_serializer_class())
        rows = self.filter_queryset(self.get_queryset()).prefetch_related(None).values(*representation.columns)
        page = self.paginate_queryset(rows)
        if page is None:
            return Response(representation.represent(rows))
        return self.get_paginated_response(representation.represent(page))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.require(self.can_create(request.user, serializer.validated_data))
        serializer.instance = self.create_object(serializer.validated_data)
        self.log("created", serializer.instance)
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        serializer.instance = self.update_object(instance, serializer.validated_data)
        self.log("updated", instance)
        return Response(serializer.data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.delete_object(instance)
        self.log("deleted", instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, summary="Restore a soft-deleted record (administrators).")
    @action(detail=True, methods=["post"], permission_classes=[IsAdminRole])
    def restore(self, request, pk=None):
        instance = self.get_restore_target(pk)
        restored = self.restore_object(instance)
        self.log("restored", restored)
        return Response(self.get_serializer(restored).data)

    def get_restore_target(self, pk):
        """Only deleted rows can be restored; a live, unknown or malformed id is a 404.

        DRF's get_object_or_404 also turns a non-numeric id ("abc") into a 404, where Django's raises.
        """
        model = self.get_queryset().model
        instance = get_object_or_404(model.all_objects.filter(deleted_at__isnull=False), pk=pk)
        self.check_object_permissions(self.request, instance)
        return instance

    def log(self, what, instance):
        # The log filter adds the request id, so a client's X-Request-ID finds this line.
        logger.info("%s %s %s by %s", instance._meta.model_name, instance.pk, what, self.request.user)

    @staticmethod
    def require(allowed):
        if not allowed:
            raise PermissionDenied(_("Your role does not allow changing records of this course."))
