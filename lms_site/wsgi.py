import os

from django.core.wsgi import get_wsgi_application

# Servers run production settings unless told otherwise; manage.py defaults to dev.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_site.settings.production")
application = get_wsgi_application()
