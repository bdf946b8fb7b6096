"""Errors a user can act on. Every message names the file and, where known, the place and field."""


class PapermapError(Exception):
    """A problem with the user's input or environment; the CLI prints it as one line and exits 1."""


class InputError(PapermapError):
    """Bad input data, located as FILE:WHERE:FIELD when known."""

    def __init__(self, message: str, file: str = "", where: str = "", field: str = ""):
        self.file, self.where, self.field, self.message = file, where, field, message
        super().__init__(": ".join(p for p in (str(file), str(where), field, message) if p))

    def __reduce__(self):
        """Pickled with its parts, so an error raised in a forked reader arrives whole."""
        return type(self), (self.message, self.file, self.where, self.field)
