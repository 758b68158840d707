"""The `prm` command line: one entry point for the portal, the worker, imports and reports."""
