"""POST /api/v1/auth/token/ {username, password} → {token, user}; rate limited in the "auth" tier."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from audit.models import Action
from audit.services import log_action
from sms import roles
from sms.api.views import BaseAPIView


class TokenView(BaseAPIView):
    """Exchange a username and password for the user's API token (the same token each time)."""

    authentication_classes = ()  # credentials are in the body; no CSRF, no session
    permission_classes = (AllowAny,)
    rate_limit_tier = "auth"
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer("TokenResult", {
            "token": serializers.CharField(), "username": serializers.CharField(),
            "role": serializers.CharField(allow_null=True),
        }),
        summary="Get an API token; send it as `Authorization: Token <token>`.",
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token, _created = Token.objects.get_or_create(user=user)
            # A token is an API sign-in: audited like the login form (failures already are, through
            # authenticate()'s user_login_failed signal).
            log_action(action=Action.LOGIN, user=user, entity_type="auth.user", entity_id=user.pk,
                       changes={"via": "api token"})
        return Response({"token": token.key, "username": user.get_username(), "role": roles.role_of(user)})
