"""The practitioner portal's views, one module per resource."""
