"""The science of REE Grade: plain numpy/scipy code, no QGIS imports.

Every function takes and returns arrays and plain dicts and raises `ValueError`
with a message naming the table, column and row at fault; the Processing
wrappers in `processing_provider/` turn those into `QgsProcessingException`s.
"""
