"""The demonstration CPTS: a generator and its data files."""
