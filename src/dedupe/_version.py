"""The package version: read by the build (hatch) and at run time without importlib.metadata."""

__version__ = "0.1.0"
