#!/bin/sh
# Container entrypoint: the first argument picks the role.
#   web        [migrate], publish static files to the shared volume, gunicorn
#   worker     Celery worker
#   beat       Celery beat (run exactly one)
#   migrate    apply migrations and exit
#   manage …   any manage.py command
#   anything else is executed as given (e.g. `sh`)
set -eu
cd /app

publish_static() {
    # nginx serves /static/ from a volume shared with this container. The image's collected
    # files are copied there at start; older hashed files stay, so pages cached by browsers
    # that still reference them keep working during a deploy.
    if [ -n "${STATIC_PUBLISH_DIR:-}" ] && [ -d "$STATIC_PUBLISH_DIR" ]; then
        cp -R /app/staticfiles/. "$STATIC_PUBLISH_DIR"/
    fi
}

role=${1:-web}
[ "$#" -eq 0 ] || shift
case "$role" in
    web)
        if [ "${MIGRATE_ON_START:-false}" = "true" ]; then
            python manage.py migrate --noinput
        fi
        publish_static
        exec gunicorn --config /app/deploy/gunicorn.conf.py lms_site.wsgi:application "$@"
        ;;
    worker)
        exec celery -A lms_site worker --loglevel "${CELERY_LOG_LEVEL:-info}" \
            --concurrency "${CELERY_CONCURRENCY:-2}" "$@"
        ;;
    beat)
        # The schedule file is state of this one process; keep it off the image.
        exec celery -A lms_site beat --loglevel "${CELERY_LOG_LEVEL:-info}" \
            --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" "$@"
        ;;
    migrate)
        exec python manage.py migrate --noinput "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    *)
        exec "$role" "$@"
        ;;
esac
