from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from profiles import selectors, services
from profiles.rest_api.v1.serializers import LearnerProfileSerializer


@method_decorator(never_cache, name="dispatch")
class MyProfileView(APIView):
    """The signed-in user's own personal details (only ever request.user's: there is no id)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=LearnerProfileSerializer)
    def get(self, request):
        return Response(LearnerProfileSerializer(selectors.profile_for_user(user=request.user)).data)

    @extend_schema(request=LearnerProfileSerializer, responses=LearnerProfileSerializer)
    def patch(self, request):
        serializer = LearnerProfileSerializer(
            selectors.profile_for_user(user=request.user), data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        profile = services.profile_update(user=request.user, changes=serializer.validated_data, request=request)
        return Response(LearnerProfileSerializer(profile).data)
