"""Environment services: water and air data, their assessments and the views people read.

The package is split by what each module does; import the module you need
(``from lanxi.services.environment import views as env_views``) — this file re-exports nothing.

* :mod:`.assessments` — the published figures from frames and files: the AQI, a station's days
  (:func:`~.assessments.station_days`, the one hours-first rule), the HJ 663 annual
  evaluation, a city's days (:func:`~.assessments.city_days_by_code`, the one definition the
  annual evaluation and the targets read), the plans' good-days targets and their verdicts, water
  classes, monthly and annual compliance, the quarterly warnings and their settings. No store,
  no cache: frames in, frames out (and the CLI's tables in and out).
* :mod:`.compensation` — the compensation statement of a border section under the agreement
  that names it (生态补偿结算单), on the samples as :mod:`.assessments` reads them.
* :mod:`.store` — the environment data in the database: the bundled network, samples and
  observations read as the frames :mod:`.assessments` takes, their station-days
  (:func:`~.store.air_station_days`, which the annual evaluation and the views both read), the
  annual evaluation of a stored year, the writing of the demo data.
* :mod:`.views` — the stored data through :mod:`.assessments`, as records for the API, the
  dashboard, the CLI and the reports, cached per data version
  (:func:`lanxi.services.read_cache.data_version`).
* :mod:`.demo` — the synthetic series of ``lanxi env demo`` (no I/O: rows in, rows out).

Imports run one way: ``views`` → ``store`` → ``assessments``; ``store`` → ``demo``;
``compensation`` → ``assessments`` (and the bundled sections' names from ``store``). No module
of the package imports ``views``, and none imports an interface (CLI, API, web, reports); no
module outside the package uses a private (``_``-prefixed) name of it:
``tests/test_architecture.py`` checks all three.
"""
