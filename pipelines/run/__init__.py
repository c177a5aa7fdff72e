"""Running a refresh: deciding what to do, the stages, the isolated extraction child, reconciliation, carry-over."""
