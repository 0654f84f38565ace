"""Static files named by their content: WhiteNoise's compressed manifest storage, with the
imports inside ES modules rewritten to the hashed names as well (so `app.js` loads the
`queue.js` it was built with)."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def url(self, name: Any, force: bool = False) -> str:
        """The hashed URL; the plain one (served from the apps) where nothing was collected
        yet, so a process started without `collectstatic` still renders its pages."""
        try:
            return super().url(name, force)
        except ValueError:
            return StaticFilesStorage.url(self, name)
