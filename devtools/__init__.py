"""Tools for developing the product that the test suite and the benches share; not installed with the product."""
