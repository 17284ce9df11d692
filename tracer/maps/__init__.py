"""Maps, Sankey diagrams and the run report: pure functions from the engine's tables to pictures and files.

Every function here takes DataFrames (the long flows table, the mine table) and
returns figures, GeoDataFrames or HTML text; writing goes through `tracer.io` in
`tracer.maps.output` and the CLI, so the drawing code stays testable without a run.
"""
