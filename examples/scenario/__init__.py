"""The example scenario behind ``examples/generate.py``: a 4-node Zimbra collection with attacks and
traps, written deterministically from one seed, and its ground truth."""
