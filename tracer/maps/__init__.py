"""Maps, Sankey diagrams and the run report: pure functions from the engine's tables to pictures and files.

Every function here takes DataFrames (the long flows table, the mine table) and
returns figures, GeoDataFrames or HTML text, so the drawing code stays testable
without a run. The few writers (`static.save_figure`, `geodata.write_layer`,
`interactive.write_html`) go through `hfcommon.output.atomic_path`.
"""
