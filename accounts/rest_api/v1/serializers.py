from rest_framework import serializers

from accounts.models import User


class MeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="get_display_name", read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), source="role_names", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "first_name", "last_name", "time_zone", "roles", "date_joined"]
        read_only_fields = fields
