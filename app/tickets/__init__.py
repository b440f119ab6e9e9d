"""Sollicitations: support requests prepared for the Chorus Pro portal, and their follow-up."""
