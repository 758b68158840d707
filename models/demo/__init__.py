"""The built-in demo practice: realistic, deterministic history for trying the portal and journeys."""
from models.demo.generator import DemoSummary, load_demo

__all__ = ["DemoSummary", "load_demo"]
