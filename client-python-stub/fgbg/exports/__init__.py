"""Reading fgbg exports back without a server: manifest, labels, per-format readers and
verification against the manifest (numpy and the standard library; Pillow for JPEG/PNG)."""
from .manifest import ExportError, Manifest

__all__ = ["ExportError", "Manifest"]
