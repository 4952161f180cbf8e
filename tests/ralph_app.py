"""Ralph's LRS application as the xAPI tests run it (uvicorn tests.ralph_app:app).

One change: Ralph 5.1's file-system LRS backend writes its statements file with the
"create" operation, so the first statement creates it and every later write fails
("already exists", HTTP 500). Appending is what a statements log needs; everything else
(validation, authentication, PUT/POST semantics, duplicate-id checks, queries) is Ralph's.
"""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402

__all__ = ["app"]
