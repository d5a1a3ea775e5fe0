"""One module per command group; each has `register(app)`. The core never imports these."""
