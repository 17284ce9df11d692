"""The supply-chain network compiled to matrices: A (technology), B (stressors) and node tables.

A[i, j] = units of node i's output per unit of node j's output; B[s, j] = stressor s
per unit of node j's output (see tracer.engine for the solve).

Why one pass over arrays: networkx keeps a graph as dicts of dicts, and walking them
node by node and edge by edge in Python took 10 s at 1.46 million edges. Here each
attribute is pulled out in one C-level sweep (`map` over networkx's own node and
adjacency dicts, `G._node` and `G._succ`, which its public views wrap per item), ids
become indices through one dict, and every check runs on whole arrays. Only when a
check fails does a Python loop run, to name the first node or edge at fault, in the
same order and with the same message as a node-by-node walk would.

Even so, reading 1.46 million per-edge attribute dicts, scattered in memory, costs
seconds. A builder that holds its network as tables hands them to `compile_tables`
instead: the same matrices, bit for bit, with no Python per row. Both paths end in
one assembly from node, stressor and edge arrays. Modules: `inputs` (compile_network,
compile_tables and their checks), `network` (CompiledNetwork and the assembly).
"""

from tracer.compiled.inputs import compile_network, compile_tables
from tracer.compiled.network import (
    NODE_KINDS,
    TEXT_COLUMNS,
    CompiledNetwork,
    topological_levels,
)

__all__ = ["NODE_KINDS", "TEXT_COLUMNS", "CompiledNetwork", "compile_network", "compile_tables", "topological_levels"]
