"""The public-structure directory: a local index of the Chorus Pro export, online lookups,
and the rules a recipient imposes (code service, engagement)."""
