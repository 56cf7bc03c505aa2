"""Performance benchmarks for qa (not tests): `python -m bench.run [--quick]`."""
