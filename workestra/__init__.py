"""Workestra application package: settings, event bus and app wiring."""
