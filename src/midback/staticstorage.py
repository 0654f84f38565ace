"""Static files named by their content: WhiteNoise's compressed manifest storage, with the
imports inside ES modules rewritten to the hashed names as well (so `app.js` loads the
`queue.js` it was built with)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
