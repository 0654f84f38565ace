import gc

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "midback.core"
    label = "core"
    verbose_name = "MidBack"

    def ready(self) -> None:
        # Everything loaded at start-up lives for the whole process. Moving it out of the
        # collector's reach keeps full collections short: on the dashboard of a large clinic
        # they were the whole difference between p50 and p95.
        gc.freeze()
