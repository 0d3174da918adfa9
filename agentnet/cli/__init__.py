"""The command line (floor 6): thin commands that parse, call the library, and render."""
