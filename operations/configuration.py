"""Loading the region's configuration files: one step above the apps whose rows they fill.

The programme files (``programmes/data/*.toml``) are read and checked by ``programmes``; the
sectors they name are written by ``directory``, the programmes by ``programmes``, all in one
transaction, so a load is all or nothing. ``manage.py load_configuration`` then loads the
feedback surveys and the indicator catalogue (each all or nothing on its own).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from directory.services import write_sectors
from feedback.services import load_surveys
from indicators.catalogue import load_catalogue
from programmes.services import LoadReport, read_configuration, write_programmes


def load_configuration(data_dir: Path | None = None) -> LoadReport:
    """Check the programme files and bring the sectors and programmes in line with them."""
    configuration = read_configuration(data_dir)
    report = LoadReport()
    with transaction.atomic():
        write_sectors(configuration, report)
        write_programmes(configuration, report)
    return report


def load_surveys_and_catalogue() -> list[str]:
    """The feedback surveys and the indicator catalogue, as lines for the command's output."""
    return [*load_surveys(), *load_catalogue()]
