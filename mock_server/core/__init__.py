"""The emulated world as pure code: QBO rules, the virtual clock, records, tenants, pushes, the QBO
simulation, the chart of accounts, syncs and ids.

Nothing here imports a web framework, an HTTP client or a server, reads a file or a socket, or reads
the time: "now" is an argument, real time a callable handed in (``Settings.time_source``). The
shell in ``mock_server.http`` calls in; ``tests/core/test_purity.py`` keeps it so.
"""
