"""Render: turn the compiled model of one environment into the files a release applies."""
