"""Staff paging: unclaimed urgent hand-offs page the on-call worker, then a supervisor, by SMS or email."""
