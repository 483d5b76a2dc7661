"""The live transport: group names, messages sent only after the commit, one relay per thread
per process, presence, and the guarded socket the consumers are built on.

It knows ids and message types, never cases or members: the discussion (forum/events.py,
forum/consumers.py) decides what is said and who may hear it.
"""
