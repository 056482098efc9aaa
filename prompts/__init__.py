"""Prompt templates (Jinja2) and their VERSION: data, not code. A package only so that `pip install .` ships them."""
