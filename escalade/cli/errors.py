class CliError(Exception):
    """Printed as one line on stderr; exit status 2."""
