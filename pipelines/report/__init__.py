"""Output for people: the HTML report and the open questions of `c3p review`."""
