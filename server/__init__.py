"""Starting and stopping NocoDB and the app, the first-run bootstrap, NocoDB accounts."""
