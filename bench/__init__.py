"""Benchmarks behind `inv bench`: each module's run() returns {metric name: value}."""
