"""Static vocabulary for the demo generator: names, places, trades, sentence templates.

Plain tuples and dicts (ordered literals only), so the generator's output never depends on
hash seeds or set ordering.
"""
