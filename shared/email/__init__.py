"""Forward-to-draft: parsing, trust, reply and the inbound workflow."""
