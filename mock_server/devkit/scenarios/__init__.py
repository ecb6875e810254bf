"""Scenarios: a tenant's whole state as a document, and a tenant from one.

The format is ``contracts/scenario.schema.json`` (YAML or JSON). The package reads the way a
document travels:

- :mod:`.text`: the document as text: parse YAML or JSON with line numbers, check the schema,
  report ``file:line:column: path: problem``, write YAML.
- :mod:`.export`: a tenant to a document (facts only).
- :mod:`.records`: a document to model records, every broken reference or impossible state found.
- :mod:`.load`: those records into a tenant, with what follows from them rebuilt.
- :mod:`.fields`: every model field the format carries or rebuilds (what keeps export and import whole).

``mock_server.devkit.fixtures`` loads scenario files at start; the control API's ``/_mock/state``
saves and replays them over HTTP.
"""
