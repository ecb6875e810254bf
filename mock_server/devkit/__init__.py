"""The developer kit: what an integrator drives from their own code. The threaded server
(``BankFeedsMock``), scenarios and fixture files, the request journal, fault injection and the demo.
``mock_server.testing`` (the pytest plugin, strategies and client) builds on it.
"""
