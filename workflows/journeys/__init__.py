"""Journeys: definitions, the planner, the send guard and the workflow that runs them."""
