"""A tiny library: apply a function to the values of records."""
