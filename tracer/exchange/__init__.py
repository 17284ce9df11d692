"""The field's exchange formats: a Brightway database (`brightway`), IAMC tables (`iamc`)
and Frictionless data packages (`datapackage`).

Pure functions over the compiled network and the results tables; writing goes through
`hfcommon.output` like every other output set.
"""
