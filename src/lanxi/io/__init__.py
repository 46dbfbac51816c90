"""Readers and writers of outside formats (tables, networks).

The engines in :mod:`lanxi.compute` never touch files; these modules do it for them.
"""
