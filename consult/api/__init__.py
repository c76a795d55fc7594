"""Read-only open data API (``/api/v1/``): public data only, documented by OpenAPI 3."""
