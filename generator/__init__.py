"""Service-guide generator: one YAML standard per matter, published every way it is needed."""

__version__ = "0.1.0"
