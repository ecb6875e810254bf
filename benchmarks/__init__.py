"""Benchmarks of the emulator: figures to read, never pass/fail. Run with ``make bench``."""
