"""Design-review exports: reports, pictures and tables."""
