"""One module per log source, each with a pure ``parse(record, ctx)``; see :mod:`.registry`."""
