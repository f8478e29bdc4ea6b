"""riskguide: risk guidance on Russia's foreign-agent and undesirable-organisation laws."""

__version__ = "0.1.0"
