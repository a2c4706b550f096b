"""The command line: `main` holds the root group; one module per domain, loaded when its
command is asked for."""
