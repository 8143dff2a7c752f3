"""The rule catalogue: case files, preconditions, the generic runner and the one registry of ids."""
