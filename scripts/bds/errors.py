"""The one exception the library raises for problems a user can fix."""


class BdsError(Exception):
    """A problem with input or environment, explained in Italian; the CLI prints it as one line."""

    details: str = ""  # text a command prints before that line (the findings behind a failed publication)
    changed: bool = False  # set when the command had already changed something before it failed

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
