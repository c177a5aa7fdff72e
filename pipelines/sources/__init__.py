"""Where lists come from: the sources file, the registry of known releases, the crawler of the ministry's site."""
