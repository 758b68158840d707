"""Import an Open Dental MySQL INSERT export (patients, appointments, procedures, recalls, commlog)."""
from models.importers.opendental.errors import OpenDentalImportError
from models.importers.opendental.importer import import_opendental
from models.importers.opendental.summary import ImportSummary, TableCounts

__all__ = ["ImportSummary", "OpenDentalImportError", "TableCounts", "import_opendental"]
