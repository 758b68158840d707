"""Small stateless widgets: they take vars and return components."""
