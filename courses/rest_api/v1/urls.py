from rest_framework.routers import SimpleRouter

from courses.rest_api.v1.views import CourseViewSet

router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")
urlpatterns = router.urls
