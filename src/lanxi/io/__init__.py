"""Readers and writers of outside formats (tables, networks); the only place the engines' inputs touch files."""
