"""Everything that talks to NocoDB's API: the client, the base and its tables, records read and written, the migration."""
