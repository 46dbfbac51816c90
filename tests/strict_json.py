"""Strict JSON parsing for tests: every ``--format json`` output must be valid JSON (RFC 8259).

Python's :func:`json.loads` accepts the bare ``NaN``, ``Infinity`` and ``-Infinity`` that
``json.dumps`` writes by default; browsers' ``JSON.parse`` and most other readers do not. Tests parse
every JSON output of the product with :func:`strict_loads`, which refuses them.
"""

from __future__ import annotations

import json
from typing import Any


def _refuse(token: str) -> Any:
    raise ValueError(f"invalid JSON constant {token!r} (NaN/Infinity are not JSON; use null)")


def strict_loads(text: str | bytes) -> Any:
    """Parse ``text`` as JSON, refusing ``NaN``, ``Infinity`` and ``-Infinity``."""
    return json.loads(text, parse_constant=_refuse)
