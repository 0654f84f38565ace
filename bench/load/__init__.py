"""Load benchmark: patient endpoints under gunicorn against a bare Django view (the ceiling)."""
