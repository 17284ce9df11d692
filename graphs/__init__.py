"""graphs: the supply chain as a directed weighted network (networkx)."""
