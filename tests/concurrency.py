"""Run callables in parallel threads, each on its own database connection, for invariant tests
on real PostgreSQL transactions (use with `django_db(transaction=True, serialized_rollback=True)`)."""

import threading

from django.db import close_old_connections, connection


def run_in_threads(targets):
    """Start every target at once (a barrier); returns ("ok", value) or ("error", exception) per target."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", target())
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, target)) for index, target in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results
