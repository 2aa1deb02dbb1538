"""The NocoDB base as code: record models, table specs and the migration."""
