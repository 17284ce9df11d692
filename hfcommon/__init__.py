"""What every layer of the hidden-flow tracer shares: the vocabulary, errors, countries,
boundaries and atomic output.

Why its own package: mine_db, graphs and tracer each stand on these facts, and none of
them may import a layer above it (mine_db -> graphs -> tracer). Keeping the shared facts
here means each is written once and no layer borrows another's internals.
"""
