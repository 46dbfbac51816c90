"""Plan monitoring: submission, approval, audit, and progress against targets.

Modules (each a use case over the store; the CLI in :mod:`lanxi.cli.monitoring` is a thin skin):

* :mod:`.templates` — Excel / CSV submission templates with the valid codes;
* :mod:`.validate` — every rule a submitted file must pass, vectorized, all problems at once;
* :mod:`.submit` — a file becomes one batch, whole or not at all; idempotent; versioned;
* :mod:`.workflow` — draft → submitted → approved | returned, by role, audited;
* :mod:`.permissions` — roles, scopes, ``authorize``, user management;
* :mod:`.queries` — observations, progress reports and the audit log as a user may see them;
* :mod:`.progress` — each target's status by a published method (Open SDG, Eurostat, UNSD);
* :mod:`.rollup` — county → prefecture → province → agglomeration by the declared rule;
* :mod:`.tasks` — task completion, overdue and stalled tasks, the annual joint task list;
* :mod:`.evaluation` — dynamic monitoring, mid-term and summary evaluation, reproducible;
* :mod:`.demo` — the plans' figures as observations; labelled synthetic data, and its wipe.

See ``docs/monitoring.md``.
"""
