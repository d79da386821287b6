"""Thin Qt views over the core, fed by the workers."""
