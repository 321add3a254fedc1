"""Submodules are imported here so that importing the package registers them."""
