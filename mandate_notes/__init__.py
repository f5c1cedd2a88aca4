"""mandate-notes: the library behind the scripts (table model, checks, build, release, site)."""
