"""tracer: solve the supply-chain network and attribute hidden flows to vehicles,
materials, components, mines and countries."""

__version__ = "0.1.0"
