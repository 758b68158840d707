"""Practice KPIs: pure pandas functions over frames loaded from SQL; the portal and `prm kpis` share them."""
from models.kpis.report import kpi_report, monthly_series

__all__ = ["kpi_report", "monthly_series"]
