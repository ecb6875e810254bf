"""The HTTP shell: the app factory, the request seam and middleware, error envelopes, request
validation against the OpenAPI documents, the views that shape answers, Codat's query language and
paging, the public routes (``api/``) and the ``/_mock`` control routes (``control/``).
"""
