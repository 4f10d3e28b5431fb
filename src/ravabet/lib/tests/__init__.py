"""Tests of the pure helpers in ravabet.lib."""
