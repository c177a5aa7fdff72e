"""The offline demo: shipped sample lists and the local HTTP server that serves them."""
