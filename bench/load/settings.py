"""Settings for the load benchmark only: MidBack's own, plus a URLconf with the ceiling view."""

from midback.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
