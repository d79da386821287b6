"""The only code that starts threads or processes: runs core jobs and relays progress."""
