"""The warehouse: table schema, rows from normalised lists, publish, queries, remote data directories."""
