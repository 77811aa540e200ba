"""Placeholder while modules are written."""
