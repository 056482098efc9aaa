"""`make bench`: the figures the project measures (see __main__.py)."""
