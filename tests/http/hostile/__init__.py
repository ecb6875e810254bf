"""The hostile-input suite: generated requests over every route, each checked for no 5xx, Codat's
envelope, and the tenant's whole state unchanged on refusal."""
