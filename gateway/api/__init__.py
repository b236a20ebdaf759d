"""Blueprints of the customer API (/api/v1), one per resource."""
